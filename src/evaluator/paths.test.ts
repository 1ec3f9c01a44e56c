// Witness paths keep only the partial paths that can still be popped: they must come out as a
// plain best-first search over a full heap gives them (the search as first written, below).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { partyStatement, relationshipStatement } from '../model/factories.ts';
import { createGraphBuilder } from './builder.ts';
import {
  compile,
  controlStart,
  E_MASK,
  E_STRIDE,
  edgeStart,
  F_INCONSISTENT,
  F_INVALID,
  F_REMAINDER,
  F_ROOT,
  F_UNKNOWN_UP,
  nodeFlags,
} from './compile.ts';
import type { CompactGraph } from './graph.ts';
import { MAX_PATHS, witnessPaths, type PathContext } from './paths.ts';
import { PolicyContext } from './policy-context.ts';
import { SolveState, Solver } from './solve.ts';
import { sweep } from './sweep.ts';
import { AS_OF, company, policy, rel } from './test-graph.ts';
import { FULL } from './units.ts';

interface Node {
  node: number;
  parent: Node | null;
  edge: number;
  strength: number;
  depth: number;
  seq: number;
}

const before = (a: Node, b: Node) =>
  a.strength > b.strength ||
  (a.strength === b.strength && (a.depth < b.depth || (a.depth === b.depth && a.seq < b.seq)));

/** The reference: every partial path kept, the best popped by a linear scan. */
function reference(p: PathContext, start: number): { paths: string[]; truncated: boolean } {
  const { c, res, graph: g } = p;
  const sources = F_ROOT | F_UNKNOWN_UP | F_INVALID | F_INCONSISTENT | F_REMAINDER;
  const tainted = (h: number) => res.inP(h) || res.hi(h) > 0 || (nodeFlags(c, h) & F_ROOT) !== 0;
  const onPath = (x: Node, v: number) => {
    for (let y: Node | null = x; y !== null; y = y.parent) if (y.node === v) return true;
    return false;
  };
  const open: Node[] = [{ node: start, parent: null, edge: 0, strength: 1, depth: 0, seq: 0 }];
  let seq = 1;
  const paths: string[] = [];
  let pops = 0;
  while (open.length > 0) {
    if (pops++ >= 32) return { paths, truncated: true };
    let best = 0;
    for (let i = 1; i < open.length; i++) if (before(open[i]!, open[best]!)) best = i;
    const x = open.splice(best, 1)[0]!;
    const v = x.node;
    if (nodeFlags(c, v) & sources) {
      if (paths.length === MAX_PATHS) return { paths, truncated: true };
      const hops: string[] = [];
      for (let y: Node = x; y.parent !== null; y = y.parent)
        hops.push(
          `${g.nodeIds[y.node]}>${g.relationshipId(y.edge >= 0 ? c.eRel[y.edge]! : c.cRel[~y.edge]!)}`,
        );
      paths.push(`${g.nodeIds[v]}: ${hops.reverse().join(' ')}`);
      if (nodeFlags(c, v) & F_ROOT) continue;
    }
    if (x.depth >= 32) continue;
    for (let k = edgeStart(c, v); k < edgeStart(c, v + 1); k++) {
      const h = c.e[k * E_STRIDE]!;
      const hi = c.e[k * E_STRIDE + 2]! & E_MASK;
      if (hi === 0 || !tainted(h) || onPath(x, h)) continue;
      open.push({
        node: h,
        parent: x,
        edge: k,
        strength: (x.strength * hi) / FULL,
        depth: x.depth + 1,
        seq: seq++,
      });
    }
    for (let k = controlStart(c, v); k < controlStart(c, v + 1); k++) {
      const h = c.cHolder[k]!;
      if (!tainted(h) || onPath(x, h)) continue;
      open.push({ node: h, parent: x, edge: ~k, strength: x.strength, depth: x.depth + 1, seq: seq++ });
    }
  }
  return { paths, truncated: false };
}

function contextOf(countries: string[], rels: ReturnType<typeof rel>[]): PathContext {
  const b = createGraphBuilder();
  countries.forEach((c, i) =>
    b.add(partyStatement(company(`p${i}`, c), { statementId: `s-p${i}`, statementDate: '2025-01-15' })),
  );
  for (const r of rels)
    b.add(relationshipStatement(r, { statementId: `s-${r.id}`, statementDate: '2025-01-15' }));
  const graph = b.build(AS_OF) as CompactGraph;
  const ctx = new PolicyContext(policy().policy, graph);
  const c = compile(graph, ctx, null);
  const res = new SolveState(c.n);
  sweep(c, res, new Solver(c, ctx.threshold, res, { rootMask: null, source: -1, single: false }));
  return { graph, ctx, c, res };
}

describe('witness paths', () => {
  it('are those of a best-first search over every partial path (dense graphs with cycles)', () => {
    let truncated = 0;
    fc.assert(
      fc.property(
        fc
          .integer({ min: 4, max: 30 })
          .chain((n) =>
            fc.tuple(
              fc.array(fc.constantFrom('CN', 'US', 'US', 'US', 'US', 'SG'), { minLength: n, maxLength: n }),
              fc.array(
                fc.tuple(
                  fc.nat(n - 1),
                  fc.nat(n - 1),
                  fc.oneof(
                    { weight: 8, arbitrary: fc.integer({ min: 1, max: 15 }) },
                    { weight: 1, arbitrary: fc.constantFrom(25, 50) },
                    { weight: 1, arbitrary: fc.constant({ type: 'appointmentOfBoard' }) },
                  ),
                ),
                { minLength: 3 * n, maxLength: 10 * n },
              ),
            ),
          ),
        ([countries, edges]) => {
          const p = contextOf(
            countries,
            edges.map(([h, s, x], i) => rel(`p${h}`, `p${s}`, x, `r${i}`)),
          );
          for (let v = 0; v < p.c.n; v++) {
            const got = witnessPaths(p, v);
            const want = reference(p, v);
            if (want.truncated) truncated++;
            assert.deepEqual(
              {
                paths: got.paths.map(
                  (w) => `${w.root}: ${w.hops.map((h) => `${h.holder}>${h.source}`).join(' ')}`,
                ),
                truncated: got.truncated,
              },
              want,
              `node p${v}`,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
    assert.ok(truncated > 50, `too few truncated searches to prove anything: ${truncated}`);
  });

  it('are not truncated when the 32nd pop empties the search (a ring of 31 under a root)', () => {
    // p1 <- p2 <- ... <- p30 <- p0 <- p1 (30% each), a root holding 60% of p0: from p1 the search
    // pops 32 times, and p1 met again at p0 (already on the path) is no path left over
    const ids = Array.from({ length: 31 }, (_, i) => `p${i}`);
    const rels = ids.map((id, i) => rel(ids[(i + 1) % 31]!, id, 30, `r${i}`));
    const b = createGraphBuilder();
    for (const id of ids)
      b.add(partyStatement(company(id, 'US'), { statementId: `s-${id}`, statementDate: '2025-01-15' }));
    b.add(partyStatement(company('a-root', 'CN'), { statementId: 's-root', statementDate: '2025-01-15' }));
    for (const r of [...rels, rel('a-root', 'p0', 60, 'r-root')])
      b.add(relationshipStatement(r, { statementId: `s-${r.id}`, statementDate: '2025-01-15' }));
    const graph = b.build(AS_OF) as CompactGraph;
    const ctx = new PolicyContext(policy().policy, graph);
    const c = compile(graph, ctx, null);
    const res = new SolveState(c.n);
    sweep(c, res, new Solver(c, ctx.threshold, res, { rootMask: null, source: -1, single: false }));
    const p = { graph, ctx, c, res };
    const got = witnessPaths(p, graph.nodeOf('p1'));
    assert.equal(got.truncated, false);
    assert.equal(got.paths.length, 1);
    assert.equal(got.paths[0]!.hops.length, 31);
    assert.equal(reference(p, graph.nodeOf('p1')).truncated, false);
  });
});

// The fused pass (sweep) must solve exactly as Tarjan's components followed by Solver.run.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { partyStatement, relationshipStatement } from '../model/factories.ts';
import { createGraphBuilder } from './builder.ts';
import { compile, E_STRIDE, edgeStarts } from './compile.ts';
import type { CompactGraph } from './graph.ts';
import { PolicyContext } from './policy-context.ts';
import { components } from './scc.ts';
import { SolveState, Solver } from './solve.ts';
import { sweep } from './sweep.ts';
import { AS_OF, company, policy, rel } from './test-graph.ts';
import type { Relationship } from '../model/types.ts';

function graphOf(countries: string[], rels: Relationship[]): CompactGraph {
  const b = createGraphBuilder();
  countries.forEach((c, i) =>
    b.add(partyStatement(company(`p${i}`, c), { statementId: `s-p${i}`, statementDate: '2025-01-15' })),
  );
  for (const r of rels)
    b.add(relationshipStatement(r, { statementId: `s-${r.id}`, statementDate: '2025-01-15' }));
  return b.build(AS_OF) as CompactGraph;
}

/** What the solve decides about v. */
const state = (s: SolveState, v: number) => [s.ab[2 * v], s.ab[2 * v + 1], s.cas[2 * v], s.cas[2 * v + 1]];

function both(g: CompactGraph, overrides: Record<string, unknown>) {
  const ctx = new PolicyContext(policy(overrides).policy, g);
  const c = compile(g, ctx, null);
  const spec = { rootMask: null, source: -1, single: false };
  const fused = new SolveState(c.n);
  const counts = sweep(c, fused, new Solver(c, ctx.threshold, fused, spec));
  const { inStart, cStart } = edgeStarts(c);
  const cs = components(c.n, inStart, c.e, cStart, c.cHolder, E_STRIDE);
  const split = new SolveState(c.n);
  new Solver(c, ctx.threshold, split, spec).run(cs, null);
  let largest = 0;
  for (let i = 0; i < cs.count; i++) largest = Math.max(largest, cs.start[i + 1]! - cs.start[i]!);
  return { fused, split, counts, expected: { count: cs.count, largest } };
}

describe('sweep (components and solve in one pass)', () => {
  it('gives the state of components + Solver.run, byte for byte, on random graphs with cycles', () => {
    const stake = fc.oneof(
      fc.integer({ min: 0, max: 100 }),
      fc.constantFrom<Relationship['interests'][number]>(
        { type: 'appointmentOfBoard' },
        { type: 'boardMember' },
        { type: 'votingRights', share: { minimum: 20, maximum: 60 } },
        { type: 'shareholding', share: { exclusiveMinimum: 50 } },
        { type: 'shareholding', directOrIndirect: 'indirect', share: { exact: 40 } },
      ),
    );
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 30 })
          .chain((n) =>
            fc.tuple(
              fc.array(fc.constantFrom('CN', 'US', 'SG', 'HK'), { minLength: n, maxLength: n }),
              fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), stake), { maxLength: 3 * n }),
              fc.constantFrom<Record<string, unknown>>(
                {},
                { unaccountedShares: 'unknown' },
                { threshold: { percent: 25, inclusive: true } },
              ),
            ),
          ),
        ([countries, edges, overrides]) => {
          const g = graphOf(
            countries,
            edges.map(([h, s, x], i) => rel(`p${h}`, `p${s}`, x, `r${i}`)),
          );
          const { fused, split, counts, expected } = both(g, overrides);
          for (let v = 0; v < fused.n; v++) assert.deepEqual(state(fused, v), state(split, v), `node ${v}`);
          assert.deepEqual(counts, expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('walks a long chain and a ring without recursion', () => {
    const n = 50_000;
    const countries = Array.from({ length: n }, (_, i) => (i === n - 1 ? 'CN' : 'US'));
    const chain = Array.from({ length: n - 1 }, (_, i) => rel(`p${i + 1}`, `p${i}`, 60, `c${i}`));
    let r = both(graphOf(countries, chain), {});
    assert.deepEqual(r.counts, { count: n, largest: 1 });
    for (let v = 0; v < n; v++) assert.deepEqual(state(r.fused, v), state(r.split, v));
    r = both(graphOf(countries, [...chain, rel('p0', `p${n - 1}`, 10, 'back')]), {});
    assert.deepEqual(r.counts, { count: 1, largest: n });
    for (let v = 0; v < n; v++) assert.deepEqual(state(r.fused, v), state(r.split, v));
  });
});

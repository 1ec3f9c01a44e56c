// The solve in the build-time order must give what the depth-first sweep (the reference path)
// gives, byte for byte -- and fall back to the sweep where a cycle hits the work budget.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { partyStatement, relationshipStatement } from '../model/factories.ts';
import type { Relationship } from '../model/types.ts';
import { createGraphBuilder } from './builder.ts';
import { compile } from './compile.ts';
import type { CompactGraph } from './graph.ts';
import { PolicyContext } from './policy-context.ts';
import { SolveState, Solver } from './solve.ts';
import { solveInOrder, solveWhole } from './solve-in-order.ts';
import { sweep } from './sweep.ts';
import { AS_OF, company, policy, rel } from './test-graph.ts';

function graphOf(countries: string[], rels: Relationship[]): CompactGraph {
  const b = createGraphBuilder();
  // ids in an order unrelated to the holdings, so the node order is not already holders first
  countries.forEach((c, i) =>
    b.add(partyStatement(company(id(i), c), { statementId: `s-${id(i)}`, statementDate: '2025-01-15' })),
  );
  for (const r of rels)
    b.add(relationshipStatement(r, { statementId: `s-${r.id}`, statementDate: '2025-01-15' }));
  return b.build(AS_OF) as CompactGraph;
}

const id = (i: number) => `p${(i * 7919) % 1009}-${i}`;

/** What the solve decides about v. */
const state = (s: SolveState, v: number) => [s.ab[2 * v], s.ab[2 * v + 1], s.cas[2 * v], s.cas[2 * v + 1]];

function both(g: CompactGraph, overrides: Record<string, unknown>) {
  const ctx = new PolicyContext(policy(overrides).policy, g);
  const c = compile(g, ctx, null);
  const spec = { rootMask: null, source: -1, single: false };
  const ordered = new SolveState(c.n);
  const counts = solveInOrder(c, ordered, new Solver(c, ctx.threshold, ordered, spec), g.solveOrder);
  const swept = new SolveState(c.n);
  const expected = sweep(c, swept, new Solver(c, ctx.threshold, swept, spec));
  return { ordered, swept, counts, expected };
}

const stake = fc.oneof(
  fc.integer({ min: 0, max: 100 }),
  fc.constantFrom<Relationship['interests'][number]>(
    { type: 'appointmentOfBoard' },
    { type: 'boardMember' },
    { type: 'votingRights', share: { minimum: 20, maximum: 60 } },
    { type: 'shareholding', share: { exclusiveMinimum: 50 } },
    { type: 'shareholding', share: { exact: 33.333333 } },
    { type: 'shareholding', directOrIndirect: 'indirect', share: { exact: 40 } },
    { type: 'settlor' },
  ),
);

describe('solveInOrder (the build-time order)', () => {
  it('gives the state and counts of the depth-first sweep on random graphs with cycles', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 30 })
          .chain((n) =>
            fc.tuple(
              fc.array(fc.constantFrom('CN', 'US', 'SG', 'HK'), { minLength: n, maxLength: n }),
              fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), stake), { maxLength: 4 * n }),
              fc.constantFrom<Record<string, unknown>>(
                {},
                { unaccountedShares: 'unknown' },
                { threshold: { percent: 25, inclusive: true } },
                { unidentifiedOwners: 'ignore', method: 'look-through' },
              ),
            ),
          ),
        ([countries, edges, overrides]) => {
          const g = graphOf(
            countries,
            edges.map(([h, s, x], i) => rel(id(h), id(s), x, `r${i}`)),
          );
          const { ordered, swept, counts, expected } = both(g, overrides);
          for (let v = 0; v < ordered.n; v++)
            assert.deepEqual(state(ordered, v), state(swept, v), `node ${g.nodeIds[v]}`);
          assert.deepEqual(counts, expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('leaves a cycle that hits the work budget to the sweep, whose walk decides what is kept', () => {
    // A and B hold all but a millionth of a percent of each other; CN1 holds that sliver of A
    // (and of a subject of B): the upper bounds climb one unit a round, far past a small budget.
    const g = graphOf(
      ['US', 'US', 'CN', 'US', 'US'],
      [
        rel(id(1), id(0), { share: { exact: 99.999999 } }, 'ba'),
        rel(id(0), id(1), { share: { exact: 99.999999 } }, 'ab'),
        rel(id(2), id(0), { share: { exact: 0.000001 } }, 'cn'),
        rel(id(1), id(3), 60, 'b3'),
        rel(id(3), id(4), 60, '34'),
      ],
    );
    const ctx = new PolicyContext(policy().policy, g);
    const c = compile(g, ctx, null);
    const spec = { rootMask: null, source: -1, single: false };
    const budget = 5_000;
    const ordered = new SolveState(c.n);
    assert.equal(
      solveInOrder(c, ordered, new Solver(c, ctx.threshold, ordered, spec, budget), g.solveOrder),
      null,
    );
    const swept = new SolveState(c.n);
    const expected = sweep(c, swept, new Solver(c, ctx.threshold, swept, spec, budget));
    const whole = solveWhole(c, ctx.threshold, g.solveOrder, budget);
    assert.deepEqual({ count: whole.count, largest: whole.largest }, expected);
    for (let v = 0; v < c.n; v++) assert.deepEqual(state(whole.res, v), state(swept, v), `node ${v}`);
    assert.ok(whole.res.capped(g.nodeOf(id(0))));
    assert.ok(!whole.res.capped(g.nodeOf(id(4))));
  });
});

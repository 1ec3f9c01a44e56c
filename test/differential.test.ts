// Differential test: the fast evaluator (src/evaluator) and the naive reference written from the
// spec text (test/reference/control-rule.ts) must reach the same decision on random graphs with
// cycles, ranges, bad shares, unknown owners, control interests, dates and every policy knob.
// Decisions whose figures land within a rounding hair of the threshold are left to the table tests.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createGraphBuilder, evaluate, prepareEvaluation } from '../src/evaluator/index.ts';
import type { AnyStatement, Interest, Party, Relationship } from '../src/model/types.ts';
import { partyStatement, relationshipStatement } from '../src/model/factories.ts';
import { policyFromDocument } from '../src/policy/load.ts';
import { referenceEvaluate } from './reference/control-rule.ts';

const AS_OF = '2025-10-01';
const COUNTRIES = ['CN', 'HK', 'US', 'SG', 'KY', 'UA', 'RU', 'DE'];
const SUBDIVISIONS = ['CN', 'US', 'KY', 'UA-43', 'UA', 'SG', 'CN-SH'];
const TYPES: Array<string | undefined> = [
  'shareholding',
  'shareholding',
  'shareholding',
  'votingRights',
  'appointmentOfBoard',
  'boardMember',
  'unknownInterest',
  undefined,
  'settlor',
];

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

const shareArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 100 }).map((exact) => ({ exact })) },
  { weight: 2, arbitrary: fc.constantFrom(10, 25, 30, 40, 50, 60).map((exact) => ({ exact })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }))
      .map(([a, b]) => ({ minimum: Math.min(a, b), maximum: Math.max(a, b) })),
  },
  { weight: 1, arbitrary: fc.constantFrom(25, 50, 75).map((exclusiveMinimum) => ({ exclusiveMinimum })) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom({ exact: 150 }, { minimum: 60, maximum: 40 }) },
);

const interestArb: fc.Arbitrary<Interest> = fc
  .record({
    type: fc.constantFrom(...TYPES),
    share: shareArb,
    directOrIndirect: fc.constantFrom<Interest['directOrIndirect']>(
      'direct',
      'direct',
      'direct',
      'indirect',
      'unknown',
      undefined,
    ),
    startDate: maybe(fc.constantFrom('2024-01-01', '2025-12-01')),
    endDate: maybe(fc.constantFrom('2025-10-01', '2026-01-01', '2025-03-01')),
  })
  .map((r) => {
    const i: Interest = {};
    if (r.type !== undefined) i.type = r.type;
    if (r.share !== undefined) i.share = r.share;
    if (r.directOrIndirect !== undefined) i.directOrIndirect = r.directOrIndirect;
    if (r.startDate !== undefined) i.startDate = r.startDate;
    if (r.endDate !== undefined) i.endDate = r.endDate;
    return i;
  });

const partyArb = (id: string): fc.Arbitrary<Party> =>
  fc
    .record({
      kind: fc.constantFrom<Party['kind']>(
        'entity',
        'entity',
        'entity',
        'entity',
        'entity',
        'person',
        'unknownEntity',
        'state',
      ),
      hq: maybe(fc.constantFrom(...COUNTRIES)),
      inc: maybe(fc.constantFrom(...SUBDIVISIONS)),
      listed: fc.boolean(),
    })
    .map(({ kind, hq, inc, listed }) => {
      const p: Party = { id, kind };
      if (kind === 'person') {
        if (hq !== undefined) p.residence = [hq];
        if (inc !== undefined && !inc.includes('-')) p.nationality = [inc];
      } else if (kind !== 'unknownEntity' || hq !== undefined) {
        if (hq !== undefined && kind !== 'state') p.headquarters = [hq];
        if (inc !== undefined) p.incorporation = [inc];
      }
      if (listed && kind === 'entity') p.listed = true;
      return p;
    });

interface Graph {
  statements: AnyStatement[];
}

const graphArb: fc.Arbitrary<Graph> = fc.integer({ min: 2, max: 8 }).chain((n) => {
  const ids = Array.from({ length: n }, (_, i) => `p${i}`);
  return fc
    .record({
      parties: fc.tuple(...ids.map((id) => partyArb(id))),
      undescribed: fc.integer({ min: 0, max: n - 1 }).map((k) => (k === 0 ? -1 : k)),
      rels: fc.array(
        fc.record({
          holder: fc.oneof(
            {
              weight: 8,
              arbitrary: fc
                .integer({ min: 0, max: n - 1 })
                .map((i) => `p${i}` as string | { reason: string }),
            },
            {
              weight: 1,
              arbitrary: fc.constantFrom(
                { reason: 'unknown' },
                { reason: 'noBeneficialOwners' },
                { reason: 'subjectExemptFromDisclosure' },
              ),
            },
          ),
          subject: fc.integer({ min: 0, max: n - 1 }),
          interests: fc.oneof(
            { weight: 6, arbitrary: fc.array(interestArb, { minLength: 1, maxLength: 2 }) },
            { weight: 1, arbitrary: fc.constant([]) },
          ),
          version: fc.constantFrom('none', 'none', 'none', 'later', 'closed', 'future'),
        }),
        { maxLength: 12 },
      ),
    })
    .map(({ parties, undescribed, rels }) => {
      const statements: AnyStatement[] = [];
      parties.forEach((p, i) => {
        if (i === undescribed) return;
        statements.push(partyStatement(p, { statementId: `s-${p.id}`, statementDate: '2025-01-15' }));
      });
      rels.forEach((r, i) => {
        const interests: Interest[] = [...r.interests];
        const rel: Relationship = {
          id: `r${i}`,
          subject: `p${r.subject}`,
          interestedParty: typeof r.holder === 'string' ? r.holder : { reason: r.holder.reason },
          interests,
        };
        statements.push(relationshipStatement(rel, { statementId: `s-r${i}`, statementDate: '2025-01-15' }));
        if (r.version === 'later') {
          const halved = interests.map((x) => ({ ...x, share: { exact: 20 } }));
          statements.push(
            relationshipStatement(
              { ...rel, interests: halved },
              { statementId: `s-r${i}-b`, statementDate: '2025-06-01', recordStatus: 'updated' },
            ),
          );
        }
        if (r.version === 'closed') {
          statements.push(
            relationshipStatement(rel, {
              statementId: `s-r${i}-c`,
              statementDate: '2025-06-01',
              recordStatus: 'closed',
            }),
          );
        }
        if (r.version === 'future') {
          statements.push(
            relationshipStatement(
              { ...rel, interests: [] },
              { statementId: `s-r${i}-f`, statementDate: '2025-12-01', recordStatus: 'updated' },
            ),
          );
        }
      });
      return { statements };
    });
});

const policyArb = fc
  .record({
    method: fc.constantFrom('cascade', 'look-through', 'either', 'both'),
    aggregation: fc.constantFrom('all', 'all', 'per-region', 'none'),
    inclusive: fc.boolean(),
    percent: fc.constantFrom(50, 50, 25),
    unaccountedShares: fc.constantFrom('clear', 'clear', 'unknown'),
    unidentifiedOwners: fc.constantFrom('review', 'review', 'ignore'),
    entities: fc.constantFrom(['headquarters', 'incorporation'], ['headquarters'], ['incorporation'], []),
    persons: fc.constantFrom(['residence', 'nationality'], ['residence'], []),
    states: fc.boolean(),
    regions: fc.constantFrom<Record<string, string[]>>(
      { restricted: ['CN', 'HK', 'RU', 'UA-43'] },
      { supported: ['US', 'SG', 'KY', 'UA', 'DE'] },
      { restricted: ['UA-43', 'CN-SH'], supported: ['US', 'SG', 'KY', 'UA', 'DE', 'CN'] },
    ),
  })
  .map((k) =>
    policyFromDocument(
      {
        id: 'random',
        version: '1',
        method: k.method,
        aggregation: k.aggregation,
        threshold: { percent: k.percent, inclusive: k.inclusive },
        unaccountedShares: k.unaccountedShares,
        unidentifiedOwners: k.unidentifiedOwners,
        origin: { entities: k.entities, persons: k.persons, states: k.states },
        regions: k.regions,
      },
      'random',
    ),
  );

describe('evaluator against the reference implementation (random graphs)', () => {
  it('reaches the reference decision on every entity away from the threshold', () => {
    const stats: Record<string, number> = { restricted: 0, review: 0, allowed: 0, near: 0 };
    fc.assert(
      fc.property(graphArb, policyArb, (graph, loaded) => {
        const builder = createGraphBuilder();
        for (const s of graph.statements) builder.add(s);
        const decisions = evaluate(builder.build(AS_OF), loaded);
        const expected = referenceEvaluate(graph.statements, loaded.policy, AS_OF);
        const got = new Map(decisions.map((d) => [d.id, d]));
        for (const [id, ref] of expected) {
          stats[ref.nearThreshold ? 'near' : ref.decision] =
            (stats[ref.nearThreshold ? 'near' : ref.decision] ?? 0) + 1;
          if (ref.nearThreshold) continue;
          const d = got.get(id);
          assert.ok(d, `no decision for ${id}`);
          assert.equal(
            d.decision,
            ref.decision,
            `${id}: evaluator ${d.decision} (cascade ${d.cascade.verdict}, look-through ${d.lookThrough.verdict} ${d.lookThrough.min}-${d.lookThrough.max}) vs reference ${ref.decision} (cascade ${ref.cascade}, look-through ${ref.lookThrough} ${ref.lt.join('-')})`,
          );
        }
      }),
      {
        numRuns: Number(process.env['DIFF_RUNS'] ?? 400),
        seed: Number(process.env['DIFF_SEED'] ?? 20251001),
      },
    );
    // The oracle must see every outcome, or the comparison proves little.
    for (const k of ['restricted', 'review', 'allowed'] as const)
      assert.ok(stats[k]! > 20, `too few ${k}: ${JSON.stringify(stats)}`);
    if (process.env['DIFF_STATS']) console.log(stats);
  });
});

describe('a prepared whole-graph evaluation (random graphs)', () => {
  it('gives, for any ids, the same bytes as evaluating those ids alone', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        graphArb,
        policyArb,
        fc.array(fc.array(fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'nobody')), {
          minLength: 1,
          maxLength: 3,
        }),
        (graph, loaded, requests) => {
          const builder = createGraphBuilder();
          for (const s of graph.statements) builder.add(s);
          const g = builder.build(AS_OF);
          const prepared = prepareEvaluation(g, loaded);
          try {
            for (const ids of requests) {
              const got = prepared.decide(ids);
              assert.equal(JSON.stringify(got), JSON.stringify(evaluate(g, loaded, { ids })));
              compared += got.length;
            }
          } finally {
            prepared.close();
          }
          assert.throws(() => prepared.decide(['p0']), /closed/);
        },
      ),
      { numRuns: 300, seed: 20261122 },
    );
    assert.ok(compared > 1000, `too few decisions compared: ${compared}`);
  });
});

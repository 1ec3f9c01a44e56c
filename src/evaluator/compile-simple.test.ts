// The simple compile path (whole graph) must write what the general path writes (which a compile
// of a node list takes), array for array.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { partyStatement, relationshipStatement } from '../model/factories.ts';
import type { Interest, Relationship } from '../model/types.ts';
import { createGraphBuilder } from './builder.ts';
import { compile, E_STRIDE, edgeStart, edgeStarts, nodeFlags, type Compiled } from './compile.ts';
import type { CompactGraph } from './graph.ts';
import { PolicyContext } from './policy-context.ts';
import { AS_OF, company, policy } from './test-graph.ts';

const interest = fc.oneof(
  fc.integer({ min: 0, max: 100 }).map((exact): Interest => ({ type: 'shareholding', share: { exact } })),
  fc.integer({ min: 0, max: 100 }).map((exact): Interest => ({ type: 'votingRights', share: { exact } })),
  fc.constantFrom<Interest>(
    { type: 'appointmentOfBoard' },
    { type: 'boardMember' },
    { type: 'settlor' },
    { type: 'unknownInterest' },
    {},
    { type: 'shareholding', share: { minimum: 20, maximum: 60 } },
    { type: 'shareholding', share: { exclusiveMinimum: 50 } },
    { type: 'shareholding', share: { exact: 50 } },
    { type: 'shareholding', share: { exact: 150 } },
    { type: 'shareholding', directOrIndirect: 'indirect', share: { exact: 40 } },
  ),
);

function graphOf(countries: string[], rels: Relationship[]): CompactGraph {
  const b = createGraphBuilder();
  countries.forEach((c, i) =>
    b.add(partyStatement(company(`p${i}`, c), { statementId: `s-p${i}`, statementDate: '2025-01-15' })),
  );
  for (const r of rels)
    b.add(relationshipStatement(r, { statementId: `s-${r.id}`, statementDate: '2025-01-15' }));
  return b.build(AS_OF) as CompactGraph;
}

/** The written part of every array (the edge arrays are allocated for the worst case). */
function written(c: Compiled) {
  const m = edgeStart(c, c.n);
  const { inStart, cStart } = edgeStarts(c);
  return {
    inStart: [...inStart],
    e: [...c.e.subarray(0, m * E_STRIDE)],
    eRel: [...c.eRel.subarray(0, m)],
    eType: [...c.eType.subarray(0, m)],
    cStart: [...cStart],
    cHolder: [...c.cHolder],
    cKind: [...c.cKind],
    cRel: [...c.cRel],
    cType: [...c.cType],
    flags: Array.from({ length: c.n }, (_, v) => nodeFlags(c, v)),
  };
}

describe('compile: the simple path', () => {
  it('writes what the general path writes, on random graphs and policies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(
            fc.array(fc.constantFrom('CN', 'US', 'SG'), { minLength: n, maxLength: n }),
            fc.array(
              fc.tuple(
                fc.oneof(
                  fc.nat(n - 1).map((i) => `p${i}` as string | { reason: string }),
                  fc.constantFrom({ reason: 'unknown' }, { reason: 'subjectExemptFromDisclosure' }),
                ),
                fc.nat(n - 1),
                // mostly one interest a relationship: what the simple path takes
                fc.oneof(
                  { weight: 6, arbitrary: interest.map((i) => [i]) },
                  { weight: 1, arbitrary: fc.array(interest, { maxLength: 3 }) },
                ),
              ),
              { maxLength: 4 * n },
            ),
            fc.constantFrom<Record<string, unknown>>(
              {},
              { unaccountedShares: 'unknown' },
              { interests: { ownership: ['shareholding'] } },
              {
                interests: { ownership: ['shareholding'] },
                control: { restricting: ['votingRights'], indicative: [] },
              },
            ),
          ),
        ),
        ([countries, rels, overrides]) => {
          const g = graphOf(
            countries,
            rels.map(([holder, s, interests], i) => ({
              id: `r${i}`,
              subject: `p${s}`,
              interestedParty: holder,
              interests,
            })),
          );
          const ctx = new PolicyContext(policy(overrides).policy, g);
          const all = Int32Array.from({ length: g.nodeCount }, (_, i) => i);
          assert.deepEqual(written(compile(g, ctx, null)), written(compile(g, ctx, all)));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

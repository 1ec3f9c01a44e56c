import assert from 'node:assert/strict';
import { decideTenant, type DecisionLike } from './decide-tenant.ts';
import type { MatchResult } from './match.ts';

const matched = (entityId: string): MatchResult => ({
  status: 'matched',
  entityId,
  score: 1,
  candidates: [{ entityId, name: entityId, score: 1, matched: ['lei'], conflicts: [] }],
  explanation: [],
  refused: [],
});
const unresolved: MatchResult = {
  status: 'unresolved',
  score: 0,
  candidates: [],
  explanation: [],
  refused: [],
};
const ambiguous: MatchResult = {
  status: 'review',
  score: 0.95,
  candidates: [
    { entityId: 'red', name: 'Red', score: 0.95, matched: ['name'], conflicts: [] },
    { entityId: 'green', name: 'Green', score: 0.95, matched: ['name'], conflicts: [] },
  ],
  explanation: [],
  refused: [],
};

const decisions = new Map<string, DecisionLike>([
  ['red', { id: 'red', decision: 'restricted', reasons: ['origin:headquarters:CN'] }],
  ['green', { id: 'green', decision: 'allowed', reasons: [] }],
  ['grey', { id: 'grey', decision: 'review', reasons: ['unknown-origin'] }],
]);
const tenant = { cloud: 'aws' as const, tenantKey: '111122223333' };

describe('decideTenant', () => {
  const table: Array<{
    what: string;
    own: MatchResult;
    parties?: Array<{ role: string; key: string; match: MatchResult }>;
    decision: string;
    reasons: string[];
  }> = [
    { what: 'allowed entity, no channel', own: matched('green'), decision: 'allowed', reasons: [] },
    {
      what: 'restricted entity',
      own: matched('red'),
      decision: 'restricted',
      reasons: ['tenant:origin:headquarters:CN'],
    },
    {
      what: 'unresolved is never allowed',
      own: unresolved,
      decision: 'review',
      reasons: ['tenant:unresolved'],
    },
    {
      what: 'ambiguous match names the restricted candidate',
      own: ambiguous,
      decision: 'review',
      reasons: ['tenant:match-review', 'tenant:match-ambiguous', 'tenant:candidate-restricted:red'],
    },
    {
      what: 'an allowed tenant behind a restricted payer is restricted',
      own: matched('green'),
      parties: [{ role: 'payer', key: '999988887777', match: matched('red') }],
      decision: 'restricted',
      reasons: ['payer:origin:headquarters:CN'],
    },
    {
      what: 'an unresolved reseller makes an allowed tenant review',
      own: matched('green'),
      parties: [{ role: 'reseller', key: 'csp-1', match: unresolved }],
      decision: 'review',
      reasons: ['reseller:unresolved'],
    },
    {
      what: 'matched entity the evaluator never decided: review, never allowed',
      own: matched('nowhere'),
      decision: 'review',
      reasons: ['tenant:no-decision-for-entity'],
    },
    {
      what: 'worst of review tenant and restricted billing account',
      own: matched('grey'),
      parties: [{ role: 'billing-account', key: 'billingAccounts/1', match: matched('red') }],
      decision: 'restricted',
      reasons: ['tenant:unknown-origin', 'billing-account:origin:headquarters:CN'],
    },
  ];
  for (const row of table)
    it(row.what, () => {
      const d = decideTenant(tenant, row.own, decisions, row.parties ?? []);
      assert.equal(d.decision, row.decision);
      assert.deepEqual(d.reasons, row.reasons);
      assert.equal(d.parties.length, 1 + (row.parties?.length ?? 0));
      assert.equal(d.parties[0]!.role, 'tenant');
    });

  it('carries the entity decision for reports and a match summary', () => {
    const d = decideTenant(tenant, matched('red'), decisions, []);
    assert.equal(d.entityId, 'red');
    assert.equal(d.entityDecision?.decision, 'restricted');
    assert.deepEqual(d.match, {
      status: 'matched',
      score: 1,
      entityId: 'red',
      candidates: [{ entityId: 'red', score: 1 }],
    });
  });
});

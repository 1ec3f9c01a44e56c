import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decideTenant, type DecisionLike } from '../resolve/decide-tenant.ts';
import type { MatchResult } from '../resolve/match.ts';
import {
  applyDeterminations,
  applyMatchDeterminations,
  collectEvidence,
  evidenceHash,
  evidenceHashOfIds,
  requiresFourEyes,
  type Determination,
  type DeterminationContext,
} from './determinations.ts';

const H = 'h1';
const det = (
  fields: Partial<Determination> & Pick<Determination, 'id' | 'kind' | 'subject'>,
): Determination => ({
  reason: 'r',
  evidence: [],
  reviewer: 'alice',
  status: 'in-force',
  evidenceHash: H,
  automaticDecision: 'review',
  createdAt: '2026-01-01T00:00:00.000Z',
  decidedAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});
const ctx = (
  hashes: Record<string, string> = {},
  now = '2026-02-01T00:00:00.000Z',
): DeterminationContext => ({
  now,
  evidenceHash: (s) => hashes[s] ?? H,
});
const match = (fields: Partial<MatchResult>): MatchResult => ({
  status: 'review',
  score: 0.9,
  candidates: [
    { entityId: 'red', name: 'Red', score: 0.9, matched: ['name'], conflicts: [] },
    { entityId: 'green', name: 'Green', score: 0.9, matched: ['name'], conflicts: [] },
  ],
  explanation: [],
  refused: [],
  ...fields,
});
const decisions = new Map<string, DecisionLike>([
  ['red', { id: 'red', decision: 'restricted', reasons: ['origin:headquarters:CN'] }],
  ['green', { id: 'green', decision: 'allowed', reasons: [] }],
]);
const tenant = { cloud: 'aws' as const, tenantKey: '1' };

describe('determinations (pure)', () => {
  it('four-eyes applies to lifting a restricted outcome and to re-pointing a restricted match', () => {
    const table: Array<[Parameters<typeof requiresFourEyes>, boolean]> = [
      [['restricted', 'decide', 'allowed'], true],
      [['restricted', 'decide', 'review'], false],
      [['review', 'decide', 'allowed'], false],
      [['allowed', 'decide', 'restricted'], false],
      [['restricted', 'confirm-match'], true],
      [['review', 'confirm-match'], false],
    ];
    for (const [args, want] of table) assert.equal(requiresFourEyes(...args), want, args.join(' '));
  });

  it('a confirmed match settles an ambiguous tenant; a rejected one removes the candidate', () => {
    const dets = [
      det({ id: 'D1', kind: 'reject-match', subject: 'aws:1', entityId: 'red' }),
      det({ id: 'D2', kind: 'confirm-match', subject: 'aws:1', entityId: 'green', approver: 'bob' }),
    ];
    const r = applyMatchDeterminations('aws:1', match({}), dets, ctx());
    assert.equal(r.match.status, 'matched');
    assert.equal(r.match.entityId, 'green');
    assert.deepEqual(
      r.match.candidates.map((c) => c.entityId),
      ['green'],
    );
    assert.deepEqual(r.applied, ['D1', 'D2']);
    const td = decideTenant(tenant, r.match, decisions);
    assert.equal(td.decision, 'allowed');
  });

  it('rejecting the matched entity sends the tenant back to review (never allowed)', () => {
    const m = match({ status: 'matched', entityId: 'green', candidates: [match({}).candidates[1]!] });
    const r = applyMatchDeterminations(
      'aws:1',
      m,
      [det({ id: 'D3', kind: 'reject-match', subject: 'aws:1', entityId: 'green' })],
      ctx(),
    );
    assert.equal(r.match.status, 'unresolved');
    assert.equal(r.match.entityId, undefined);
    assert.equal(decideTenant(tenant, r.match, decisions).decision, 'review');
  });

  it('a tenant determination overrides the outcome and keeps the automatic one beside it', () => {
    const auto = decideTenant(tenant, match({ status: 'matched', entityId: 'red' }), decisions);
    const r = applyDeterminations(
      auto,
      [det({ id: 'D4', kind: 'decide', subject: 'aws:1', decision: 'allowed', approver: 'bob' })],
      ctx(),
    );
    assert.equal(r.decision.decision, 'allowed');
    assert.deepEqual(r.decision.reasons, ['determination:D4']);
    assert.deepEqual(r.decision.automatic, {
      decision: 'restricted',
      reasons: ['tenant:origin:headquarters:CN'],
    });
  });

  it('an entity determination changes every party matched to it, and the worst still wins', () => {
    const auto = decideTenant(tenant, match({ status: 'matched', entityId: 'green' }), decisions, [
      { role: 'payer', key: '2', match: match({ status: 'matched', entityId: 'red' }) },
    ]);
    assert.equal(auto.decision, 'restricted');
    const onPayerEntity = det({ id: 'D5', kind: 'decide', subject: 'entity:red', decision: 'review' });
    const r = applyDeterminations(auto, [onPayerEntity], ctx());
    assert.equal(r.decision.decision, 'review');
    assert.deepEqual(r.decision.reasons, ['payer:determination:D5']);
  });

  it('lapses: changed evidence and expiry take a determination out of force, pending ones never apply', () => {
    const auto = decideTenant(tenant, match({ status: 'matched', entityId: 'red' }), decisions);
    const dets = [
      det({ id: 'D6', kind: 'decide', subject: 'aws:1', decision: 'allowed', evidenceHash: 'old' }),
      det({ id: 'D7', kind: 'decide', subject: 'entity:red', decision: 'allowed', expiresAt: '2026-01-15' }),
      det({ id: 'D8', kind: 'decide', subject: 'aws:1', decision: 'allowed', status: 'pending' }),
    ];
    const r = applyDeterminations(auto, dets, ctx({ 'aws:1': 'new' }));
    assert.equal(r.decision.decision, 'restricted');
    assert.equal(r.decision.automatic, undefined);
    assert.deepEqual(
      r.lapsed.sort((a, b) => a.id.localeCompare(b.id)),
      [
        { id: 'D6', subject: 'aws:1', reason: 'evidence-changed' },
        { id: 'D7', subject: 'entity:red', reason: 'expired' },
      ],
    );
  });

  it('evidence hash: order-free, and changed by a new statement or a new candidate', () => {
    const a = evidenceHash({ statements: [{ id: 's1' }, { id: 's2' }], candidates: ['e1', 'e2'] });
    assert.equal(
      a,
      evidenceHash({ statements: [{ id: 's2' }, { id: 's1' }, { id: 's1' }], candidates: ['e2', 'e1'] }),
    );
    assert.notEqual(
      a,
      evidenceHash({ statements: [{ id: 's1' }, { id: 's2' }, { id: 's3' }], candidates: ['e1', 'e2'] }),
    );
    assert.notEqual(
      a,
      evidenceHash({ statements: [{ id: 's1' }, { id: 's2' }], candidates: ['e1', 'e2', 'e3'] }),
    );
    assert.match(a, /^[0-9a-f]{64}$/);
  });

  it('collects the statements above an entity, through cycles, with the origin of each party', () => {
    const holders: Record<string, Array<{ statementId: string; holder: string | { reason: string } }>> = {
      sub: [
        { statementId: 'r1', holder: 'mid' },
        { statementId: 'r2', holder: { reason: 'unknown' } },
      ],
      mid: [{ statementId: 'r3', holder: 'top' }],
      top: [{ statementId: 'r4', holder: 'mid' }],
    };
    const graph = {
      holdersOf: (id: string) => holders[id] ?? [],
      party: (id: string) => ({ id, headquarters: id === 'top' ? ['CN'] : ['SG'] }),
    };
    const ev = collectEvidence(graph, ['sub']);
    assert.deepEqual(ev.statements.map((s) => s.id).sort(), ['r1', 'r2', 'r3', 'r4']);
    assert.equal(ev.parties?.length, 3);
    const moved = collectEvidence({ ...graph, party: (id: string) => ({ id, headquarters: ['SG'] }) }, [
      'sub',
    ]);
    assert.notEqual(
      evidenceHash({ ...ev, candidates: [] }),
      evidenceHash({ ...moved, candidates: [] }),
      'a headquarters move upstream changes the evidence',
    );
  });
});

describe('evidenceHashOfIds', () => {
  it('is evidenceHash of the same ids and candidates, whatever their order and repeats', () => {
    const ids = fc.array(
      fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('a', 'b', 'é', '\u{1F600}')),
      {
        maxLength: 12,
      },
    );
    fc.assert(
      fc.property(ids, ids, (statements, candidates) => {
        assert.equal(
          evidenceHashOfIds(statements, candidates),
          evidenceHash({ statements: statements.map((id) => ({ id })), candidates }),
        );
      }),
      { numRuns: 500, seed: 20261122 },
    );
  });

  it('changes when a statement or a candidate does', () => {
    const base = evidenceHashOfIds(['s1', 's2'], ['e1']);
    assert.notEqual(evidenceHashOfIds(['s1', 's3'], ['e1']), base);
    assert.notEqual(evidenceHashOfIds(['s1', 's2'], ['e2']), base);
    assert.equal(evidenceHashOfIds(['s2', 's1', 's2'], ['e1', 'e1']), base);
  });
});

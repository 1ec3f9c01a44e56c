import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { GENESIS_HASH, hashAuditRow } from './audit-log.ts';

// The chain's hash is sha256(prev || RFC 8785 JSON of the row with its payload parsed); the
// implementation assembles that text around the stored payload. Cross-check it against the
// general canonicaliser on awkward rows.
describe('hashAuditRow', () => {
  const rows = [
    {
      seq: 1,
      at: '2026-11-01T00:00:00.000Z',
      actor: 'a',
      action: 'outcome.changed',
      subject: 'aws:1',
      payload: null,
    },
    {
      seq: 9_007_199_254,
      at: '2026-11-01T00:00:00Z',
      actor: 'Zoë "reviewer" \u2028',
      action: 'determination.recorded',
      subject: 'entity:\u4e2d\u56fd',
      payload: { z: [1, 2.5, 'x'], a: { y: true, b: null }, é: 'é', '\u{1f600}': 1e21 },
    },
  ];
  for (const r of rows)
    it(`matches the canonical JSON of the whole row (seq ${r.seq})`, () => {
      const payload = canonicalJson(r.payload);
      const expected = createHash('sha256')
        .update(GENESIS_HASH)
        .update(canonicalJson({ ...r, payload: r.payload }))
        .digest('hex');
      assert.equal(hashAuditRow(GENESIS_HASH, { ...r, payload }), expected);
    });

  it('does not accept a payload re-spaced after the fact', () => {
    const base = { seq: 3, at: '2026-11-01T00:00:00Z', actor: 'x', action: 'a', subject: 's' };
    const h = hashAuditRow(GENESIS_HASH, { ...base, payload: '{"a":1}' });
    assert.notEqual(hashAuditRow(GENESIS_HASH, { ...base, payload: '{ "a": 1 }' }), h);
  });
});

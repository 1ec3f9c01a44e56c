import assert from 'node:assert/strict';
import { createEntityIndex } from './entity-index.ts';
import { matchTenant } from './match.ts';
import { matchTable as table, registry } from './match-fixtures.ts';

const index = createEntityIndex(registry);

describe('matchTenant', () => {
  for (const row of table) {
    it(row.what, () => {
      const r = matchTenant(index, row.tenant);
      const ctx = `\n${r.explanation.join('\n')}`;
      assert.equal(r.status, row.status, ctx);
      assert.equal(r.entityId, row.entityId, ctx);
      if (row.candidates)
        assert.deepEqual(r.candidates.map((c) => c.entityId).sort(), [...row.candidates].sort(), ctx);
      if (row.explain)
        assert.ok(
          r.explanation.some((e) => row.explain!.test(e)),
          ctx,
        );
      if (r.status !== 'matched') assert.equal(r.entityId, undefined);
    });
  }

  it('does not index persons, nor identifiers that fail validation', () => {
    assert.equal(index.entityCount, registry.length - 1);
    assert.equal(index.refusedIdentifiers, 2);
  });

  it('is deterministic: the same tenant gives the same bytes', () => {
    const t = { legalName: 'BYTEDANCE PTE. LTD.' };
    assert.equal(JSON.stringify(matchTenant(index, t)), JSON.stringify(matchTenant(index, t)));
  });

  it('candidates carry what matched and what conflicted', () => {
    const r = matchTenant(index, { legalName: 'ByteDance', countryCode: 'SG' });
    const sg = r.candidates.find((c) => c.entityId === 'bytedance-sg')!;
    const ky = r.candidates.find((c) => c.entityId === 'bytedance-ky')!;
    assert.deepEqual(sg.matched, ['name', 'country']);
    assert.deepEqual(ky.conflicts, ['country']);
    assert.ok(sg.score > ky.score);
  });
});

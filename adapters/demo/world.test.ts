import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEMO_OWNERSHIP_FILE, demoOwnershipJsonl } from './bundle.ts';
import { leiFor, createRng } from './names.ts';
import { generateDemoWorld } from './world.ts';

describe('demo world', () => {
  it('is the same for the same seed and different for another', () => {
    const a = generateDemoWorld({ tenants: 200 });
    const b = generateDemoWorld({ tenants: 200 });
    const c = generateDemoWorld({ tenants: 200, seed: 7 });
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.notEqual(JSON.stringify(a), JSON.stringify(c));
  });

  it('has unique tenant keys per cloud, all three clouds, channel parties and every expected outcome', () => {
    const w = generateDemoWorld({ tenants: 1500 });
    const keys = new Set(w.tenants.map((t) => `${t.cloud}/${t.key}`));
    assert.equal(keys.size, w.tenants.length);
    for (const cloud of ['aws', 'gcp', 'azure']) assert.ok(w.tenants.some((t) => t.cloud === cloud));
    assert.ok(w.tenants.some((t) => t.payerKey));
    assert.ok(w.tenants.some((t) => t.resellerKey));
    assert.ok(w.tenants.some((t) => t.companyId === null));
    for (const e of ['allowed', 'restricted', 'review'])
      assert.ok(
        w.companies.some((c) => c.expected === e),
        e,
      );
    // Every channel party a tenant names exists as a tenant of the same cloud.
    for (const t of w.tenants) {
      if (t.payerKey) assert.ok(keys.has(`aws/${t.payerKey}`));
      if (t.resellerKey) assert.ok(keys.has(`azure/${t.resellerKey}`));
    }
    assert.ok(w.tenants.filter((t) => t.companyId !== null).length >= 1400);
  });

  it('gives every company an entity statement and valid LEIs', () => {
    const w = generateDemoWorld({ tenants: 300 });
    const entityIds = new Set(
      w.bods
        .map((s) => s as { recordType: string; recordId: string })
        .filter((s) => s.recordType === 'entity')
        .map((s) => s.recordId),
    );
    for (const c of w.companies) {
      assert.ok(entityIds.has(c.id), c.id);
      if (c.lei) assert.equal(mod97(c.lei), 1, c.lei);
    }
  });

  it('makes LEIs whose ISO 7064 check holds', () => {
    assert.equal(mod97('5493001KJTIIGC8Y1R12'), 1); // a real LEI (Bloomberg Finance L.P.)
    assert.notEqual(mod97('5493001KJTIIGC8Y1R13'), 1);
    const rng = createRng(1);
    for (let i = 0; i < 50; i++) assert.equal(mod97(leiFor(rng)), 1);
  });

  it('bundles exactly the generated ownership graph (regenerate with scripts/demo/write-demo-data.ts)', () => {
    assert.equal(readFileSync(DEMO_OWNERSHIP_FILE, 'utf8'), demoOwnershipJsonl());
  });
});

function mod97(lei: string): number {
  let rem = 0;
  for (const ch of lei) {
    const v = parseInt(ch, 36);
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem;
}

// The demo world served by the fake and read back by the adapter: every AWS tenant of the world
// comes back with the facts the world gave it, and nothing of other clouds leaks in.
import assert from 'node:assert/strict';
import type { TenantRecord, UsageRecord } from '../../src/adapter.ts';
import { silentLogger } from '../../src/log.ts';
import { generateDemoWorld } from '../demo/world.ts';
import { DEMO_FEEDS, awsStateFromDemo } from './demo.ts';
import { startAwsFake } from './fake.ts';
import { createAwsAdapter, resolveAwsConfig } from './index.ts';

describe('aws demo state', () => {
  const world = generateDemoWorld({ tenants: 300 });
  const awsTenants = world.tenants.filter((t) => t.cloud === 'aws');

  it('holds one agreement per AWS tenant and no tenant of another cloud', () => {
    const state = awsStateFromDemo(world);
    assert.equal(state.agreements.length, awsTenants.length);
    const keys = new Set(awsTenants.map((t) => t.key));
    assert.ok(state.agreements.every((a) => keys.has(a.acceptorAccountId)));
    assert.deepEqual(Object.values(state.productModels).sort(), [
      'anthropic.claude-haiku-4-5-20251001-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
  });

  it('reads back through the fake as the world describes it', async () => {
    const state = awsStateFromDemo(world);
    const fake = await startAwsFake({ state });
    const config = resolveAwsConfig(
      {
        endpoint: fake.url,
        feeds: DEMO_FEEDS,
        productModels: state.productModels,
        rates: { searchAgreements: 10_000, describeAgreement: 10_000 },
        concurrency: 16,
      },
      {},
    );
    const adapter = createAwsAdapter(config, { logger: silentLogger, credentials: fake.credentials });
    try {
      const tenants = new Map<string, TenantRecord>();
      for await (const p of adapter.tenants()) for (const t of p.items) tenants.set(t.tenantKey, t);
      assert.equal(tenants.size, awsTenants.length);
      for (const t of awsTenants) {
        const r = tenants.get(t.key);
        assert.ok(r, t.key);
        assert.equal(r.entitlements[0]?.id, t.subscriptionId);
        assert.equal(r.countryCode, t.country);
        assert.equal(r.domain, t.domain);
        if (t.country && t.country !== 'US') assert.equal(r.legalName, t.reportedName, t.key);
        else assert.ok(r.missing.includes('legalName'), t.key);
        if (t.payerKey && t.usage.length > 0)
          assert.deepEqual(
            r.links.map((l) => l.fromKey),
            [t.payerKey],
          );
        else assert.deepEqual(r.links, []);
      }
      let spend = 0;
      const window = { start: `${world.months[0]}-01T00:00:00Z`, end: '2100-01-01T00:00:00Z' };
      for await (const p of adapter.usage(window))
        for (const u of p.items as UsageRecord[]) spend += u.quantity;
      const expected = awsTenants.flatMap((t) => t.usage).reduce((s, u) => s + u.spend, 0);
      assert.ok(Math.abs(spend - expected) < 0.01 * awsTenants.length, `${spend} vs ${expected}`);
    } finally {
      adapter.close();
      await fake.close();
    }
  });
});

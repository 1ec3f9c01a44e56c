// The generated demo world served by the fake and read back by the adapter: every Azure tenant
// comes back with the facts the world gave it, CSP purchases as reseller-of links, usage totals
// intact, and nothing of other clouds.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantRecord, UsageRecord } from '../../src/adapter.ts';
import { silentLogger } from '../../src/log.ts';
import { generateDemoWorld } from '../demo/world.ts';
import { azureStateFromDemo, writeAzureReports } from './demo.ts';
import { createFakeCredential, startAzureFake } from './fake.ts';
import { createAzureAdapter, resolveAzureConfig } from './index.ts';

describe('azure demo state', () => {
  const world = generateDemoWorld({ tenants: 400 });
  const azure = world.tenants.filter((t) => t.cloud === 'azure');
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'cg-azure-demo-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('holds one subscription per Azure tenant and nothing of other clouds', () => {
    const state = azureStateFromDemo(world);
    assert.ok(azure.length > 20);
    assert.equal(state.subscriptions.length, azure.length);
    const keys = new Set(azure.map((t) => t.key));
    assert.ok(
      state.subscriptions.every((s) => keys.has((s['beneficiary'] as { tenantId: string }).tenantId)),
    );
    assert.ok(
      azure.some((t) => t.resellerKey),
      'the world has CSP purchases',
    );
  });

  it('writes the same report bytes for the same world', async () => {
    const a = await writeAzureReports(azureStateFromDemo(world), join(dir, 'a'));
    const b = await writeAzureReports(
      azureStateFromDemo(generateDemoWorld({ tenants: 400 })),
      join(dir, 'b'),
    );
    assert.equal(await readFile(a.customerFile, 'utf8'), await readFile(b.customerFile, 'utf8'));
    assert.equal(await readFile(a.usageFile, 'utf8'), await readFile(b.usageFile, 'utf8'));
  });

  it('reads back through the fake as the world describes it', async () => {
    const state = azureStateFromDemo(world);
    await writeAzureReports(state, join(dir, 'r'));
    const fake = await startAzureFake({ state });
    const adapter = createAzureAdapter(
      resolveAzureConfig({
        baseUrl: fake.url,
        reportsDir: join(dir, 'r'),
        requestsPerSecond: 10_000,
        burst: 100,
      }),
      { logger: silentLogger, credential: createFakeCredential() },
    );
    try {
      const tenants = new Map<string, TenantRecord>();
      for await (const p of adapter.tenants()) {
        for (const t of p.items) {
          assert.ok(!tenants.has(t.tenantKey), `${t.tenantKey} handed over twice`);
          tenants.set(t.tenantKey, t);
        }
      }
      assert.equal(tenants.size, azure.length);
      for (const t of azure) {
        const r = tenants.get(t.key);
        assert.ok(r, t.key);
        assert.deepEqual(r.accountIds, [t.subscriptionId]);
        assert.equal(r.countryCode, t.country, t.key);
        assert.equal(r.domain, t.domain, t.key);
        assert.equal(r.legalName, t.reportedName || undefined, t.key);
        assert.deepEqual(
          r.links.map((l) => [l.fromKey, l.role]),
          t.resellerKey ? [[t.resellerKey, 'reseller-of']] : [],
        );
      }

      const lines: UsageRecord[] = [];
      const months = [...world.months].sort();
      const [y, m] = months.at(-1)!.split('-').map(Number) as [number, number];
      const window = { start: `${months[0]}-01T00:00:00Z`, end: new Date(Date.UTC(y, m, 1)).toISOString() };
      for await (const p of adapter.usage(window)) lines.push(...p.items);
      const total = (source: string, dimension: string) =>
        lines
          .filter((l) => l.source === source && l.dimension === dimension)
          .reduce((s, l) => s + l.quantity, 0);
      const want = (f: 'requests' | 'inputTokens' | 'spend') =>
        azure.flatMap((t) => t.usage).reduce((s, u) => s + u[f], 0);
      assert.equal(total('usageEvents', 'requests'), want('requests'));
      assert.equal(total('ISVUsage', 'inputTokens'), want('inputTokens'));
      assert.ok(Math.abs(total('ISVUsage', 'spend') - want('spend')) < 1e-6);
      assert.ok(
        lines.every((l) => tenants.has(l.tenantKey)),
        'a usage line is keyed to no known tenant',
      );
    } finally {
      await fake.close();
    }
  });
});

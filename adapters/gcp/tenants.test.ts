// Tenants and usage end to end: the fake's API plus report files it wrote, read by the adapter.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantRecord, UsageRecord } from '../../src/adapter.ts';
import { InputError } from '../../src/errors.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { generateDemoWorld } from '../demo/world.ts';
import { gcpStateFromDemo } from './demo.ts';
import { startGcpFake, writeGcpReports, type GcpFake } from './fake.ts';
import { createGcpAdapter, type GcpConfigInput } from './index.ts';
import { PROVIDER, smallState } from './test-fixtures.ts';

const EVER = { start: '2000-01-01T00:00:00Z', end: '2100-01-01T00:00:00Z' };

describe('gcp tenants and usage', () => {
  let fake: GcpFake;
  let dir: string;
  let config: GcpConfigInput;
  const logger = createMemoryLogger();
  const tenants = async (extra: Partial<GcpConfigInput> = {}) => {
    const out = new Map<string, TenantRecord>();
    for await (const p of createGcpAdapter({ ...config, ...extra }, { logger }).tenants())
      for (const t of p.items) out.set(t.tenantKey, t);
    return out;
  };
  const usage = async (window = EVER, extra: Partial<GcpConfigInput> = {}, cursor?: string) => {
    const out: UsageRecord[] = [];
    const a = createGcpAdapter({ ...config, ...extra }, { logger });
    for await (const p of a.usage(window, cursor !== undefined ? { cursor } : {})) out.push(...p.items);
    return out;
  };

  before(async () => {
    fake = await startGcpFake({ state: smallState() });
    dir = await mkdtemp(join(tmpdir(), 'cg-gcp-'));
    await writeGcpReports(fake.state, dir);
    const key = fake.createServiceAccountKey();
    config = {
      providerId: PROVIDER,
      baseUrl: fake.url,
      credentials: key,
      reportsDir: dir,
      requestsPerSecond: 1000,
      burst: 100,
    };
  });
  after(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the Customer Insights index in the spill folder it is given while listing, and removes it', async () => {
    const spillDir = await mkdtemp(join(tmpdir(), 'cg-gcp-spill-'));
    try {
      const adapter = createGcpAdapter({ ...config, pageSize: 2 }, { logger, spill: { dir: spillDir } });
      const pages = adapter.tenants()[Symbol.asyncIterator]();
      const first = await pages.next();
      assert.equal(first.done, false);
      assert.deepEqual(
        (await readdir(spillDir)).map((n) => n.replace(/-\w+$/, '')),
        ['cg-insights'],
      );
      for (let r = await pages.next(); !r.done; r = await pages.next());
      assert.deepEqual(await readdir(spillDir), []);
    } finally {
      await rm(spillDir, { recursive: true, force: true });
    }
  });

  it('joins the Customer Insights row: name, country, domain and the billing account link', async () => {
    const t = (await tenants()).get('acct-company')!;
    assert.equal(t.legalName, 'Bergmann Software GmbH');
    assert.equal(t.countryCode, 'DE');
    assert.equal(t.domain, 'bergmannsoftware.de');
    assert.deepEqual(t.missing, ['registrationIds']);
    assert.deepEqual(
      t.links.map((l) => [l.role, l.fromKey, l.toKey]),
      [
        ['billing-account-of', 'billingAccounts/01AB23-45CD67-89EF01', 'acct-company'],
        ['consumer-project-of', 'projects/bergmann-dev', 'acct-company'],
        ['consumer-project-of', 'projects/bergmann-prod', 'acct-company'],
      ],
    );
    assert.deepEqual(
      t.entitlements.map((e) => [e.id, e.state, e.plan, e.end]),
      [
        ['ent-1', 'active', 'pay-as-you-go', undefined],
        ['ent-2', 'cancelled', 'enterprise', '2025-06-01T00:00:00Z'],
      ],
    );
    assert.ok(
      t.provenance.some(
        (p) =>
          p.field === 'legalName' &&
          p.source === 'report:customer-insights' &&
          p.recordId === 'customer_insights.csv:2',
      ),
    );
  });

  it('hands over, in order and whole, every page read before the listing fails, then the failure', async () => {
    fake.faults.repeatTokenFromPage = 2;
    const pages: Array<{ keys: string[]; entitled: number; cursor?: string }> = [];
    try {
      await assert.rejects(
        (async () => {
          for await (const p of createGcpAdapter({ ...config, pageSize: 2 }, { logger }).tenants())
            pages.push({
              keys: p.items.map((t) => t.tenantKey),
              entitled: p.items.filter((t) => t.entitlements.length > 0).length,
              ...(p.cursor !== undefined ? { cursor: p.cursor } : {}),
            });
        })(),
        { code: 'RepeatedPageToken' },
      );
    } finally {
      delete fake.faults.repeatTokenFromPage;
    }
    const all = [...(await tenants()).keys()];
    assert.ok(pages.length >= 2, JSON.stringify(pages));
    assert.deepEqual(
      pages.flatMap((p) => p.keys),
      all.slice(0, pages.length * 2),
      'the pages before the failure, in listing order',
    );
    assert.ok(pages.every((p) => p.cursor?.startsWith('accounts:')));
    assert.ok(
      pages.some((p) => p.entitled > 0),
      'entitlements joined on the pages handed over',
    );
  });

  it('lists a personal account\'s "n/a" fields as missing and never invents a name', async () => {
    const t = (await tenants()).get('acct-personal')!;
    assert.equal(t.legalName, undefined);
    assert.equal(t.displayName, undefined);
    assert.equal(t.countryCode, undefined);
    assert.deepEqual(t.missing, ['countryCode', 'displayName', 'domain', 'legalName', 'registrationIds']);
    assert.deepEqual(
      t.links.map((l) => l.role),
      ['consumer-project-of'],
    );
  });

  it('reads a bare `accounts/{id}` name and marks an account the report lacks as missing its names', async () => {
    const t = (await tenants()).get('acct-unreported')!;
    assert.equal(t.provenance[0]?.recordId, 'accounts/acct-unreported');
    assert.deepEqual(t.entitlements, []);
    assert.ok(t.missing.includes('legalName'));
    assert.equal(t.partner, 'gcp');
  });

  it('without a reports folder every account lacks names, and usage is empty', async () => {
    const cfg = { ...config };
    delete cfg.reportsDir;
    const out = new Map<string, TenantRecord>();
    for await (const p of createGcpAdapter(cfg, { logger }).tenants())
      for (const t of p.items) out.set(t.tenantKey, t);
    assert.equal(out.get('acct-company')?.legalName, undefined);
    assert.ok(out.get('acct-company')?.missing.includes('countryCode'));
    const a = createGcpAdapter(cfg, { logger });
    const pages = [];
    for await (const p of a.usage(EVER)) pages.push(p);
    assert.equal(pages.length, 0);
  });

  it('turns each charges row into a usage and a spend record, inside the window only', async () => {
    const all = await usage();
    assert.equal(all.length, 8);
    const feb = await usage({ start: '2025-02-01T00:00:00Z', end: '2025-03-01T00:00:00Z' });
    assert.deepEqual(
      feb.map((r) => [r.tenantKey, r.modelId, r.dimension, r.quantity, r.unit]),
      [
        ['acct-company', 'claude-sonnet-4.5', 'inputTokens', 1_000_000, 'token'],
        ['acct-company', 'claude-sonnet-4.5', 'spend', 3, 'USD'],
        ['acct-company', 'claude-sonnet-4.5', 'outputTokens', 200_000, 'token'],
        ['acct-company', 'claude-sonnet-4.5', 'spend', 3, 'USD'],
      ],
    );
    assert.equal(feb[0]?.periodStart, '2025-02-01T00:00:00.000Z');
    assert.equal(feb[0]?.periodEnd, '2025-03-01T00:00:00.000Z');
  });

  it('resumes usage after the last delivered row of the same window', async () => {
    const pages: Array<{ n: number; cursor?: string }> = [];
    for await (const p of createGcpAdapter({ ...config, usagePageSize: 2 }, { logger }).usage(EVER)) {
      pages.push({ n: p.items.length, ...(p.cursor ? { cursor: p.cursor } : {}) });
    }
    const rest = await usage(EVER, {}, pages[0]!.cursor);
    assert.equal(rest.length, 8 - pages[0]!.n);
    const otherWindow = await usage(
      { start: '2025-03-01T00:00:00Z', end: '2025-04-01T00:00:00Z' },
      {},
      pages[0]!.cursor,
    );
    assert.equal(otherWindow.length, 4, 'a cursor from another window is not applied');
  });

  it('stops on a malformed charges row with an InputError naming file, line and column', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'cg-gcp-bad-'));
    try {
      await writeFile(
        join(bad, 'charges_and_usage_2025-04.csv'),
        'Month,Account ID,Insights Account ID,SKU ID,SKU Description,Location,Usage,Usage Unit,Charges,Currency\n' +
          '2025-04,x,acct-company,S,Claude Requests,DE,10,requests,1.5,USD\n' +
          '2025-04,x,acct-company,S,Claude Requests,DE,ten,requests,1.5,USD\n',
      );
      await assert.rejects(usage(EVER, { reportsDir: bad }), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.deepEqual(err.location, { file: 'charges_and_usage_2025-04.csv', line: 3, field: 'Usage' });
        return true;
      });
      await writeFile(join(bad, 'charges_and_usage_2025-04.csv'), 'Month,Usage\n2025-04,1\n');
      await assert.rejects(usage(EVER, { reportsDir: bad }), /missing column\(s\) insights_account_id/);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('serves the demo world: every Google tenant, with reports that add up', async () => {
    const world = generateDemoWorld({ seed: 11, tenants: 120 });
    const state = gcpStateFromDemo(world);
    const demo = await startGcpFake({ state });
    const demoDir = await mkdtemp(join(tmpdir(), 'cg-gcp-demo-'));
    try {
      await writeGcpReports(state, demoDir);
      const cfg = {
        providerId: state.providerId,
        baseUrl: demo.url,
        credentials: demo.createServiceAccountKey(),
        reportsDir: demoDir,
        requestsPerSecond: 1000,
        burst: 100,
      };
      const a = createGcpAdapter(cfg, { logger });
      const seen: TenantRecord[] = [];
      for await (const p of a.tenants()) seen.push(...p.items);
      const gcp = world.tenants.filter((t) => t.cloud === 'gcp');
      assert.deepEqual(seen.map((t) => t.tenantKey).sort(), gcp.map((t) => t.key).sort());
      for (const t of gcp) {
        const r = seen.find((s) => s.tenantKey === t.key)!;
        assert.equal(r.legalName, t.reportedName === 'n/a' ? undefined : t.reportedName);
        if (t.billingAccount)
          assert.ok(r.links.some((l) => l.role === 'billing-account-of' && l.fromKey === t.billingAccount));
      }
      let spend = 0;
      for await (const p of a.usage(EVER))
        for (const u of p.items) if (u.dimension === 'spend') spend += u.quantity;
      const expected = gcp.flatMap((t) => t.usage).reduce((s, u) => s + u.spend, 0);
      assert.ok(Math.abs(spend - expected) < 1e-6, `${spend} vs ${expected}`);
    } finally {
      await demo.close();
      await rm(demoDir, { recursive: true, force: true });
    }
  });
});

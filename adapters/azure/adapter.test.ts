import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, TenantRecord, UsageRecord } from '../../src/adapter.ts';
import { AdapterError, InputError } from '../../src/errors.ts';
import { createMemoryLogger } from '../../src/log.ts';
import type { DemoTenant, DemoWorld } from '../demo/world-types.ts';
import { azureStateFromDemo, syntheticAzureState, writeAzureReports } from './demo.ts';
import { createFakeCredential, startAzureFake, type AzureFake } from './fake.ts';
import { createAzureAdapter, resolveAzureConfig, type AzureConfigInput } from './index.ts';

const CLOCK = () => new Date('2025-07-01T00:00:00Z');
const usage = (model: string, month: string, n: number) => ({
  model,
  month,
  requests: n,
  inputTokens: n * 100,
  outputTokens: n * 10,
  spend: n / 10,
});
const tenant = (t: Partial<DemoTenant> & Pick<DemoTenant, 'key' | 'subscriptionId'>): DemoTenant => ({
  cloud: 'azure',
  companyId: null,
  reportedName: 'n/a',
  offer: 'claude-saas',
  plan: 'pro',
  status: 'active',
  startDate: '2025-01-15',
  usage: [],
  ...t,
});

const RESELLER = '0d0d0d0d-0000-4000-8000-00000000c5b0';
const world: DemoWorld = {
  seed: 7,
  months: ['2025-04', '2025-05'],
  companies: [],
  bods: [],
  tenants: [
    tenant({
      key: 'aaaaaaaa-0000-4000-8000-000000000001',
      subscriptionId: 'sub-direct',
      companyId: 'c1',
      reportedName: 'CONTOSO GRP LTD',
      country: 'GB',
      domain: 'contoso.example',
      usage: [usage('claude-sonnet-4-5', '2025-04', 10), usage('claude-sonnet-4-5', '2025-05', 20)],
    }),
    tenant({
      key: 'bbbbbbbb-0000-4000-8000-000000000002',
      subscriptionId: 'sub-csp-1',
      companyId: 'c2',
      reportedName: 'GUANGZHOU HAIGE COMM GRP',
      country: 'CN',
      domain: 'haige.example',
      resellerKey: RESELLER,
      usage: [usage('claude-haiku-4-5', '2025-05', 5)],
    }),
    tenant({
      key: 'cccccccc-0000-4000-8000-000000000003',
      subscriptionId: 'sub-csp-2',
      reportedName: 'FABRIKAM',
      country: 'DE',
      domain: 'fabrikam.example',
      resellerKey: RESELLER,
      status: 'cancelled',
    }),
    // The CSP reseller itself: a channel party with no purchase of its own.
    tenant({
      key: RESELLER,
      subscriptionId: '',
      reportedName: 'BIG CSP INC',
      domain: 'bigcsp.example',
      country: 'US',
    }),
    tenant({ cloud: 'aws', key: '123456789012', subscriptionId: 'agmt-1', reportedName: 'AWS ONLY' }),
  ],
};

async function collect<T>(pages: AsyncIterable<Page<T>>): Promise<Page<T>[]> {
  const out: Page<T>[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

describe('azure adapter on the demo world', () => {
  let fake: AzureFake;
  let dir: string;
  let logger: ReturnType<typeof createMemoryLogger>;

  before(async () => {
    const state = azureStateFromDemo(world);
    fake = await startAzureFake({ state, faults: { pageSize: 2 } });
    dir = await mkdtemp(join(tmpdir(), 'cg-azure-'));
    await writeAzureReports(state, dir);
  });
  after(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => (logger = createMemoryLogger()));

  const adapter = (input: AzureConfigInput = {}) =>
    createAzureAdapter(
      resolveAzureConfig({ baseUrl: fake.url, reportsDir: dir, requestsPerSecond: 1000, ...input }),
      {
        credential: createFakeCredential(),
        logger,
        clock: CLOCK,
      },
    );

  it('serves only Azure tenants, keyed by beneficiary tenant id, with ISVCustomer company and country', async () => {
    const pages = await collect(adapter().tenants());
    const tenants = pages.flatMap((p) => p.items);
    const keys = tenants.map((t) => t.tenantKey);
    assert.ok(!keys.includes('123456789012'));
    const direct = tenants.find((t) => t.tenantKey === 'aaaaaaaa-0000-4000-8000-000000000001')!;
    assert.equal(direct.legalName, 'CONTOSO GRP LTD');
    assert.equal(direct.countryCode, 'GB');
    assert.equal(direct.domain, 'contoso.example');
    assert.deepEqual(direct.accountIds, ['sub-direct']);
    assert.deepEqual(direct.missing, ['registrationIds']);
    const cn = tenants.find((t) => t.tenantKey === 'bbbbbbbb-0000-4000-8000-000000000002')!;
    assert.equal(cn.countryCode, 'CN');
    const cancelled = tenants.find((t) => t.tenantKey === 'cccccccc-0000-4000-8000-000000000003')!;
    assert.equal(cancelled.entitlements[0]?.state, 'Unsubscribed');
  });

  it('turns CSP purchases into reseller-of links and yields the reseller once, as a tenant of its own', async () => {
    const tenants = (await collect(adapter().tenants())).flatMap((p) => p.items);
    const links = tenants.flatMap((t) => t.links);
    assert.deepEqual(links.map((l) => `${l.fromKey} ${l.role} ${l.toKey}`).sort(), [
      `${RESELLER} reseller-of bbbbbbbb-0000-4000-8000-000000000002`,
      `${RESELLER} reseller-of cccccccc-0000-4000-8000-000000000003`,
    ]);
    const reseller = tenants.filter((t) => t.tenantKey === RESELLER);
    assert.equal(reseller.length, 1);
    assert.equal(reseller[0]?.domain, 'bigcsp.example');
    assert.equal(reseller[0]?.partner, 'azure');
  });

  it('reads the subscription list once, hands tenants over a page at a time, each page resumable', async () => {
    const before = fake.requests.filter((r) => r.path === '/api/saas/subscriptions').length;
    const pages = await collect(adapter({ tenantPageSize: 2 }).tenants());
    const listCalls = fake.requests.filter((r) => r.path === '/api/saas/subscriptions').length - before;
    assert.equal(listCalls, 2, 'four subscriptions at two a page: one pass');
    assert.deepEqual(
      pages.map((p) => p.items.length),
      [2, 2],
    );
    const first = JSON.parse(pages[0]!.cursor!) as { partial?: { after?: string; fromStart?: boolean } };
    assert.deepEqual(first.partial?.after, pages[0]!.items[1]!.tenantKey);
    assert.equal(first.partial?.fromStart, true);
    // resumed from the first page's cursor: the rest comes, then the same end. Subscriptions as new
    // as the mark are read again (a change in the same second must not be lost), so this demo,
    // whose subscriptions all share one lastModified, re-sends the first page too.
    const rest = await collect(adapter({ tenantPageSize: 2 }).tenants({ cursor: pages[0]!.cursor! }));
    for (const t of pages[1]!.items)
      assert.ok(rest.flatMap((p) => p.items).some((r) => r.tenantKey === t.tenantKey));
    assert.equal(rest.at(-1)!.cursor, pages.at(-1)!.cursor);
    // with a later stop mark, the tenants up to the stop are known written and are skipped
    const stopped = JSON.stringify({
      v: 1,
      partial: {
        after: first.partial!.after,
        lastModified: '2025-02-01T00:00:00.000Z',
        customers: '2025-06-01',
        fromStart: true,
      },
    });
    const after = (await collect(adapter({ tenantPageSize: 2 }).tenants({ cursor: stopped }))).flatMap(
      (p) => p.items,
    );
    assert.deepEqual(
      after.map((t) => t.tenantKey),
      pages[1]!.items.map((t) => t.tenantKey),
    );
  });

  it('puts the full cursor on the last page, and a second run with it skips unchanged subscriptions', async () => {
    const pages = await collect(adapter().tenants());
    const cursor = pages.at(-1)!.cursor!;
    assert.deepEqual(JSON.parse(cursor), {
      v: 1,
      lastModified: '2025-01-15T00:00:00.000Z',
      customers: '2025-05-28',
    });
    // Equal timestamps are read again (a change in the same second must not be lost).
    const same = (await collect(adapter().tenants({ cursor }))).flatMap((p) => p.items);
    assert.equal(same.length, 4);
    // A later cursor skips subscriptions older than it, unless their ISVCustomer row is as new as the cursor's.
    const later = JSON.stringify({ v: 1, lastModified: '2025-02-01T00:00:00.000Z', customers: '2025-05-28' });
    const again = (await collect(adapter().tenants({ cursor: later }))).flatMap((p) => p.items);
    assert.deepEqual(
      again.map((t) => t.tenantKey).sort(),
      ['cccccccc-0000-4000-8000-000000000003', RESELLER].sort(),
    );
    assert.equal(
      JSON.parse((await collect(adapter().tenants({ cursor: later }))).at(-1)!.cursor!).lastModified,
      '2025-02-01T00:00:00.000Z',
    );
    await assert.rejects(collect(adapter().tenants({ cursor: 'not-ours' })), /cursor/);
  });

  it('gives the same records for the same inputs', async () => {
    const a = JSON.stringify(await collect(adapter().tenants()));
    const b = JSON.stringify(await collect(adapter().tenants()));
    assert.equal(a, b);
  });

  it('yields usage lines from usageEvents and ISVUsage, keyed by the beneficiary tenant', async () => {
    const pages = await collect(
      adapter({ usagePageSize: 4 }).usage({ start: '2025-04-01T00:00:00Z', end: '2025-06-01T00:00:00Z' }),
    );
    const lines = pages.flatMap((p) => p.items);
    const sum = (source: string, dimension: string, key: string) =>
      lines
        .filter((l) => l.source === source && l.dimension === dimension && l.tenantKey === key)
        .reduce((s, l) => s + l.quantity, 0);
    const direct = 'aaaaaaaa-0000-4000-8000-000000000001';
    assert.equal(sum('usageEvents', 'requests', direct), 30);
    assert.equal(sum('usageEvents', 'inputTokens', direct), 3000);
    assert.equal(sum('ISVUsage', 'outputTokens', direct), 300);
    assert.equal(sum('ISVUsage', 'spend', direct), 3);
    const csp = lines.filter((l) => l.tenantKey === 'bbbbbbbb-0000-4000-8000-000000000002');
    assert.ok(csp.every((l) => l.modelId === 'claude-haiku-4-5'));
    assert.equal(new Set(lines.map((l) => l.lineId)).size, lines.length, 'line ids are unique');
    assert.ok(pages.every((p) => p.items.length <= 4));
    assert.ok(pages.slice(0, -1).every((p) => p.cursor === undefined));
    assert.deepEqual(JSON.parse(pages.at(-1)!.cursor!), {
      v: 1,
      usageEvents: '2025-05-01T00:00:00.000Z',
      ISVUsage: '2025-05-01T00:00:00.000Z',
    });
  });

  it('honours a usage cursor, re-reading only the late-arrival margin', async () => {
    const cursor = JSON.stringify({
      v: 1,
      usageEvents: '2025-05-01T00:00:00.000Z',
      ISVUsage: '2025-05-01T00:00:00.000Z',
    });
    const lines = (
      await collect(
        adapter().usage({ start: '2025-04-01T00:00:00Z', end: '2025-06-01T00:00:00Z' }, { cursor }),
      )
    ).flatMap((p) => p.items);
    assert.ok(lines.length > 0);
    assert.ok(
      lines.every((l) => l.periodStart >= '2025-04-28'),
      'April lines were read again',
    );
  });

  it('keeps personal report columns out of every record and log line', async () => {
    const tenants: TenantRecord[] = (await collect(adapter().tenants())).flatMap((p) => p.items);
    const lines: UsageRecord[] = (
      await collect(adapter().usage({ start: '2025-04-01T00:00:00Z', end: '2025-06-01T00:00:00Z' }))
    ).flatMap((p) => p.items);
    const everything = JSON.stringify([tenants, lines, logger.records]);
    for (const pii of ['alex.doe', 'Alex Doe', 'it-admin@', 'orders@'])
      assert.ok(!everything.includes(pii), pii);
  });

  it('passes health and reports a missing ISVCustomer file as a client fault', async () => {
    await adapter().health();
    const empty = await mkdtemp(join(tmpdir(), 'cg-azure-empty-'));
    try {
      await assert.rejects(
        adapter({ reportsDir: empty }).health(),
        (e: unknown) => e instanceof AdapterError && e.fault === 'client',
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('refuses a report file without the join column, naming the file', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'cg-azure-bad-'));
    try {
      await writeFile(join(bad, 'ISVCustomer_2025-05.csv'), 'SubscriptionId,CustomerCompanyName\r\nx,y\r\n');
      await assert.rejects(
        collect(adapter({ reportsDir: bad }).tenants()),
        (e: unknown) =>
          e instanceof InputError &&
          e.message.includes('ISVCustomer_2025-05.csv') &&
          /MarketplaceSubscriptionId/.test(e.message),
      );
      await writeFile(
        join(bad, 'ISVCustomer_2025-05.csv'),
        'MarketplaceSubscriptionId,CustomerCompanyName\r\nx,"unterminated\r\n',
      );
      await assert.rejects(
        collect(adapter({ reportsDir: bad }).tenants()),
        (e: unknown) => e instanceof InputError && /:\d+/.test(e.message),
      );
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('leaves an unknown country missing and says so in the log', async () => {
    const odd = await mkdtemp(join(tmpdir(), 'cg-azure-odd-'));
    try {
      await writeFile(
        join(odd, 'ISVCustomer.csv'),
        'MarketplaceSubscriptionId,CustomerCompanyName,CustomerCountryRegion\r\nsub-direct,Contoso,Atlantis\r\n',
      );
      const tenants = (await collect(adapter({ reportsDir: odd }).tenants())).flatMap((p) => p.items);
      const direct = tenants.find((t) => t.accountIds.includes('sub-direct'))!;
      assert.equal(direct.countryCode, undefined);
      assert.ok(direct.missing.includes('countryCode'));
      assert.ok(logger.records.some((r) => r.level === 'warn' && JSON.stringify(r).includes('Atlantis')));
    } finally {
      await rm(odd, { recursive: true, force: true });
    }
  });
});

describe('azure adapter: tenants with several subscriptions', () => {
  const A = 'aaaaaaaa-1111-4000-8000-000000000001';
  const CSP = 'cccccccc-1111-4000-8000-0000000000c5';
  const sub = (id: string, tenantId: string, purchaser = tenantId, ops = ['Read', 'Update', 'Delete']) => ({
    id,
    offerId: 'claude-models',
    planId: 'pro',
    beneficiary: { emailId: `admin@${tenantId.slice(0, 4)}.example`, tenantId },
    purchaser: { emailId: 'orders@csp.example', tenantId: purchaser },
    allowedCustomerOperations: ops,
    saasSubscriptionStatus: 'Subscribed',
  });
  let fake: AzureFake;
  let dir: string;
  let logger: ReturnType<typeof createMemoryLogger>;

  before(async () => {
    const state = {
      subscriptions: [
        sub('s1', A),
        sub('s2', 'bbbbbbbb-1111-4000-8000-000000000002'),
        sub('s3', 'dddddddd-1111-4000-8000-000000000004', CSP, ['Read']),
        sub('s4', A, CSP, ['Read']),
        sub('s5', CSP), // the CSP bought for itself too
      ],
      usageEvents: [],
      customers: [
        {
          MarketplaceSubscriptionId: 's1',
          CustomerCompanyName: 'Alpha Ltd',
          CustomerCountryRegion: 'United States',
        },
        { MarketplaceSubscriptionId: 's4', CustomerCompanyName: 'Alpha Ltd', CustomerCountryRegion: 'China' },
        {
          MarketplaceSubscriptionId: 's5',
          CustomerCompanyName: 'Big CSP Ltd',
          CustomerCountryRegion: 'Hong Kong SAR',
        },
      ],
      usage: [],
    };
    fake = await startAzureFake({ state, faults: { pageSize: 2 } });
    dir = await mkdtemp(join(tmpdir(), 'cg-azure-multi-'));
    await writeAzureReports(state, dir);
  });
  after(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => (logger = createMemoryLogger()));

  const tenants = async () =>
    (
      await collect(
        createAzureAdapter(
          resolveAzureConfig({ baseUrl: fake.url, reportsDir: dir, requestsPerSecond: 1000 }),
          {
            credential: createFakeCredential(),
            logger,
            clock: CLOCK,
          },
        ).tenants(),
      )
    ).flatMap((p) => p.items);

  it('hands over each tenant once, whole, even when its subscriptions sit on different pages', async () => {
    const all = await tenants();
    const keys = all.map((t) => t.tenantKey);
    assert.equal(
      new Set(keys).size,
      keys.length,
      'a tenant key was written twice (the store keeps the last)',
    );
    const a = all.find((t) => t.tenantKey === A)!;
    assert.deepEqual(a.accountIds, ['s1', 's4']);
    assert.deepEqual(
      a.entitlements.map((e) => e.id),
      ['s1', 's4'],
    );
    assert.deepEqual(
      a.links.map((l) => `${l.fromKey} ${l.role}`),
      [`${CSP} reseller-of`],
    );
  });

  it('drops a country the subscriptions disagree on to missing (review, not a guess)', async () => {
    const a = (await tenants()).find((t) => t.tenantKey === A)!;
    assert.equal(a.legalName, 'Alpha Ltd');
    assert.equal(a.countryCode, undefined);
    assert.ok(a.missing.includes('countryCode'));
  });

  it('gives a reseller that bought for itself its full record, not a bare channel stub', async () => {
    const csp = (await tenants()).filter((t) => t.tenantKey === CSP);
    assert.equal(csp.length, 1);
    assert.equal(csp[0]?.legalName, 'Big CSP Ltd');
    assert.equal(csp[0]?.countryCode, 'HK');
  });
});

describe('azure adapter: memory does not grow with the subscription list', () => {
  it('stages at most one run in memory (tenants and usage), for 500 and for 5,000 subscriptions alike', async () => {
    const peaks: number[] = [];
    for (const n of [500, 5000]) {
      const state = syntheticAzureState(n);
      // one usage event per subscription, so usage has as many lines to key as there are subscriptions
      for (const sub of state.subscriptions as Array<{ id: string; planId: string }>)
        state.usageEvents.push({
          usageDate: '2025-01-10T00:00:00Z',
          usageResourceId: sub.id,
          dimension: 'claude-sonnet-4-5.requests',
          planId: sub.planId,
          reconStatus: 'Accepted',
          submittedQuantity: 1,
          processedQuantity: 1,
        });
      const fake = await startAzureFake({ state, faults: { pageSize: 100 } });
      const logger = createMemoryLogger();
      try {
        const adapter = createAzureAdapter(
          resolveAzureConfig({
            baseUrl: fake.url,
            requestsPerSecond: 10_000,
            burst: 100,
            usageEvents: false,
          }),
          { credential: createFakeCredential(), logger, clock: CLOCK, spill: { runSize: 200, fanIn: 4 } },
        );
        let largest = 0;
        const keys = new Set<string>();
        for await (const p of adapter.tenants()) {
          largest = Math.max(largest, p.items.length);
          for (const t of p.items) keys.add(t.tenantKey);
        }
        assert.ok(keys.size >= n, `every tenant once (${keys.size} of ${n})`);
        assert.ok(largest <= 1000);
        const lists = fake.requests.filter((r) => r.path === '/api/saas/subscriptions').length;
        assert.equal(lists, n / 100, 'one pass over the list');
        const read = logger.records.find((r) => r.msg === 'Azure subscriptions read');
        peaks.push(Number(read?.['stagedInMemoryPeak']));
        // usage with no usage source configured does not list the subscriptions again
        const january = { start: '2025-01-01T00:00:00Z', end: '2025-02-01T00:00:00Z' };
        for await (const _ of adapter.usage(january));
        assert.equal(fake.requests.filter((r) => r.path === '/api/saas/subscriptions').length, lists);
        // with usageEvents, every line is keyed to its tenant through staging, not an index
        const withEvents = createAzureAdapter(
          resolveAzureConfig({
            baseUrl: fake.url,
            requestsPerSecond: 10_000,
            burst: 100,
            usageEventsSliceDays: 31,
          }),
          { credential: createFakeCredential(), logger, clock: CLOCK, spill: { runSize: 200, fanIn: 4 } },
        );
        let lines = 0;
        for await (const p of withEvents.usage(january))
          for (const l of p.items) {
            lines++;
            assert.ok(!l.tenantKey.startsWith('unknown-tenant:'), l.tenantKey);
          }
        assert.equal(lines, n);
        const usageRead = logger.records.findLast((r) => r.msg === 'Azure usage read');
        peaks.push(Number(usageRead?.['stagedInMemoryPeak']));
      } finally {
        await fake.close();
      }
    }
    assert.deepEqual(peaks, [200, 200, 200, 200]);
  });
});

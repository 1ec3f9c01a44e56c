// The adapter end to end with real SDK clients against the fake: the join, feeds from S3 and from a
// local folder, incremental cursors, usage lines, and failures that must not be reported as clean.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, TenantRecord, UsageRecord } from '../../src/adapter.ts';
import { AdapterError } from '../../src/errors.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { startAwsFake } from './fake.ts';
import type { AwsFake, AwsFakeState } from './fake.ts';
import { createAwsAdapter, resolveAwsConfig } from './index.ts';
import type { AwsAdapter, AwsConfigInput } from './index.ts';
import {
  DE_ACCOUNT,
  FEED_ONLY_ACCOUNT,
  PAYER_ACCOUNT,
  US_ACCOUNT,
  agreement,
  filler,
  tinyState,
  writeObjects,
} from './test-fixtures.ts';

const SECRET = 'fakeSecretKey/DoNotLog+0123456789abcdefXYZ';
const NOW = new Date('2025-06-15T12:00:00Z');

async function drain<T>(
  pages: AsyncIterable<Page<T>>,
): Promise<{ items: T[]; cursors: Array<string | undefined> }> {
  const items: T[] = [];
  const cursors: Array<string | undefined> = [];
  for await (const p of pages) {
    items.push(...p.items);
    cursors.push(p.cursor);
  }
  return { items, cursors };
}

describe('aws adapter against the fake', () => {
  const fakes: AwsFake[] = [];
  const adapters: AwsAdapter[] = [];
  let logger = createMemoryLogger();

  async function setup(
    state: AwsFakeState = tinyState(),
    extra: AwsConfigInput = {},
    spill?: { runSize: number; fanIn: number },
  ) {
    const fake = await startAwsFake({ state });
    fakes.push(fake);
    const config = resolveAwsConfig(
      {
        endpoint: fake.url,
        feeds: `s3://${state.bucket}/feeds`,
        productModels: state.productModels,
        recordsPerPage: 2,
        rates: { searchAgreements: 1000, describeAgreement: 1000, listInvoiceLineItems: 1000 },
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 3000 },
        ...extra,
      },
      {},
    );
    const adapter = createAwsAdapter(config, {
      logger,
      clock: () => NOW,
      credentials: { accessKeyId: 'AKIDADAPTERTEST00001', secretAccessKey: SECRET },
      ...(spill ? { spill } : {}),
    });
    adapters.push(adapter);
    return { fake, adapter };
  }

  beforeEach(() => {
    logger = createMemoryLogger();
  });
  afterEach(async () => {
    for (const a of adapters.splice(0)) a.close();
    for (const f of fakes.splice(0)) await f.close();
  });

  it('joins agreements and feeds into one record per account, sorted, a resumable cursor on every page', async () => {
    const { adapter } = await setup();
    await adapter.health();
    const { items, cursors } = await drain(adapter.tenants());
    assert.deepEqual(
      items.map((t) => t.tenantKey),
      [DE_ACCOUNT, FEED_ONLY_ACCOUNT, US_ACCOUNT, PAYER_ACCOUNT],
    );
    assert.deepEqual(cursors.slice(0, -1), [
      `{"v":1,"partial":{"after":"${FEED_ONLY_ACCOUNT}","agreements":"2025-03-01T00:02:00.000Z","feeds":"2025-05-02T06:00:00.000Z","fromStart":true}}`,
    ]);
    assert.equal(
      cursors.at(-1),
      '{"v":1,"agreements":"2025-03-01T00:02:00.000Z","feeds":"2025-05-02T06:00:00.000Z"}',
    );
    const de = items[0] as TenantRecord;
    assert.equal(
      de.legalName,
      'ALPENGLUEHEN GMBH',
      'the latest valid row wins over a later-delivered older one',
    );
    assert.deepEqual(de.registrationIds, [{ scheme: 'aws-tax-registration', id: 'DE123456789' }]);
    assert.equal(de.countryCode, 'DE');
    assert.equal(de.domain, 'alpengluehen.de');
    assert.equal(de.entitlements[0]?.state, 'ACTIVE');
    assert.equal(de.partner, 'aws');
  });

  it('links a payer to the end user it pays for, and lists legalName as missing for a US account', async () => {
    const { adapter } = await setup();
    const { items } = await drain(adapter.tenants());
    const us = items.find((t) => t.tenantKey === US_ACCOUNT);
    assert.deepEqual(us?.links, [
      {
        cloud: 'aws',
        fromKey: PAYER_ACCOUNT,
        role: 'payer-of',
        toKey: US_ACCOUNT,
        source: 'billing-event-feed',
      },
    ]);
    assert.ok(us?.missing.includes('legalName'));
    assert.ok(us?.missing.includes('registrationIds'));
    assert.equal(us?.domain, 'prairie-labs.com');
    assert.equal(us?.countryCode, 'US');
    const feedOnly = items.find((t) => t.tenantKey === FEED_ONLY_ACCOUNT);
    assert.deepEqual(
      feedOnly?.missing,
      ['displayName', 'countryCode', 'domain', 'entitlements', 'legalName', 'registrationIds'].sort(),
    );
    assert.equal(feedOnly?.provenance[0]?.source, 'billing-event-feed');
  });

  it('names each rejected feed row by file, line and field in the log', async () => {
    const { adapter } = await setup();
    await drain(adapter.tenants());
    const warned = logger.records
      .filter((r) => r.msg === 'feed row rejected')
      .map((r) => `${String(r['file'])}:${String(r['line'])}:${String(r['field'])}`);
    assert.deepEqual(warned, [
      'feeds/account_v1/year=2025/month=03/data.csv:5:aws_account_id',
      'feeds/billing_event_v1/year=2025/month=05/data.csv:6:from_account_id',
    ]);
  });

  it('gives the same tenants from an S3 bucket and from a local folder', async () => {
    const state = tinyState();
    const dir = await mkdtemp(join(tmpdir(), 'cg-aws-feeds-'));
    try {
      await writeObjects(state, dir, 'feeds/');
      const fromS3 = await drain((await setup(state)).adapter.tenants());
      const fromDir = await drain((await setup(state, { feeds: dir })).adapter.tenants());
      assert.equal(fromDir.items.length, 4);
      assert.deepEqual(fromDir.items, fromS3.items);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('honours its cursor: nothing new gives no records; a changed agreement gives just its tenant', async () => {
    const first = await drain((await setup()).adapter.tenants());
    const cursor = first.cursors.at(-1);
    assert.ok(cursor);
    const again = await drain((await setup()).adapter.tenants({ cursor }));
    assert.deepEqual(again.items, []);
    assert.equal(again.cursors.at(-1), cursor, 'an empty run keeps the marks');

    const changed = tinyState([
      agreement(3, US_ACCOUNT, { lastUpdateTime: Date.parse('2025-06-01T00:00:00Z') / 1000 }),
    ]);
    const next = await drain((await setup(changed)).adapter.tenants({ cursor }));
    assert.deepEqual(
      next.items.map((t) => [t.tenantKey, t.entitlements.length]),
      [[US_ACCOUNT, 2]],
      'the changed tenant comes back whole, with all its agreements',
    );
    assert.match(next.cursors.at(-1) ?? '', /"agreements":"2025-06-01T00:00:00.000Z"/);
  });

  it('resumes a run stopped after a page: the rest once, and what changed before the stop again', async () => {
    const full = await drain((await setup()).adapter.tenants());
    const stopped = full.cursors[0];
    assert.ok(stopped);
    // nothing changed: the resumed run gives only the accounts after the stop, then the full cursor
    const resumed = await drain((await setup()).adapter.tenants({ cursor: stopped }));
    assert.deepEqual(
      resumed.items.map((t) => t.tenantKey),
      [US_ACCOUNT, PAYER_ACCOUNT],
    );
    assert.deepEqual(resumed.items, full.items.slice(2));
    assert.equal(resumed.cursors.at(-1), full.cursors.at(-1));
    // an account written before the stop that changed since comes back too, and only it
    const changed = tinyState([
      agreement(3, DE_ACCOUNT, { lastUpdateTime: Date.parse('2025-06-01T00:00:00Z') / 1000 }),
    ]);
    const again = await drain((await setup(changed)).adapter.tenants({ cursor: stopped }));
    assert.deepEqual(
      again.items.map((t) => t.tenantKey),
      [DE_ACCOUNT, US_ACCOUNT, PAYER_ACCOUNT],
    );
    // an incremental run stopped midway keeps its base marks: what it had not reached stays owed
    const base = full.cursors.at(-1)!;
    const later = tinyState([
      agreement(3, DE_ACCOUNT, { lastUpdateTime: Date.parse('2025-06-01T00:00:00Z') / 1000 }),
      agreement(4, US_ACCOUNT, { lastUpdateTime: Date.parse('2025-06-02T00:00:00Z') / 1000 }),
    ]);
    const inc = await drain((await setup(later, { recordsPerPage: 1 })).adapter.tenants({ cursor: base }));
    assert.deepEqual(
      inc.items.map((t) => t.tenantKey),
      [DE_ACCOUNT, US_ACCOUNT],
    );
    const stoppedInc = inc.cursors[0];
    assert.ok(stoppedInc);
    const rest = await drain((await setup(later)).adapter.tenants({ cursor: stoppedInc }));
    assert.deepEqual(
      rest.items.map((t) => t.tenantKey),
      [US_ACCOUNT],
    );
    assert.equal(rest.cursors.at(-1), inc.cursors.at(-1));
  });

  it('keeps no per-account index: what it holds in memory is the same for 600 and for 6,000 accounts', async () => {
    const peaks: number[] = [];
    for (const n of [600, 6000]) {
      logger = createMemoryLogger();
      const { adapter } = await setup(
        tinyState(filler(n)),
        { describeAgreements: false, recordsPerPage: 100 },
        { runSize: 250, fanIn: 4 },
      );
      let largest = 0;
      let count = 0;
      for await (const p of adapter.tenants()) {
        largest = Math.max(largest, p.items.length);
        count += p.items.length;
      }
      assert.equal(count, n + 4);
      assert.equal(largest, 100, 'records are handed over a page at a time');
      const joined = logger.records.find((r) => r.msg === 'tenants joined');
      assert.ok(joined, 'the join reports what it held');
      peaks.push(Number(joined['stagedInMemoryPeak']));
    }
    assert.deepEqual(peaks, [250, 250], 'staging holds at most one run, whatever the number of accounts');
  });

  it('fails the run (no cursor) when DescribeAgreement keeps failing, instead of yielding a partial record', async () => {
    const { fake, adapter } = await setup();
    fake.faults.inject({ kind: 'server-error', op: 'DescribeAgreement', count: Infinity, status: 503 });
    const cursors: Array<string | undefined> = [];
    await assert.rejects(
      (async () => {
        for await (const p of adapter.tenants()) cursors.push(p.cursor);
      })(),
      (err: unknown) => err instanceof AdapterError && err.retryable && err.status === 503,
    );
    assert.ok(cursors.every((c) => c === undefined));
  });

  it('pages through many agreements and reports health failures as client faults', async () => {
    const { fake, adapter } = await setup(tinyState(filler(120)), { describeAgreements: false, pageSize: 9 });
    const { items } = await drain(adapter.tenants());
    assert.equal(items.length, 124);
    assert.equal(fake.faults.calls['SearchAgreements'], Math.ceil(122 / 9));
    fake.faults.inject({ kind: 'expired-token', count: Infinity });
    await assert.rejects(adapter.health(), { name: 'AdapterError', fault: 'client', retryable: false });
  });

  it('yields spend lines in the window with Bedrock model ids, and honours its usage cursor', async () => {
    const { adapter } = await setup();
    const window = { start: '2025-04-01T00:00:00Z', end: '2025-06-01T00:00:00Z' };
    const { items, cursors } = await drain<UsageRecord>(adapter.usage(window));
    assert.deepEqual(
      items.map((u) => [u.lineId, u.tenantKey, u.modelId, u.rawModelId, u.quantity]),
      [
        ['be-1', DE_ACCOUNT, 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'prod-sonnet000001', 120],
        ['be-3', US_ACCOUNT, 'anthropic.claude-haiku-4-5-20251001-v1:0', 'prod-haiku0000001', 40.25],
        ['be-4', FEED_ONLY_ACCOUNT, 'prod-unmapped0001', 'prod-unmapped0001', 7],
      ],
    );
    const cursor = cursors.at(-1);
    assert.equal(cursor, '{"v":1,"feeds":"2025-05-02T06:00:00.000Z"}');
    const again = await drain<UsageRecord>((await setup()).adapter.usage(window, { cursor }));
    assert.deepEqual(again.items, []);
    const before = await drain<UsageRecord>(
      (await setup()).adapter.usage({ start: '2024-01-01', end: '2024-02-01' }),
    );
    assert.deepEqual(before.items, []);
  });

  it('adds invoiced amounts from ListAgreementInvoiceLineItems when enabled', async () => {
    const { adapter } = await setup(tinyState(), { invoiceLineItems: true, bedrockModels: false });
    const { items, cursors } = await drain<UsageRecord>(
      adapter.usage({ start: '2025-04-01T00:00:00Z', end: '2025-05-01T00:00:00Z' }),
    );
    const invoiced = items.filter((u) => u.dimension === 'invoicedAmount');
    assert.deepEqual(
      invoiced.map((u) => [u.tenantKey, u.quantity, u.source]),
      [
        [DE_ACCOUNT, 12.5, 'ListAgreementInvoiceLineItems'],
        [US_ACCOUNT, 12.5, 'ListAgreementInvoiceLineItems'],
      ],
    );
    assert.match(cursors.at(-1) ?? '', /"invoices":"2025-05-01T00:00:00.000Z"/);
  });

  it('refuses a bad window and a bad cursor before calling anything', async () => {
    const { fake, adapter } = await setup();
    await assert.rejects(drain(adapter.usage({ start: '2025-06-01', end: '2025-05-01' })), {
      name: 'InputError',
    });
    await assert.rejects(drain(adapter.tenants({ cursor: '{"v":1,"feeds":"last week"}' })), {
      name: 'ConfigError',
      key: 'cursor',
    });
    assert.deepEqual(fake.faults.calls, {});
  });

  it('never logs the secret key, even with retries and failures', async () => {
    const { fake, adapter } = await setup();
    fake.faults.inject({ kind: 'throttle', count: 1, retryAfterSeconds: 0 });
    await drain(adapter.tenants());
    fake.faults.inject({ kind: 'invalid-token', op: 'ListFoundationModels', count: Infinity });
    const err = await drain(adapter.usage({ start: '2025-01-01', end: '2026-01-01' })).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof AdapterError);
    const text = JSON.stringify(logger.records) + String(err.message) + String(err.stack);
    assert.ok(logger.records.length > 0);
    assert.ok(!text.includes(SECRET));
  });
});

// The client against the wire-level fake with real SDK clients: paging, the page guard, throttling
// with Retry-After, the retry budget, 5xx, timeouts, bad credentials, and no secret in errors or logs.
import assert from 'node:assert/strict';
import { AdapterError } from '../../src/errors.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { createAwsClient } from './client.ts';
import type { AwsClient } from './client.ts';
import { resolveAwsConfig } from './config.ts';
import type { AwsConfigInput } from './config.ts';
import { startAwsFake } from './fake.ts';
import type { AwsFake } from './fake.ts';
import { filler, tinyState } from './test-fixtures.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRET';

describe('aws client against the fake', () => {
  let fake: AwsFake;
  let client: AwsClient | undefined;
  let sleeps: number[];
  const logger = createMemoryLogger();

  const open = (extra: AwsConfigInput = {}, accessKeyId = 'AKIDTESTCLIENT000001') => {
    const config = resolveAwsConfig(
      {
        endpoint: fake.url,
        feeds: 's3://seller-feeds/feeds/',
        rates: {
          searchAgreements: 10_000,
          describeAgreement: 10_000,
          s3: 10_000,
          listFoundationModels: 10_000,
        },
        retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 60_000, timeoutMs: 2000 },
        ...extra,
      },
      {},
    );
    client = createAwsClient(config, {
      logger,
      credentials: { accessKeyId, secretAccessKey: SECRET },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    return client;
  };

  const collect = async (c: AwsClient) => {
    const ids: string[] = [];
    for await (const page of c.searchAgreements({})) ids.push(...page.map((a) => a.agreementId ?? ''));
    return ids;
  };

  beforeEach(async () => {
    sleeps = [];
    fake = await startAwsFake({ state: tinyState(filler(230)), accessKeyIds: ['AKIDTESTCLIENT000001'] });
  });
  afterEach(async () => {
    client?.destroy();
    await fake.close();
  });

  it('follows nextToken across many pages and returns every agreement once', async () => {
    fake.faults.pageSize = 7;
    const ids = await collect(open({ pageSize: 50 }));
    assert.equal(ids.length, 232);
    assert.equal(new Set(ids).size, 232);
    assert.equal(fake.faults.calls['SearchAgreements'], Math.ceil(232 / 7));
  });

  it('stops with an error on a repeated page token instead of looping', async () => {
    fake.faults.pageSize = 10;
    fake.faults.repeatToken = { op: 'SearchAgreements', afterPages: 3 };
    await assert.rejects(collect(open()), (err: unknown) => {
      assert.ok(err instanceof AdapterError);
      assert.equal(err.code, 'RepeatedPageToken');
      assert.equal(err.retryable, false);
      return true;
    });
    assert.ok((fake.faults.calls['SearchAgreements'] ?? 0) <= 5);
  });

  it('stops at the page cap', async () => {
    fake.faults.pageSize = 10;
    await assert.rejects(collect(open({ maxPages: 5 })), { code: 'PageCapReached' });
    assert.equal(fake.faults.calls['SearchAgreements'], 5);
  });

  it('pages the feed listing with continuation tokens and stops on a repeated one', async () => {
    fake.faults.pageSize = 1;
    const c = open();
    const keys: string[] = [];
    for await (const f of c.listFeedFiles('account')) keys.push(f.key);
    assert.deepEqual(keys, [
      'feeds/account_v1/year=2025/month=03/data.csv',
      'feeds/account_v1/year=2025/month=04/data.csv',
    ]);
    fake.faults.repeatToken = { op: 'ListObjectsV2', afterPages: 1 };
    await assert.rejects(
      (async () => {
        for await (const f of c.listFeedFiles('account')) void f;
      })(),
      { code: 'RepeatedPageToken' },
    );
    assert.equal(fake.faults.calls['ListObjectsV2'], 4);
  });

  it('stops when the caller aborts, without waiting for the retry back-off', async () => {
    fake.faults.inject({ kind: 'throttle', op: 'SearchAgreements', count: Infinity, retryAfterSeconds: 60 });
    const controller = new AbortController();
    const c = createAwsClient(
      resolveAwsConfig({ endpoint: fake.url, retry: { maxAttempts: 5, budgetMs: 600_000 } }, {}),
      { logger, credentials: { accessKeyId: 'AKIDTESTCLIENT000001', secretAccessKey: SECRET } },
    );
    client = c;
    setTimeout(() => controller.abort(new Error('stopped by the operator')), 200);
    const started = Date.now();
    await assert.rejects(c.searchAgreements({}, controller.signal).next(), /stopped by the operator/);
    assert.ok(Date.now() - started < 5000);
  });

  it('retries a throttling burst, waits at least Retry-After, and loses no data', async () => {
    fake.faults.pageSize = 25;
    fake.faults.inject({ kind: 'throttle', op: 'SearchAgreements', count: 3, retryAfterSeconds: 2 });
    const ids = await collect(open());
    assert.equal(new Set(ids).size, 232);
    assert.equal(sleeps.length, 3);
    for (const ms of sleeps) assert.ok(ms >= 2000, `slept ${ms} ms`);
  });

  it('gives up with a retryable throttled AdapterError when the attempts are spent', async () => {
    fake.faults.inject({ kind: 'throttle', op: 'SearchAgreements', count: Infinity });
    await assert.rejects(collect(open()), (err: unknown) => {
      assert.ok(err instanceof AdapterError);
      assert.equal(err.retryable, true);
      assert.equal(err.throttled, true);
      assert.equal(err.status, 429);
      assert.equal(err.code, 'ThrottlingException');
      return true;
    });
    assert.equal(fake.faults.calls['SearchAgreements'], 4);
  });

  it('stops when the next wait would pass the retry budget', async () => {
    fake.faults.inject({ kind: 'throttle', op: 'DescribeAgreement', count: Infinity, retryAfterSeconds: 30 });
    const c = open({
      retry: { maxAttempts: 10, budgetMs: 5000, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2000 },
    });
    await assert.rejects(c.describeAgreement('agmt-00000000000000000000000001'), (err: unknown) => {
      assert.ok(err instanceof AdapterError);
      assert.match(err.message, /retry budget/);
      assert.equal(err.retryable, true);
      assert.equal(err.throttled, true);
      assert.equal(err.retryAfterMs, 30_000);
      return true;
    });
    assert.equal(fake.faults.calls['DescribeAgreement'], 1);
  });

  it('retries 5xx answers from each service', async () => {
    fake.faults.inject({ kind: 'server-error', op: 'DescribeAgreement', count: 2, status: 503 });
    fake.faults.inject({ kind: 'server-error', op: 'ListFoundationModels', count: 1 });
    fake.faults.inject({ kind: 'server-error', op: 'ListObjectsV2', count: 1, status: 500 });
    fake.faults.inject({ kind: 'throttle', op: 'GetObject', count: 1 });
    const c = open();
    const detail = await c.describeAgreement('agmt-00000000000000000000000001');
    assert.equal(detail.estimatedCharges?.agreementValue, '100.00');
    assert.equal((await c.listFoundationModels()).length, 2);
    const files = [];
    for await (const f of c.listFeedFiles('account')) files.push(f.key);
    assert.equal(files.length, 2);
    const [first] = files;
    const body = await c.openFeedFile({ feed: 'account', key: first ?? '', lastModified: new Date() });
    let text = '';
    for await (const chunk of body) text += String(chunk);
    assert.match(text, /^account_id,aws_account_id/);
    assert.equal(fake.faults.calls['DescribeAgreement'], 3);
    assert.equal(fake.faults.calls['GetObject'], 2);
  });

  it('times out a slow answer and retries it', async () => {
    fake.faults.inject({ kind: 'slow', op: 'DescribeAgreement', count: 1, delayMs: 1500 });
    const c = open({
      retry: { maxAttempts: 2, timeoutMs: 300, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 10_000 },
    });
    const detail = await c.describeAgreement('agmt-00000000000000000000000002');
    assert.equal(detail.agreementId, 'agmt-00000000000000000000000002');
    assert.equal(fake.faults.calls['DescribeAgreement'], 2);
  });

  it('reports a timeout as a retryable server fault once attempts are spent', async () => {
    fake.faults.inject({ kind: 'slow', op: 'ListFoundationModels', count: Infinity, delayMs: 1000 });
    const c = open({
      retry: { maxAttempts: 2, timeoutMs: 200, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 10_000 },
    });
    await assert.rejects(c.listFoundationModels(), { code: 'Timeout', fault: 'server', retryable: true });
  });

  const credentialCases = [
    { kind: 'expired-token' as const, op: 'SearchAgreements', code: 'ExpiredTokenException' },
    { kind: 'invalid-token' as const, op: 'ListFoundationModels', code: 'UnrecognizedClientException' },
    { kind: 'expired-token' as const, op: 'ListObjectsV2', code: 'ExpiredToken' },
  ];
  for (const t of credentialCases) {
    it(`treats ${t.code} on ${t.op} as a client fault and does not retry`, async () => {
      fake.faults.inject({ kind: t.kind, op: t.op, count: Infinity });
      const c = open();
      const run =
        t.op === 'SearchAgreements'
          ? collect(c)
          : t.op === 'ListFoundationModels'
            ? c.listFoundationModels()
            : c.listFeedFiles('account').next();
      await assert.rejects(run, (err: unknown) => {
        assert.ok(err instanceof AdapterError);
        assert.equal(err.code, t.code);
        assert.equal(err.fault, 'client');
        assert.equal(err.retryable, false);
        return true;
      });
      assert.equal(fake.faults.calls[t.op], 1);
    });
  }

  it('refuses an unknown access key without retrying, and no secret reaches errors or logs', async () => {
    const c = open({}, 'AKIAIOSFODNN7EXAMPLE');
    const err = await c.describeAgreement('agmt-00000000000000000000000001').then(
      () => assert.fail('should have been refused'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof AdapterError);
    assert.equal(err.code, 'UnrecognizedClientException');
    assert.equal(err.fault, 'client');
    assert.equal(fake.faults.calls['DescribeAgreement'], 1);
    const seen = JSON.stringify({ message: err.message, stack: err.stack, records: logger.records });
    assert.ok(!seen.includes(SECRET), 'secret key leaked');
    assert.ok(!seen.includes('AKIAIOSFODNN7EXAMPLE'), 'access key id leaked');
  });
});

// The Procurement client through the adapter, with real axios and the real google-auth-library JWT
// flow against the wire-level fake: paging, faults, retries, token refresh, secrets.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type { TenantRecord } from '../../src/adapter.ts';
import { AdapterError } from '../../src/errors.ts';
import { createMemoryLogger } from '../../src/log.ts';
import type { ServiceAccountKey } from './config.ts';
import { startGcpFake, type GcpFake } from './fake.ts';
import { createGcpAdapter, type GcpConfigInput } from './index.ts';
import { bulkState, PROVIDER } from './test-fixtures.ts';

const FAST = {
  throttleMinDelayMs: 40,
  serverErrorBaseDelayMs: 5,
  maxDelayMs: 50,
  timeoutMs: 2000,
  requestsPerSecond: 1000,
  burst: 100,
};

describe('gcp client against the fake', () => {
  let fake: GcpFake;
  let key: ServiceAccountKey;
  let logger: ReturnType<typeof createMemoryLogger>;
  const adapter = (extra: Partial<GcpConfigInput> = {}) =>
    createGcpAdapter(
      { providerId: PROVIDER, baseUrl: fake.url, credentials: key, ...FAST, ...extra },
      { logger },
    );
  const all = async (extra: Partial<GcpConfigInput> = {}) => {
    const out: TenantRecord[] = [];
    const cursors: Array<string | undefined> = [];
    for await (const page of adapter(extra).tenants()) {
      out.push(...page.items);
      cursors.push(page.cursor);
    }
    return { tenants: out, cursors };
  };
  const failure = async (extra: Partial<GcpConfigInput> = {}): Promise<AdapterError> => {
    try {
      await all(extra);
    } catch (err) {
      assert.ok(err instanceof AdapterError, `expected AdapterError, got ${inspect(err)}`);
      return err;
    }
    assert.fail('expected the listing to fail');
  };

  before(async () => {
    fake = await startGcpFake({ state: bulkState(230) });
    key = fake.createServiceAccountKey();
  });
  after(() => fake.close());
  beforeEach(() => {
    logger = createMemoryLogger();
    Object.assign(fake.faults, {
      throttle: 0,
      serverErrors: 0,
      slowRequests: 0,
      expireTokens: 0,
      forbidden: false,
    });
    delete fake.faults.pageSize;
    delete fake.faults.repeatTokenFromPage;
    delete fake.faults.retryAfterSeconds;
    fake.stats.statuses = {};
  });

  it('follows nextPageToken to the end, whatever page size the server grants', async () => {
    fake.faults.pageSize = 17;
    const { tenants, cursors } = await all({ pageSize: 50, accountsPerEntitlementCall: 6 });
    assert.equal(tenants.length, 230);
    assert.equal(new Set(tenants.map((t) => t.tenantKey)).size, 230);
    assert.equal(cursors.length, Math.ceil(230 / 17));
    assert.equal(cursors.at(-1), 'accounts:done');
    assert.ok(cursors.slice(0, -1).every((c) => c?.startsWith('accounts:') && c !== 'accounts:done'));
    const t42 = tenants.find((t) => t.tenantKey === 'acct-0000042');
    assert.deepEqual(
      t42?.entitlements.map((e) => [e.id, e.state]),
      [['ent-42', 'active']],
    );
    assert.equal(tenants.find((t) => t.tenantKey === 'acct-0000040')?.entitlements[0]?.state, 'suspended');
  });

  it('resumes an interrupted listing from its cursor', async () => {
    let cursor: string | undefined;
    for await (const p of adapter({ pageSize: 100 }).tenants()) {
      cursor = p.cursor;
      break; // the run stops after its first committed page
    }
    const rest: string[] = [];
    for await (const p of adapter({ pageSize: 100 }).tenants(cursor !== undefined ? { cursor } : {}))
      rest.push(...p.items.map((t) => t.tenantKey));
    assert.equal(rest.length, 130);
    assert.equal(rest[0], 'acct-0000100');
  });

  it('stops with an error when the server repeats a page token', async () => {
    fake.faults.repeatTokenFromPage = 3;
    const err = await failure({ pageSize: 20 });
    assert.equal(err.code, 'RepeatedPageToken');
    assert.equal(err.retryable, false);
  });

  it('backs off at least the configured minimum on 429 RESOURCE_EXHAUSTED and loses no data', async () => {
    fake.faults.throttle = 3;
    const started = performance.now();
    const { tenants } = await all({ pageSize: 200, throttleMinDelayMs: 60 });
    assert.ok(performance.now() - started >= 3 * 60, 'three throttled answers, three minimum waits');
    assert.equal(tenants.length, 230);
    assert.equal(fake.stats.statuses[429], 3);
  });

  it('honours Retry-After on a 429', async () => {
    fake.faults.throttle = 1;
    fake.faults.retryAfterSeconds = 1;
    const started = performance.now();
    const { tenants } = await all({ pageSize: 200, throttleMinDelayMs: 1 });
    assert.ok(performance.now() - started >= 1000);
    assert.equal(tenants.length, 230);
  });

  it('gives up with a retryable, throttled AdapterError once the retry budget is spent', async () => {
    fake.faults.throttle = 1000;
    const err = await failure({ throttleMinDelayMs: 50, retryBudgetMs: 120 });
    assert.equal(err.retryable, true);
    assert.equal(err.throttled, true);
    assert.equal(err.status, 429);
    assert.equal(err.code, 'RESOURCE_EXHAUSTED');
    assert.match(err.message, /retry budget/);
  });

  it('retries 500 and 503 answers', async () => {
    for (const status of [500, 503] as const) {
      fake.faults.serverErrors = 2;
      fake.faults.serverErrorStatus = status;
      const { tenants } = await all();
      assert.equal(tenants.length, 230);
      assert.equal(fake.stats.statuses[status], 2);
    }
  });

  it('times out a slow answer, then retries it', async () => {
    fake.faults.slowRequests = 1;
    fake.faults.slowMs = 400;
    const err = await failure({ timeoutMs: 100, maxAttempts: 1 });
    assert.equal(err.code, 'Timeout');
    assert.equal(err.retryable, true);
    fake.faults.slowRequests = 1;
    const { tenants } = await all({ timeoutMs: 100, maxAttempts: 2 });
    assert.equal(tenants.length, 230);
  });

  it('refreshes an expired access token once and carries on', async () => {
    await all({ pageSize: 200 });
    const before = fake.stats.tokenRequests;
    fake.faults.expireTokens = 1;
    const { tenants } = await all({ pageSize: 200 });
    assert.equal(tenants.length, 230);
    assert.equal(fake.stats.tokenRequests - before, 2, 'one token for the new adapter, one after the 401');
    assert.ok(logger.records.some((r) => r.msg === 'access token rejected; refreshing once'));
  });

  it('refreshes only once: a second 401 is a client fault', async () => {
    fake.faults.expireTokens = 2;
    const err = await failure();
    assert.equal(err.status, 401);
    assert.equal(err.code, 'UNAUTHENTICATED');
    assert.equal(err.fault, 'client');
    assert.equal(err.retryable, false);
  });

  it('does not retry 403 PERMISSION_DENIED', async () => {
    fake.faults.forbidden = true;
    const err = await failure();
    assert.equal(err.status, 403);
    assert.equal(err.code, 'PERMISSION_DENIED');
    assert.equal(err.fault, 'client');
    assert.equal(err.retryable, false);
    assert.equal(fake.stats.statuses[403], 1);
  });

  it('reports a provider the credentials may not read as PERMISSION_DENIED', async () => {
    const err = await failure({ providerId: 'someone-else' });
    assert.equal(err.code, 'PERMISSION_DENIED');
  });

  it('fails as a client fault when the token endpoint refuses the key', async () => {
    const other = await startGcpFake({ state: bulkState(1) });
    const foreign = other.createServiceAccountKey();
    await other.close();
    const err = await (async () => {
      try {
        for await (const _ of createGcpAdapter(
          {
            providerId: PROVIDER,
            baseUrl: fake.url,
            credentials: { ...foreign, token_uri: `${fake.url}/token` },
            ...FAST,
          },
          { logger },
        ).tenants());
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof AdapterError);
    assert.equal(err.api, 'oauth2');
    assert.equal(err.fault, 'client');
    assert.match(err.message, /invalid_grant/);
  });

  it('health() proves token and endpoint, and surfaces a permission problem', async () => {
    await adapter().health();
    fake.faults.forbidden = true;
    await assert.rejects(
      adapter().health(),
      (e: unknown) => e instanceof AdapterError && e.code === 'PERMISSION_DENIED',
    );
  });

  it('keeps tokens and key material out of every error and log line', async () => {
    const seen: string[] = [];
    const scenarios: Array<() => void> = [
      () => (fake.faults.forbidden = true),
      () => (fake.faults.expireTokens = 2),
      () => (fake.faults.throttle = 1000),
      () => ((fake.faults.slowRequests = 5), (fake.faults.slowMs = 300)),
    ];
    for (const arm of scenarios) {
      Object.assign(fake.faults, { throttle: 0, slowRequests: 0, expireTokens: 0, forbidden: false });
      arm();
      const err = await failure({
        retryBudgetMs: 100,
        throttleMinDelayMs: 30,
        timeoutMs: 80,
        maxAttempts: 2,
      });
      seen.push(inspect(err, { depth: null, showHidden: true }), JSON.stringify(err));
    }
    seen.push(JSON.stringify(logger.records));
    const text = seen.join('\n');
    assert.doesNotMatch(text, /ya29\./);
    assert.doesNotMatch(text, /PRIVATE KEY/);
    assert.ok(!text.includes(key.private_key.split('\n')[1]!));
    assert.doesNotMatch(text, /Bearer [A-Za-z0-9]/);
  });
});

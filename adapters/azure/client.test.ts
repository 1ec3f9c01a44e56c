import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdapterError } from '../../src/errors.ts';
import { createMemoryLogger } from '../../src/log.ts';
import type { Sleep } from '../../src/sync/call-policy.ts';
import { createAzureClient, type AzureClient } from './client.ts';
import { resolveAzureConfig, type AzureConfigInput } from './config.ts';
import { syntheticAzureState } from './demo.ts';
import { createFakeCredential, startAzureFake, type AzureFake } from './fake.ts';

const SECRET_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.sig-should-never-leak';

/** A server on another port standing in for marketplaceapi.microsoft.com: it must never be asked. */
async function startDecoy(): Promise<{ url: string; hits: number; close(): Promise<void> }> {
  const decoy = { url: '', hits: 0, close: async () => {} };
  const server: Server = createServer((_req, res) => {
    decoy.hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"subscriptions":[]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  decoy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  decoy.close = () => new Promise<void>((r) => server.close(() => r()));
  return decoy;
}

describe('azure client against the fake', () => {
  let fake: AzureFake;
  let decoy: Awaited<ReturnType<typeof startDecoy>>;
  const sleeps: number[] = [];
  const noWait: Sleep = async (ms) => {
    sleeps.push(ms);
  };

  beforeEach(async () => {
    sleeps.length = 0;
    decoy = await startDecoy();
    const state = syntheticAzureState(250);
    fake = await startAzureFake({ state, nextLinkBase: decoy.url });
  });
  afterEach(async () => {
    await fake.close();
    await decoy.close();
  });

  function client(
    input: AzureConfigInput = {},
    credential = createFakeCredential([{ token: SECRET_TOKEN }]),
    logger = createMemoryLogger(),
  ): AzureClient {
    const config = resolveAzureConfig({ baseUrl: fake.url, requestsPerSecond: 1000, burst: 100, ...input });
    return createAzureClient(config, { credential, logger, sleep: noWait });
  }

  async function allIds(c: AzureClient): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of c.listSubscriptions())
      for (const s of page.subscriptions) ids.push((s as { id: string }).id);
    return ids;
  }

  it('pages by re-issuing the continuation token at the configured base; the @nextLink host is never contacted', async () => {
    const ids = await allIds(client());
    assert.equal(ids.length, 250);
    assert.equal(new Set(ids).size, 250);
    assert.deepEqual(
      ids,
      fake.state.subscriptions.map((s) => s['id']),
    );
    assert.equal(decoy.hits, 0, 'the absolute @nextLink host was contacted');
    const listCalls = fake.requests.filter((r) => r.path === '/api/saas/subscriptions');
    assert.equal(listCalls.length, 3);
    assert.equal(listCalls[0]?.query['continuationToken'], undefined);
    assert.match(listCalls[1]?.query['continuationToken'] ?? '', /#TRC:100#/);
    assert.ok(listCalls.every((r) => r.query['api-version'] === '2018-08-31'));
  });

  it('reads through the documented malformed "https:// https://…" @nextLink', async () => {
    fake.faults.malformedNextLink = true;
    fake.faults.pageSize = 7;
    assert.equal((await allIds(client())).length, 250);
    assert.equal(decoy.hits, 0);
  });

  it('stops with an error when the service repeats a continuation token', async () => {
    fake.faults.pageSize = 10;
    fake.faults.repeatTokenAtPage = 3;
    await assert.rejects(allIds(client()), (err: unknown) => {
      return err instanceof AdapterError && err.code === 'RepeatedPageToken' && !err.retryable;
    });
    assert.ok(fake.requests.length < 10, 'it looped');
  });

  it('stops at the page cap rather than reading forever', async () => {
    fake.faults.pageSize = 10;
    await assert.rejects(
      allIds(client({ maxPages: 5 })),
      (err: unknown) => err instanceof AdapterError && err.code === 'PageCapReached',
    );
  });

  it('honours Retry-After through a 429 burst and still returns every subscription', async () => {
    fake.faults.throttle = { count: 3, retryAfterSeconds: 2 };
    const ids = await allIds(client());
    assert.equal(ids.length, 250);
    assert.equal(fake.requests.filter((r) => r.status === 429).length, 3);
    assert.equal(sleeps.length, 3);
    assert.ok(
      sleeps.every((ms) => ms >= 2000),
      `waited ${sleeps.join(', ')} ms`,
    );
  });

  it('gives up with a retryable throttled AdapterError once the retry budget is spent', async () => {
    fake.faults.throttle = { count: 1000, retryAfterSeconds: 1 };
    await assert.rejects(allIds(client({ retry: { maxAttempts: 4 } })), (err: unknown) => {
      return (
        err instanceof AdapterError &&
        err.retryable &&
        err.throttled &&
        err.status === 429 &&
        /4 attempts/.test(err.message)
      );
    });
    assert.equal(fake.requests.length, 4);
  });

  it('gives up when Retry-After would outrun the time budget', async () => {
    fake.faults.throttle = { count: 1000, retryAfterSeconds: 120 };
    await assert.rejects(allIds(client({ retry: { budgetMs: 60_000 } })), (err: unknown) => {
      return err instanceof AdapterError && err.retryable && err.throttled && /budget/.test(err.message);
    });
    assert.equal(fake.requests.length, 1);
  });

  it('retries 5xx answers', async () => {
    fake.faults.serverErrors = { count: 2, status: 503 };
    assert.equal((await allIds(client())).length, 250);
    assert.equal(fake.requests.filter((r) => r.status === 503).length, 2);
  });

  it('times out a slow answer and reports a retryable server fault', async () => {
    fake.faults.delayMs = 400;
    await assert.rejects(allIds(client({ timeoutMs: 50, retry: { maxAttempts: 2 } })), (err: unknown) => {
      return err instanceof AdapterError && err.fault === 'server' && err.retryable && err.code === 'Timeout';
    });
  });

  it('refreshes an expired token once and carries on', async () => {
    const credential = createFakeCredential([{ token: 'expired-token-1' }, { token: 'fresh-token-2' }]);
    fake.faults.expiredTokens.add('expired-token-1');
    assert.equal((await allIds(client({}, credential))).length, 250);
    assert.equal(credential.calls, 2);
    assert.equal(fake.requests.filter((r) => r.status === 403).length, 1);
  });

  it('treats a second 403 as a client fault naming the Entra app registration, without retrying', async () => {
    const credential = createFakeCredential([{ token: SECRET_TOKEN }]);
    fake.faults.expiredTokens.add(SECRET_TOKEN);
    const logger = createMemoryLogger();
    const err = await allIds(client({}, credential, logger)).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof AdapterError);
    assert.equal(err.fault, 'client');
    assert.equal(err.retryable, false);
    assert.equal(err.status, 403);
    assert.match(err.message, /Entra app/);
    assert.equal(fake.requests.length, 2, 'one refresh, then no retry');
    assert.equal(credential.calls, 2);
    const everything = JSON.stringify(logger.records) + err.message + String(err.stack);
    assert.ok(
      !everything.includes(SECRET_TOKEN) && !everything.includes('c2VjcmV0LXBheWxvYWQ'),
      'the token leaked',
    );
  });

  it('answers 404 as a client fault', async () => {
    const c = createAzureClient(resolveAzureConfig({ baseUrl: `${fake.url}/wrong-prefix` }), {
      credential: createFakeCredential(),
      logger: createMemoryLogger(),
      sleep: noWait,
    });
    await assert.rejects(
      allIds(c),
      (err: unknown) =>
        err instanceof AdapterError && err.status === 404 && err.fault === 'client' && !err.retryable,
    );
  });

  it('caches the token across pages and renews it shortly before it expires', async () => {
    const long = createFakeCredential([{ token: 'long-lived', expiresInMs: 3_600_000 }]);
    await allIds(client({}, long));
    assert.equal(long.calls, 1);
    const short = createFakeCredential([{ token: 'short-lived', expiresInMs: 60_000 }]);
    await allIds(client({ tokenRefreshMarginMs: 120_000 }, short));
    assert.equal(short.calls, 3, 'a token inside the refresh margin is renewed before each call');
  });

  it('keeps tokens out of errors and logs when the network fails', async () => {
    const logger = createMemoryLogger();
    await fake.close();
    const err = await allIds(client({ retry: { maxAttempts: 2 } }, undefined, logger)).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof AdapterError && err.fault === 'server' && err.retryable);
    const everything = JSON.stringify(logger.records) + err.message + String(err.stack) + JSON.stringify(err);
    assert.ok(!everything.includes(SECRET_TOKEN));
    fake = await startAzureFake({ state: syntheticAzureState(0) }); // afterEach closes it again
  });

  it('returns an empty listing when Azure answers with an empty body', async () => {
    await fake.close();
    fake = await startAzureFake({ state: syntheticAzureState(0) });
    assert.deepEqual(await allIds(client()), []);
  });

  it('reads usage events with the query it was given', async () => {
    fake.state.usageEvents.push(
      {
        usageDate: '2025-01-01T05:00:00Z',
        usageResourceId: 'a',
        dimension: 'd',
        planId: 'p1',
        reconStatus: 'Accepted',
      },
      {
        usageDate: '2025-01-03T05:00:00Z',
        usageResourceId: 'b',
        dimension: 'd',
        planId: 'p2',
        reconStatus: 'Accepted',
      },
    );
    const c = client();
    const all = await c.listUsageEvents({ usageStartDate: '2025-01-01T00:00:00Z' });
    assert.equal(all.length, 2);
    const some = await c.listUsageEvents({
      usageStartDate: '2025-01-01T00:00:00Z',
      usageEndDate: '2025-01-02T00:00:00Z',
      planId: 'p1',
    });
    assert.deepEqual(
      some.map((e) => (e as { usageResourceId: string }).usageResourceId),
      ['a'],
    );
  });
});

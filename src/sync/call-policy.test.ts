import assert from 'node:assert/strict';
import { AdapterError } from '../errors.ts';
import {
  callWithPolicy,
  classifyStatus,
  createPageGuard,
  createRateLimiter,
  parseRetryAfter,
  type Sleep,
} from './call-policy.ts';

/** A virtual clock: sleeping advances time instantly, so tests run fast and exactly. */
function virtualTime() {
  let t = 0;
  const sleeps: number[] = [];
  const sleep: Sleep = async (ms) => {
    sleeps.push(ms);
    t += ms;
  };
  return { now: () => t, sleep, sleeps, advance: (ms: number) => (t += ms) };
}

const err = (retryable: boolean, extra: Partial<ConstructorParameters<typeof AdapterError>[1]> = {}) =>
  new AdapterError('boom', {
    cloud: 'aws',
    api: 'Test',
    fault: retryable ? 'server' : 'client',
    retryable,
    ...extra,
  });

describe('call policy', () => {
  it('spaces requests at the configured rate without busy waiting', async () => {
    const vt = virtualTime();
    const limiter = createRateLimiter({ perSecond: 5, now: vt.now, sleep: vt.sleep });
    for (let i = 0; i < 10; i++) await limiter.take();
    // 10 requests at 5/s: the first goes at once, then one every 200 ms.
    assert.equal(vt.now(), 1800);
  });

  it('lets a burst through after a quiet spell, then holds the rate', async () => {
    const vt = virtualTime();
    const limiter = createRateLimiter({ perSecond: 10, burst: 5, now: vt.now, sleep: vt.sleep });
    for (let i = 0; i < 5; i++) await limiter.take();
    assert.equal(vt.now(), 0);
    await limiter.take();
    assert.ok(vt.now() > 0);
  });

  it('retries a retryable failure and returns the eventual answer', async () => {
    const vt = virtualTime();
    let calls = 0;
    const out = await callWithPolicy(
      async () => {
        calls++;
        if (calls < 3) throw err(true);
        return 'ok';
      },
      {
        cloud: 'aws',
        api: 'Test',
        classify: () => err(false),
        sleep: vt.sleep,
        now: vt.now,
        random: () => 1,
      },
    );
    assert.equal(out, 'ok');
    assert.equal(calls, 3);
    assert.deepEqual(vt.sleeps, [200, 400]);
  });

  it('does not retry a client fault', async () => {
    let calls = 0;
    await assert.rejects(
      callWithPolicy(
        async () => {
          calls++;
          throw err(false);
        },
        { cloud: 'aws', api: 'Test', classify: () => err(false) },
      ),
      (e: unknown) => e instanceof AdapterError && !e.retryable,
    );
    assert.equal(calls, 1);
  });

  it('honours Retry-After and the minimum throttle delay', async () => {
    const vt = virtualTime();
    let calls = 0;
    await callWithPolicy(
      async () => {
        calls++;
        if (calls === 1) throw err(true, { throttled: true, retryAfterMs: 5000 });
        if (calls === 2) throw err(true, { throttled: true });
        return 1;
      },
      {
        cloud: 'gcp',
        api: 'Test',
        classify: () => err(false),
        retry: { throttleMinDelayMs: 30_000, budgetMs: 1e9 },
        sleep: vt.sleep,
        now: vt.now,
        random: () => 0,
      },
    );
    assert.deepEqual(vt.sleeps, [30_000, 30_000]);
  });

  it('stops at the retry budget with a retryable error naming the budget', async () => {
    const vt = virtualTime();
    await assert.rejects(
      callWithPolicy(
        async () => {
          throw err(true, { throttled: true, retryAfterMs: 4000 });
        },
        {
          cloud: 'aws',
          api: 'Test',
          classify: () => err(false),
          retry: { budgetMs: 10_000, maxAttempts: 100 },
          sleep: vt.sleep,
          now: vt.now,
        },
      ),
      (e: unknown) =>
        e instanceof AdapterError &&
        e.retryable &&
        e.message === 'aws Test: retry budget of 10000 ms spent after 3 attempts: boom',
    );
    assert.deepEqual(vt.sleeps, [4000, 4000]);
  });

  it('times out an attempt that never answers', async () => {
    await assert.rejects(
      callWithPolicy(() => new Promise(() => {}), {
        cloud: 'azure',
        api: 'Slow',
        classify: () => err(false),
        retry: { timeoutMs: 20, maxAttempts: 2, baseDelayMs: 1 },
      }),
      (e: unknown) => e instanceof AdapterError && /no answer within 20 ms/.test(e.message),
    );
  });

  it('parses Retry-After in seconds and as a date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
      5000,
    );
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });

  const statuses: Array<[number | undefined, string | undefined, string]> = [
    [429, undefined, 'server retryable throttled'],
    [400, 'ThrottlingException', 'server retryable throttled'],
    [400, 'RequestThrottled', 'server retryable throttled'],
    [503, undefined, 'server retryable'],
    [501, undefined, 'server'],
    [403, 'AccessDeniedException', 'client'],
    [404, undefined, 'client'],
    [undefined, undefined, 'server retryable'],
  ];
  for (const [status, code, expected] of statuses) {
    it(`classifies ${status ?? 'no status'} ${code ?? ''} as ${expected}`, () => {
      const c = classifyStatus(status, code);
      const words = [c.fault, c.retryable ? 'retryable' : '', c.throttled ? 'throttled' : '']
        .filter(Boolean)
        .join(' ');
      assert.equal(words, expected);
    });
  }

  it('stops paging on an empty token, and throws on a repeated one or at the cap', () => {
    const g = createPageGuard({ cloud: 'aws', api: 'SearchAgreements', maxPages: 100 });
    assert.equal(g.next('a'), true);
    assert.equal(g.next('b'), true);
    assert.throws(() => g.next('a'), /same page token twice/);
    const h = createPageGuard({ cloud: 'aws', api: 'X', maxPages: 3 });
    h.next('1');
    h.next('2');
    assert.throws(() => h.next('3'), /page cap of 3/);
    assert.equal(createPageGuard({ cloud: 'aws', api: 'X', maxPages: 3 }).next(undefined), false);
  });
});

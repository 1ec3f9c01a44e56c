import assert from 'node:assert/strict';
import { prefetchChain } from './page-chain.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A chain of `n` pages (tokens "1".."n-1"); records when each page is asked for and answered. */
function chain(n: number, log: string[], failAt?: number) {
  return async (token: string | undefined, signal: AbortSignal) => {
    const i = token === undefined ? 0 : Number(token);
    log.push(`ask ${i}`);
    await tick(5);
    signal.throwIfAborted();
    if (i === failAt) throw new Error(`page ${i} failed`);
    return { i, next: i + 1 < n ? String(i + 1) : undefined };
  };
}

describe('prefetchChain', () => {
  it('hands out every page in order and says whether another follows', async () => {
    const got: Array<[number, boolean]> = [];
    for await (const s of prefetchChain(chain(4, []), (p) => p.next)) got.push([s.page.i, s.more]);
    assert.deepEqual(got, [
      [0, true],
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  it('asks for the next page while the consumer still handles this one, never two ahead', async () => {
    const log: string[] = [];
    for await (const s of prefetchChain(chain(3, log), (p) => p.next)) {
      log.push(`use ${s.page.i}`);
      await tick(20);
    }
    assert.deepEqual(log, ['ask 0', 'ask 1', 'use 0', 'ask 2', 'use 1', 'use 2']);
  });

  it('hands out the page a guard refuses, then throws the guard error', async () => {
    const got: number[] = [];
    const guard = (p: { i: number; next?: string | undefined }) => {
      if (p.i === 1) throw new Error('same token twice');
      return p.next;
    };
    await assert.rejects(
      (async () => {
        for await (const s of prefetchChain(chain(5, []), guard)) got.push(s.page.i);
      })(),
      /same token twice/,
    );
    assert.deepEqual(got, [0, 1]);
  });

  it('throws a failed page in its turn, after the pages before it', async () => {
    const got: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const s of prefetchChain(chain(5, [], 2), (p) => p.next)) {
          got.push(s.page.i);
          await tick(20); // the failing request settles while page 1 is in use: not unhandled
        }
      })(),
      /page 2 failed/,
    );
    assert.deepEqual(got, [0, 1]);
  });

  it('aborts the request sent ahead when the consumer stops early', async () => {
    let aborted = false;
    const fetch = async (token: string | undefined, signal: AbortSignal) => {
      signal.addEventListener('abort', () => (aborted = true));
      await tick(5);
      return { next: token === undefined ? 'a' : undefined };
    };
    for await (const _ of prefetchChain(fetch, (p) => p.next)) break;
    assert.equal(aborted, true);
  });
});

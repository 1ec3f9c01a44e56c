import assert from 'node:assert/strict';
import { readAhead, readAheadBatches } from './read-ahead.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A source that records when each item was requested relative to the consumer's progress. */
function source(n: number, log: string[], failAt?: number) {
  return (async function* () {
    for (let i = 0; i < n; i++) {
      log.push(`fetch ${i}`);
      await tick(5);
      if (i === failAt) throw new Error(`boom at ${i}`);
      yield i;
    }
  })();
}

describe('readAhead', () => {
  it('hands out every item in order', async () => {
    const got: number[] = [];
    for await (const x of readAhead(source(7, []), 2)) got.push(x);
    assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6]);
  });

  it('fetches the next item while the current one is processed, never more than depth ahead', async () => {
    const log: string[] = [];
    for await (const x of readAhead(source(6, log), 2)) {
      log.push(`use ${x}`);
      await tick(30);
    }
    // while item 0 is in use, items 1 and 2 have been asked for, but not 3
    const use0 = log.indexOf('use 0');
    const use1 = log.indexOf('use 1');
    const during = log.slice(use0, use1);
    assert.ok(during.includes('fetch 1') || log.indexOf('fetch 1') < use0, log.join(', '));
    assert.ok(during.includes('fetch 2') || log.indexOf('fetch 2') < use0, log.join(', '));
    assert.ok(log.indexOf('fetch 3') > use0, log.join(', '));
  });

  it('delivers the items before a failure, then the failure', async () => {
    const got: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const x of readAhead(source(10, [], 3), 3)) {
          got.push(x);
          await tick(20);
        }
      })(),
      /boom at 3/,
    );
    assert.deepEqual(got, [0, 1, 2]);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    const src = (async function* () {
      try {
        for (let i = 0; ; i++) {
          await tick(1);
          yield i;
        }
      } finally {
        closed = true;
      }
    })();
    for await (const x of readAhead(src, 2)) if (x === 2) break;
    assert.equal(closed, true);
  });
});

describe('readAheadBatches', () => {
  const weightOne = () => 1;

  it('hands out every item once, in order, in batches of items that had already arrived', async () => {
    const got: number[][] = [];
    for await (const b of readAheadBatches(source(9, []), 4, weightOne, 3)) {
      got.push(b);
      await tick(40); // meanwhile the next items arrive
    }
    assert.deepEqual(got.flat(), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(got.every((b) => b.length >= 1 && b.length <= 3));
    assert.ok(
      got.some((b) => b.length > 1),
      JSON.stringify(got),
    );
  });

  it('never waits for an item still being fetched: a fast consumer gets single items', async () => {
    const got: number[][] = [];
    for await (const b of readAheadBatches(source(4, []), 4, weightOne, 100)) got.push(b);
    assert.deepEqual(got.flat(), [0, 1, 2, 3]);
    assert.ok(got.length >= 2, JSON.stringify(got));
  });

  it('delivers the items before a failure, then the failure', async () => {
    const got: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of readAheadBatches(source(10, [], 4), 4, weightOne, 100)) {
          got.push(...b);
          await tick(40);
        }
      })(),
      /boom at 4/,
    );
    assert.deepEqual(got, [0, 1, 2, 3]);
  });

  it('reads ahead through a slow write up to a weight, not a page count', async () => {
    const log: string[] = [];
    let ahead = 0;
    let most = 0;
    const src = (async function* () {
      for (let i = 0; i < 40; i++) {
        log.push(`fetch ${i}`);
        await tick(1);
        ahead++;
        most = Math.max(most, ahead);
        yield i;
      }
    })();
    const got: number[] = [];
    for await (const b of readAheadBatches(src, 64, () => 10, 10, 100)) {
      ahead -= b.length;
      got.push(...b);
      await tick(30); // a slow write: the source keeps going meanwhile, up to 100 by weight
    }
    assert.deepEqual(
      got,
      Array.from({ length: 40 }, (_, i) => i),
    );
    assert.ok(most > 5, `more than the old 4 pages ahead (${most})`);
    assert.ok(most <= 11, `no more than 100 by weight waiting, plus the one in hand (${most})`);
  });
});

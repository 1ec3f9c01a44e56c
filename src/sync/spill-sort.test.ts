import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createSpillSorter, groupByKey } from './spill-sort.ts';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('spill sorter', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cg-spill-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives what an in-memory stable sort gives, whatever the run size and fan-in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 2, max: 4 }),
        async (entries, runSize, fanIn) => {
          const sorter = createSpillSorter<{ n: number; i: number }>({ runSize, fanIn, dir });
          for (const [i, [k, n]] of entries.entries()) await sorter.add(k, { n, i });
          const got = await collect(sorter.drain());
          const want = entries
            .map(([k, n], i): [string, { n: number; i: number }] => [k, { n, i }])
            .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
          assert.deepEqual(got, want);
        },
      ),
      { numRuns: 60 },
    );
    assert.deepEqual(await readdir(dir), [], 'every temporary file is removed');
  });

  it('never holds more than runSize entries in memory, however many are added', async () => {
    for (const n of [1_000, 20_000]) {
      const sorter = createSpillSorter<number>({ runSize: 500, fanIn: 4, dir });
      for (let i = 0; i < n; i++) await sorter.add(String((i * 7919) % n).padStart(6, '0'), i);
      let count = 0;
      let prev = '';
      for await (const [k] of sorter.drain()) {
        assert.ok(k >= prev);
        prev = k;
        count++;
      }
      assert.equal(count, n);
      assert.equal(sorter.stats.peakInMemory, 500);
      assert.equal(sorter.stats.runs >= n / 500, true);
    }
  });

  it('removes its files when the reader stops early', async () => {
    const sorter = createSpillSorter<number>({ runSize: 10, dir });
    for (let i = 0; i < 100; i++) await sorter.add(String(100 - i), i);
    for await (const _ of sorter.drain()) break;
    assert.deepEqual(await readdir(dir), []);
  });

  it('groups consecutive entries by key', async () => {
    const sorter = createSpillSorter<string>({ runSize: 2, dir });
    for (const [k, v] of [
      ['b', 'b1'],
      ['a', 'a1'],
      ['b', 'b2'],
      ['c', 'c1'],
      ['a', 'a2'],
    ] as const)
      await sorter.add(k, v);
    assert.deepEqual(await collect(groupByKey(sorter.drain())), [
      { key: 'a', values: ['a1', 'a2'] },
      { key: 'b', values: ['b1', 'b2'] },
      { key: 'c', values: ['c1'] },
    ]);
  });
});

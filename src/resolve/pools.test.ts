import assert from 'node:assert/strict';
import { HashBuckets, StringPool } from './pools.ts';

describe('HashBuckets', () => {
  it('visits every item with the hash asked for, and only those, colliding slots included', () => {
    // 16 slots: 3, 19, 35 share a slot; -13 is 0xfffffff3 as an unsigned hash
    const hashes = Int32Array.from([3, 19, 3, 35, -13, 3, 7]);
    const buckets = HashBuckets.build(hashes);
    const visit = (h: number) => {
      const out: number[] = [];
      buckets.each(h, (i) => out.push(i));
      return out.sort((a, b) => a - b);
    };
    assert.deepEqual(visit(3), [0, 2, 5]);
    assert.deepEqual(visit(19), [1]);
    assert.deepEqual(visit(0xfffffff3), [4]);
    assert.deepEqual(visit(11), []);
  });

  it('gives the values filed under a hash, in the order they were given', () => {
    const hashes = Int32Array.from([5, 21, 5, 5, -11]);
    const buckets = HashBuckets.build(hashes, Int32Array.from([40, 41, 42, 43, 44]));
    const visit = (h: number) => {
      const out: number[] = [];
      buckets.each(h, (v) => out.push(v));
      return out;
    };
    assert.deepEqual(visit(5), [40, 42, 43]);
    assert.deepEqual(visit(21), [41]);
    assert.deepEqual(visit(-11 >>> 0), [44]);
    assert.deepEqual(visit(37), []);
  });
});

describe('StringPool', () => {
  it('gives back ASCII strings (read as latin1 while the pool holds only ASCII)', () => {
    const pool = new StringPool(4);
    const words = ['E1', '', 'E1234567', 'x'.repeat(100)];
    const ids = words.map((w) => pool.add(w));
    assert.deepEqual(
      ids.map((i) => pool.get(i)),
      words,
    );
  });

  it('gives back what was added, by number, in any script', () => {
    const pool = new StringPool(4);
    const words = ['E1', '', '广州海格通信', 'Ромашка', 'x'.repeat(100)];
    const ids = words.map((w) => pool.add(w));
    assert.deepEqual(
      ids.map((i) => pool.get(i)),
      words,
    );
  });
});

describe('StringTable (a sealed StringPool)', () => {
  const words = ['E1', '', 'haige', '广州海格通信', 'Ромашка', 'ромашка', 'x'.repeat(100), 'é'];

  it('finds the number of every string it holds, in any script, and -1 for any other', () => {
    const pool = new StringPool(4);
    for (const w of words) pool.add(w);
    const table = pool.seal(true);
    words.forEach((w, i) => {
      assert.equal(table.get(i), w);
      assert.equal(table.find(w), i, w);
    });
    for (const absent of ['E12', 'haig', 'haigee', 'Ромашкa', '广州', 'e', 'x'.repeat(99)])
      assert.equal(table.find(absent), -1, absent);
  });

  it('lives in shared memory', () => {
    const pool = new StringPool();
    pool.add('E1');
    const { bytes, ends, slots } = pool.seal(true).parts;
    for (const a of [bytes, ends, slots!]) assert.ok(a.buffer instanceof SharedArrayBuffer);
  });

  it('orders ASCII strings by their bytes as JavaScript orders them', () => {
    const ids = ['E10', 'E9', 'E1', 'e1', 'E', '', 'E1a', 'Z'];
    const pool = new StringPool();
    for (const id of ids) pool.add(id);
    const table = pool.seal();
    for (let i = 0; i < ids.length; i++)
      for (let j = 0; j < ids.length; j++)
        assert.equal(Math.sign(table.compareBytes(i, j)), ids[i]! < ids[j]! ? -1 : ids[i]! > ids[j]! ? 1 : 0);
  });
});

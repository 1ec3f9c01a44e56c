import assert from 'node:assert/strict';
import { HashChains, StringPool } from './pools.ts';

describe('HashChains', () => {
  it('visits every item with the hash asked for, and only those, colliding slots included', () => {
    // 16 slots: 3, 19, 35 share a slot; -13 is 0xfffffff3 as an unsigned hash
    const hashes = Int32Array.from([3, 19, 3, 35, -13, 3, 7]);
    const chains = HashChains.build(hashes);
    const visit = (h: number) => {
      const out: number[] = [];
      chains.each(h, (i) => out.push(i));
      return out.sort((a, b) => a - b);
    };
    assert.deepEqual(visit(3), [0, 2, 5]);
    assert.deepEqual(visit(19), [1]);
    assert.deepEqual(visit(0xfffffff3), [4]);
    assert.deepEqual(visit(11), []);
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

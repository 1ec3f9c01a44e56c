import assert from 'node:assert/strict';
import fc from 'fast-check';
import { selectBest } from './select-best.ts';

describe('selectBest', () => {
  it('gives what a stable sort and slice(0, k) give, ties in input order (property)', () => {
    const item = fc.record({ key: fc.integer({ min: 0, max: 4 }), tag: fc.nat() });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), fc.integer({ min: 0, max: 8 }), (xs, k) => {
        const byKey = (a: { key: number }, b: { key: number }) => b.key - a.key;
        assert.deepEqual(selectBest(xs, k, byKey), [...xs].sort(byKey).slice(0, k));
      }),
      { numRuns: 2000 },
    );
  });

  it('calls the comparator only against the items kept', () => {
    const pairs: Array<[number, number]> = [];
    selectBest([5, 9, 1, 7, 3, 8, 2], 2, (a, b) => (pairs.push([a, b]), b - a));
    for (const [, kept] of pairs) assert.ok([5, 9, 7, 8].includes(kept));
  });
});

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { letterMask, popcount32, withinEdits } from './edit-distance.ts';

/** Optimal-string-alignment distance, the textbook full table (the reference the fast paths must agree with). */
function osa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

describe('withinEdits', () => {
  const table: Array<[string, string, number, boolean]> = [
    ['bytedance', 'bytedance', 0, true],
    ['bytedance', 'bytedanse', 1, true],
    ['bytedance', 'bytedacne', 1, true],
    ['bytedance', 'bytdance', 1, true],
    ['bytedance', 'bytedancee', 1, true],
    ['bytedance', 'bytedncae', 1, false],
    ['bytedance', 'bytedncae', 2, true],
    ['haige', 'hagie', 1, true],
    ['haige', 'hiage', 1, true],
    ['haige', 'ahieg', 1, false],
    ['abc', 'abcde', 1, false],
  ];
  for (const [a, b, limit, want] of table)
    it(`${a} ~ ${b} within ${limit}: ${want}`, () => assert.equal(withinEdits(a, b, limit), want));

  it('agrees with the full-table distance for limits 0, 1 and 2 (one-edit fast path, reused DP rows)', () => {
    const word = fc.string({ unit: fc.constantFrom(...'abcde'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 2 }), (a, b, limit) => {
        assert.equal(withinEdits(a, b, limit), osa(a, b) <= limit, `${a} ~ ${b} within ${limit}`);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('letterMask', () => {
  it('two words within k edits differ in at most 2k bits of their letter masks', () => {
    const word = fc.string({ unit: fc.constantFrom(...'abcdexyz019'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, (a, b) => {
        const d = osa(a, b);
        assert.ok(popcount32(letterMask(a) ^ letterMask(b)) <= 2 * d, `${a} ~ ${b}: ${d} edits`);
      }),
      { numRuns: 3000 },
    );
  });

  it('popcount32 counts the bits of any 32-bit value', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (x) => {
        assert.equal(popcount32(x), [...(x >>> 0).toString(2)].filter((c) => c === '1').length);
      }),
    );
  });
});

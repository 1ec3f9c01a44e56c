import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FULL, mulCeil, mulFloor, parseShare, product, Threshold } from './units.ts';

describe('parseShare', () => {
  const M = 1_000_000;
  const table: Array<[string, unknown, [number, number, boolean, boolean, boolean]]> = [
    ['missing', undefined, [0, 100 * M, false, false, false]],
    ['empty object', {}, [0, 100 * M, false, false, false]],
    ['exact', { exact: 42.2 }, [42.2 * M, 42.2 * M, false, false, false]],
    ['exact wins over bounds', { exact: 30, minimum: 10 }, [30 * M, 30 * M, false, false, false]],
    ['minimum only', { minimum: 25 }, [25 * M, 100 * M, false, false, false]],
    ['exclusiveMinimum is open', { exclusiveMinimum: 50 }, [50 * M, 100 * M, true, false, false]],
    ['exclusiveMaximum is open', { exclusiveMaximum: 50 }, [0, 50 * M, false, true, false]],
    ['range', { minimum: 10, maximum: 20 }, [10 * M, 20 * M, false, false, false]],
    [
      'the tighter of minimum and exclusiveMinimum',
      { minimum: 30, exclusiveMinimum: 20 },
      [30 * M, 100 * M, false, false, false],
    ],
    ['more than six decimals rounds outward', { exact: 1 / 3 }, [333333, 333334, true, true, false]],
    ['outside [0, 100]', { exact: 150 }, [0, 100 * M, false, false, true]],
    ['negative', { minimum: -1 }, [0, 100 * M, false, false, true]],
    ['not a number', { exact: '50' }, [0, 100 * M, false, false, true]],
    ['min above max', { minimum: 60, maximum: 40 }, [0, 100 * M, false, false, true]],
    [
      'open bounds with nothing between',
      { exclusiveMinimum: 50, exclusiveMaximum: 50 },
      [0, 100 * M, false, false, true],
    ],
    ['closed and open at one point', { minimum: 50, exclusiveMaximum: 50 }, [0, 100 * M, false, false, true]],
    ['exclusiveMaximum 0', { exclusiveMaximum: 0 }, [0, 100 * M, false, false, true]],
    ['NaN', { exact: Number.NaN }, [0, 100 * M, false, false, true]],
  ];
  for (const [name, share, [lo, hi, loOpen, hiOpen, invalid]] of table)
    it(name, () => assert.deepEqual(parseShare(share as never), { lo, hi, loOpen, hiOpen, invalid }));

  it('adds 0.1 + 42.2 + 7.7 to exactly 50', () => {
    const sum = [0.1, 42.2, 7.7].reduce((s, x) => s + parseShare({ exact: x }).lo, 0);
    assert.equal(sum, 50 * M);
    assert.equal(new Threshold(50, false).lowerPast(sum, false), false);
    assert.equal(new Threshold(50, true).lowerPast(sum, false), true);
  });
});

describe('mulFloor / mulCeil', () => {
  it('are the exact floor and ceiling of a * b / 10^8, past 2^53 too', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: FULL }), fc.integer({ min: 0, max: FULL }), (a, b) => {
        const p = BigInt(a) * BigInt(b);
        const q = p / BigInt(FULL);
        const exact = q * BigInt(FULL) === p;
        assert.equal(mulFloor(a, b), Number(q));
        assert.equal(product.inexact, !exact);
        assert.equal(mulCeil(a, b), Number(exact ? q : q + 1n));
      }),
      { numRuns: 2000 },
    );
    assert.equal(mulFloor(FULL, FULL), FULL);
    assert.equal(mulFloor(FULL - 1, FULL - 1), FULL - 2);
    assert.equal(mulCeil(FULL - 1, FULL - 1), FULL - 1);
  });
});

describe('Threshold', () => {
  const M = 1_000_000;
  const table: Array<[number, boolean, 'lower' | 'upper', number, boolean, boolean]> = [
    // percent, inclusive, bound, value (percent), open, past
    [50, false, 'lower', 50, false, false],
    [50, false, 'lower', 50, true, true],
    [50, false, 'lower', 50.000001, false, true],
    [50, true, 'lower', 50, false, true],
    [50, true, 'lower', 49.999999, true, false],
    [50, false, 'upper', 50, false, false],
    [50, false, 'upper', 50.000001, true, true],
    [50, true, 'upper', 50, false, true],
    [50, true, 'upper', 50, true, false],
    [100, false, 'upper', 100, false, false],
    [0, false, 'lower', 0, true, true],
    [0, false, 'lower', 0, false, false],
    [100 / 3, false, 'lower', 33.333333, true, false],
    [100 / 3, false, 'lower', 33.333334, false, true],
  ];
  for (const [percent, inclusive, bound, value, open, past] of table)
    it(`${bound} ${value}${open ? ' (open)' : ''} ${past ? 'is' : 'is not'} past ${inclusive ? '>=' : '>'} ${percent}`, () => {
      const t = new Threshold(percent, inclusive);
      const v = Math.round(value * M);
      assert.equal(bound === 'lower' ? t.lowerPast(v, open) : t.upperPast(v, open), past);
    });
});

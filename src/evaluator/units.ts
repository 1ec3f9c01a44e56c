// Exact share arithmetic. Percentages are scaled integers: 1 unit = 10^-6 percent, 100% = 10^8,
// so every share with up to six decimals is exact and 0.1 + 42.2 + 7.7 is exactly 50. Sums stay
// far below 2^53. Products (look-through) are floored for lower bounds and ceiled for upper
// bounds; an inexact product marks its bound open (the true value lies strictly beyond it).

import type { ShareInput } from '../model/types.ts';

export const UNITS_PER_PERCENT = 1_000_000;
export const FULL = 100 * UNITS_PER_PERCENT;
const SAFE = Number.MAX_SAFE_INTEGER;
const SPLIT = 10_000;

/** A parsed share: [lo, hi] in units, open flags; `invalid` when the input was bad. */
export interface UnitShare {
  lo: number;
  hi: number;
  loOpen: boolean;
  hiOpen: boolean;
  invalid: boolean;
}

const WHOLE: UnitShare = { lo: 0, hi: FULL, loOpen: false, hiOpen: false, invalid: false };
const BAD: UnitShare = { lo: 0, hi: FULL, loOpen: false, hiOpen: false, invalid: true };

/** Percent -> units, rounded down (a lower bound); `open` when rounding lost something. */
export function lowerUnits(percent: number): { v: number; inexact: boolean } {
  const r = percent * UNITS_PER_PERCENT;
  const n = Math.round(r);
  if (Math.abs(r - n) <= 1e-6) return { v: n, inexact: false };
  return { v: Math.floor(r), inexact: true };
}

export function upperUnits(percent: number): { v: number; inexact: boolean } {
  const r = percent * UNITS_PER_PERCENT;
  const n = Math.round(r);
  if (Math.abs(r - n) <= 1e-6) return { v: n, inexact: false };
  return { v: Math.ceil(r), inexact: true };
}

const isPercent = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100;

/**
 * A stated share as an interval in units. Missing -> [0, 100]. A value that is not a number in
 * [0, 100], or an empty interval, -> [0, 100] with `invalid`. `exact` wins over any bounds.
 */
export function parseShare(share: ShareInput | undefined): UnitShare {
  if (share === undefined || share === null) return WHOLE;
  if (typeof share !== 'object') return BAD;
  const { exact, minimum, maximum, exclusiveMinimum, exclusiveMaximum } = share;
  const fields = [exact, minimum, maximum, exclusiveMinimum, exclusiveMaximum];
  if (fields.every((v) => v === undefined)) return WHOLE;
  for (const v of fields) if (v !== undefined && !isPercent(v)) return BAD;
  let lo = 0;
  let hi = 100;
  let loOpen = false;
  let hiOpen = false;
  if (isPercent(exact)) {
    lo = exact;
    hi = exact;
  } else {
    if (isPercent(minimum)) lo = minimum;
    if (isPercent(exclusiveMinimum) && exclusiveMinimum >= lo) {
      lo = exclusiveMinimum;
      loOpen = true;
    }
    if (isPercent(maximum)) hi = maximum;
    if (isPercent(exclusiveMaximum) && exclusiveMaximum <= hi) {
      hi = exclusiveMaximum;
      hiOpen = true;
    }
  }
  if (lo > hi || (lo === hi && (loOpen || hiOpen))) return BAD;
  const l = lowerUnits(lo);
  const h = upperUnits(hi);
  return { lo: l.v, hi: h.v, loOpen: loOpen || l.inexact, hiOpen: hiOpen || h.inexact, invalid: false };
}

/** Set by mulFloor / mulCeil: whether the last product was rounded (a plain object: fast). */
export const product = { inexact: false };

/** floor(a * b / FULL) for 0 <= a, b <= FULL, exact (splits products past 2^53). */
export function mulFloor(a: number, b: number): number {
  const p = a * b;
  if (p <= SAFE) {
    let q = Math.floor(p / FULL);
    let r = p - q * FULL;
    if (r < 0) {
      q--;
      r += FULL;
    } else if (r >= FULL) {
      q++;
      r -= FULL;
    }
    product.inexact = r !== 0;
    return q;
  }
  // a * b = a * bh * SPLIT + a * bl, each part exact.
  const bh = Math.floor(b / SPLIT);
  const bl = b - bh * SPLIT;
  const p1 = a * bh;
  let q1 = Math.floor(p1 / SPLIT);
  let r1 = p1 - q1 * SPLIT;
  if (r1 < 0) {
    q1--;
    r1 += SPLIT;
  }
  const n = r1 * SPLIT + a * bl;
  let q2 = Math.floor(n / FULL);
  let r2 = n - q2 * FULL;
  if (r2 < 0) {
    q2--;
    r2 += FULL;
  } else if (r2 >= FULL) {
    q2++;
    r2 -= FULL;
  }
  product.inexact = r2 !== 0;
  return q1 + q2;
}

/** ceil(a * b / FULL), exact. */
export function mulCeil(a: number, b: number): number {
  const q = mulFloor(a, b);
  return product.inexact ? q + 1 : q;
}

/** The threshold, compared exactly against unit sums. */
export class Threshold {
  private readonly units: number;
  private readonly onGrid: boolean;
  private readonly exact: number;

  constructor(
    percent: number,
    readonly inclusive: boolean,
  ) {
    this.exact = percent * UNITS_PER_PERCENT;
    this.units = Math.round(this.exact);
    this.onGrid = Math.abs(this.exact - this.units) <= 1e-6;
  }

  /** A lower bound (v, open: the true value is strictly above v) is past the threshold. */
  lowerPast(v: number, open: boolean): boolean {
    if (!this.onGrid) return v > this.exact;
    return this.inclusive ? v >= this.units : v > this.units || (v === this.units && open);
  }

  /** An upper bound (v, open: the true value is strictly below v) could be past the threshold. */
  upperPast(v: number, open: boolean): boolean {
    if (!this.onGrid) return v > this.exact;
    return this.inclusive ? v > this.units || (v === this.units && !open) : v > this.units;
  }
}

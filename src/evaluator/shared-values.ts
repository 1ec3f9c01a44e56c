// Values that many decisions show alike, made once per evaluation and shared, frozen (a consumer
// writing to one fails loudly): intervals and hop shares of whole percents, and reason lists made
// only of origin reasons and the plain reasons. Made per decision instead, they were most of what
// an evaluation allocates, and on a heap that holds a large graph each young collection costs
// about a millisecond, whatever little survives it.
import type { Verdict } from '../model/types.ts';
import type { ShareView } from './types.ts';
import { FULL, UNITS_PER_PERCENT } from './units.ts';

export interface Interval {
  verdict: Verdict;
  min: number;
  max: number;
}

/** reason bits, in the order the reasons are listed (see decide) */
export const R_CASCADE = 1;
export const R_LOOK_THROUGH = 2;
export const R_REMAINDER = 4;
export const R_TRUNCATED = 8;

const VERDICTS: readonly Verdict[] = ['allowed', 'review', 'restricted'];
/** whole percents 0..100 */
const WHOLE = 101;

const whole = (units: number) => units % UNITS_PER_PERCENT === 0 && units >= 0 && units <= FULL;
const percent = (units: number) => units / UNITS_PER_PERCENT;

/** The reasons of `bits`, after `origin` (a fresh list). */
export function plainReasons(origin: readonly string[], bits: number): string[] {
  const out = origin.slice();
  if (bits & R_CASCADE) out.push('cascade');
  if (bits & R_LOOK_THROUGH) out.push('look-through');
  if (bits & R_REMAINDER) out.push('remainder');
  if (bits & R_TRUNCATED) out.push('paths-truncated');
  return out;
}

export class SharedValues {
  private readonly intervals: Array<Interval | undefined> = [];
  private readonly shares: Array<ShareView | undefined> = [];
  /** reason lists with no origin reason, by bits */
  private readonly plain: Array<string[] | undefined> = [];
  /** by the origin's reason list (one list per origin profile), then bits */
  private readonly byOrigin = new Map<readonly string[], Array<string[] | undefined>>();

  /** The interval [lo, hi] (units), shared when both are whole percents. */
  interval(verdict: Verdict, lo: number, hi: number): Interval {
    if (!whole(lo) || !whole(hi)) return { verdict, min: percent(lo), max: percent(hi) };
    const key = (VERDICTS.indexOf(verdict) * WHOLE + percent(lo)) * WHOLE + percent(hi);
    return (this.intervals[key] ??= Object.freeze({ verdict, min: percent(lo), max: percent(hi) }));
  }

  /** A hop's share [lo, hi] (units), shared when closed at whole percents. */
  share(lo: number, hi: number, loOpen: boolean, hiOpen: boolean): ShareView {
    if (loOpen || hiOpen || !whole(lo) || !whole(hi)) {
      const share: ShareView = { min: percent(lo), max: percent(hi) };
      if (loOpen) share.minOpen = true;
      if (hiOpen) share.maxOpen = true;
      return share;
    }
    const key = percent(lo) * WHOLE + percent(hi);
    return (this.shares[key] ??= Object.freeze({ min: percent(lo), max: percent(hi) }));
  }

  /** The reasons `origin` then those of `bits` (see plainReasons), shared. */
  reasons(origin: readonly string[], bits: number): string[] {
    let lists = this.plain;
    if (origin.length > 0) {
      let byBits = this.byOrigin.get(origin);
      if (byBits === undefined) this.byOrigin.set(origin, (byBits = []));
      lists = byBits;
    }
    return (lists[bits] ??= Object.freeze(plainReasons(origin, bits)) as string[]);
  }
}

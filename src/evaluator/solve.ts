// Steps 4-6 for one "solve": the cascade sets D and P and the look-through bounds e, computed in
// one sweep over the components (holders first). A component with a cycle is iterated from the
// bottom (a worklist) to the least fixpoint; every step is monotone, so this terminates, and a
// work budget caps the pathological slow cases with a sound (wider) answer.
import {
  R_STRIDE,
  C_RESTRICT,
  E_HI_OPEN,
  E_LO_OPEN,
  E_MASK,
  E_SHIFT,
  E_STANDIN,
  E_STRIDE,
  F_INCONSISTENT,
  F_INVALID,
  F_REMAINDER,
  F_ROOT,
  F_UNKNOWN_UP,
  type Compiled,
} from './compile.ts';
import type { Components } from './scc.ts';
import { FULL, mulCeil, mulFloor, product, type Threshold } from './units.ts';
import { FRESH, type Buffers } from './workspace.ts';

export const LO_OPEN = 1;
export const HI_OPEN = 2;
export const WORK_BUDGET = 100_000_000;

// Per node, three places:
//  - ab, two ints: what the node passes on to its subjects (the only part of a holder a subject
//    reads: kept apart and small, so that those scattered reads touch as little memory as a plain
//    pass over the edges does):
//      A (2v): look-through lower bound (units) | lower bound open | in D | in P
//      B (2v + 1): look-through upper bound (units) | upper bound open | capped
//  - cas, two ints: the cascade interval (restricted holders' lower sum, the most they could
//    hold; units), read by the decisions only;
//  - rec, R_STRIDE ints: the compiled graph's record of the node (edge starts, flags; see
//    compiled-bits.ts), whose last field is a solve's scratch (a Tarjan index).
export { R_STRIDE };
const MASK = (1 << 27) - 1; // FULL < 2^27
const A_LO_OPEN = 1 << 27;
const A_D = 1 << 28;
const A_P = 1 << 29;
const B_HI_OPEN = 1 << 27;
const B_CAPPED = 1 << 28;

/** The buffers a solve of n nodes asks for, in bytes (see Buffers.reserve). */
export function solveBytes(n: number): Array<[string, number]> {
  return [
    ['ab', 8 * n],
    ['cas', 8 * n],
  ];
}

/** One solve's state (and, combined, the result): per local node. */
export class SolveState {
  readonly ab: Int32Array;
  readonly cas: Int32Array;
  /** the compiled graph's records (see above), once attached */
  rec: Int32Array = new Int32Array(0);
  private attached: Compiled | null = null;
  /** what a prefetching pass read (kept so that its reads are not optimised away) */
  scratch = 0;

  constructor(
    readonly n: number,
    /** where its buffers (and its solver's) come from */
    readonly buffers: Buffers = FRESH,
  ) {
    this.ab = buffers.int32('ab', 2 * n);
    this.cas = buffers.int32('cas', 2 * n);
  }

  /**
   * Reads its node records from `c` (whose scratch field the solves on it share: one solve runs
   * at a time, and each sets up what it reads there).
   */
  attach(c: Compiled): void {
    if (this.attached === c) return;
    this.attached = c;
    this.rec = c.rec;
  }

  inD(v: number): boolean {
    return (this.ab[2 * v]! & A_D) !== 0;
  }
  inP(v: number): boolean {
    return (this.ab[2 * v]! & A_P) !== 0;
  }
  /** look-through e, units */
  lo(v: number): number {
    return this.ab[2 * v]! & MASK;
  }
  hi(v: number): number {
    return this.ab[2 * v + 1]! & MASK;
  }
  loOpen(v: number): boolean {
    return (this.ab[2 * v]! & A_LO_OPEN) !== 0;
  }
  hiOpen(v: number): boolean {
    return (this.ab[2 * v + 1]! & B_HI_OPEN) !== 0;
  }
  /** the fixpoint of this node's component hit the work budget */
  capped(v: number): boolean {
    return (this.ab[2 * v + 1]! & B_CAPPED) !== 0;
  }
  /** compiled flags, first ownership edge, first control edge (attached states only) */
  flags(v: number): number {
    return this.rec[R_STRIDE * v + 2]!;
  }
  edgeStart(v: number): number {
    return this.rec[R_STRIDE * v]!;
  }
  controlStart(v: number): number {
    return this.rec[R_STRIDE * v + 1]!;
  }
  /** cascade interval, units */
  cLo(v: number): number {
    return this.cas[2 * v]!;
  }
  cHi(v: number): number {
    return this.cas[2 * v + 1]!;
  }

  reset(v: number): void {
    this.ab[2 * v] = 0;
    this.ab[2 * v + 1]! &= B_CAPPED;
    this.cas[2 * v] = 0;
    this.cas[2 * v + 1] = 0;
  }

  /** Takes the larger of this and `o` at node v (per-region, per-source). */
  merge(o: SolveState, v: number, cascade: boolean, lookThrough: boolean): void {
    const r = 2 * v;
    const { ab, cas } = this;
    let a = ab[r]!;
    let b = ab[r + 1]!;
    const oa = o.ab[r]!;
    const ob = o.ab[r + 1]!;
    if (cascade) {
      a |= oa & (A_D | A_P);
      if (o.cas[r]! > cas[r]!) cas[r] = o.cas[r]!;
      if (o.cas[r + 1]! > cas[r + 1]!) cas[r + 1] = o.cas[r + 1]!;
    }
    if (lookThrough) {
      const lo = oa & MASK;
      const lOpen = oa & A_LO_OPEN;
      if (lo > (a & MASK) || (lo === (a & MASK) && lOpen && !(a & A_LO_OPEN)))
        a = (a & (A_D | A_P)) | lo | lOpen;
      const hi = ob & MASK;
      const hOpen = ob & B_HI_OPEN;
      if (hi > (b & MASK) || (hi === (b & MASK) && !hOpen && b & B_HI_OPEN)) b = (b & B_CAPPED) | hi | hOpen;
    }
    b |= ob & B_CAPPED;
    ab[r] = a;
    ab[r + 1] = b;
  }
}

export interface SolveSpec {
  /** roots of this solve (per-region); null: every root */
  rootMask: Uint8Array | null;
  /** a single source (aggregation none, look-through): only its origin, flags and remainder count */
  source: number;
  /** cascade: one holder (or the remainder) must cross alone */
  single: boolean;
}

/** Evaluates nodes against their holders' current state; returns whether anything changed. */
export class Solver {
  constructor(
    private readonly c: Compiled,
    private readonly t: Threshold,
    private readonly s: SolveState,
    private readonly spec: SolveSpec,
    /** the edge reads a cycle may take before the sound fallback (a parameter for tests) */
    private readonly budget = WORK_BUDGET,
  ) {
    s.attach(c);
  }

  /** Solves the given components (all when `comps` is null), in emission order. */
  run(cs: Components, comps: Int32Array | null): void {
    const count = comps === null ? cs.count : comps.length;
    for (let i = 0; i < count; i++) {
      const c = comps === null ? i : comps[i]!;
      const a = cs.start[c]!;
      const b = cs.start[c + 1]!;
      if (b - a === 1) this.evalNode(cs.order[a]!);
      else this.cycle(cs.order, a, b);
    }
  }

  /** Least fixpoint of the component order[a .. b) (a cycle): a worklist from the bottom. */
  cycle(order: Int32Array, a: number, b: number): void {
    const { c: g, s } = this;
    const size = b - a;
    // a node's position in the component, -2 - i, in its record's scratch field (no other value
    // there is below -1); what was there is put back after
    const rec = s.rec;
    const saved = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const r = R_STRIDE * order[a + i]! + 3;
      saved[i] = rec[r]!;
      rec[r] = -2 - i;
    }
    const pos = (h: number) => {
      const x = rec[R_STRIDE * h + 3]!;
      return x <= -2 ? -2 - x : -1;
    };
    // successors inside the component (holder -> subjects), local CSR over positions
    const outStart = new Int32Array(size + 1);
    const e = g.e;
    for (let i = 0; i < size; i++) {
      const rv = R_STRIDE * order[a + i]!;
      for (let k = rec[rv]!; k < rec[rv + R_STRIDE]!; k++) {
        const h = pos(e[k * E_STRIDE]!);
        if (h >= 0) outStart[h + 1]!++;
      }
      for (let k = rec[rv + 1]!; k < rec[rv + R_STRIDE + 1]!; k++) {
        const h = pos(g.cHolder[k]!);
        if (h >= 0) outStart[h + 1]!++;
      }
    }
    for (let i = 0; i < size; i++) outStart[i + 1]! += outStart[i]!;
    const fill = outStart.slice(0, size);
    const out = new Int32Array(outStart[size]!);
    for (let i = 0; i < size; i++) {
      const rv = R_STRIDE * order[a + i]!;
      for (let k = rec[rv]!; k < rec[rv + R_STRIDE]!; k++) {
        const h = pos(e[k * E_STRIDE]!);
        if (h >= 0) out[fill[h]!++] = i;
      }
      for (let k = rec[rv + 1]!; k < rec[rv + R_STRIDE + 1]!; k++) {
        const h = pos(g.cHolder[k]!);
        if (h >= 0) out[fill[h]!++] = i;
      }
    }
    for (let i = 0; i < size; i++) rec[R_STRIDE * order[a + i]! + 3] = saved[i]!;

    const queue = new Int32Array(size + 1);
    const queued = new Uint8Array(size);
    let head = 0;
    let tail = 0;
    for (let i = 0; i < size; i++) {
      s.reset(order[a + i]!);
      queue[tail++] = i;
      queued[i] = 1;
    }
    let work = 0;
    let pending = size;
    while (pending > 0) {
      const i = queue[head]!;
      head = head === size ? 0 : head + 1;
      pending--;
      queued[i] = 0;
      const v = order[a + i]!;
      work += 1 + rec[R_STRIDE * v + R_STRIDE]! - rec[R_STRIDE * v]!;
      if (!this.evalNode(v)) continue;
      for (let k = outStart[i]!; k < outStart[i + 1]!; k++) {
        const w = out[k]!;
        if (queued[w]) continue;
        queued[w] = 1;
        queue[tail] = w;
        tail = tail === size ? 0 : tail + 1;
        pending++;
      }
      if (work > this.budget) {
        // Sound fallback: what is certain stays (lower bounds, D); the rest may be anything.
        const { ab, cas } = s;
        for (let j = a; j < b; j++) {
          const r = 2 * order[j]!;
          ab[r]! |= A_P;
          ab[r + 1] = FULL | B_CAPPED;
          cas[r + 1] = FULL;
        }
        return;
      }
    }
  }

  /** Recomputes node v; true when D, P or the look-through bounds moved. */
  evalNode(v: number): boolean {
    const { c: g, t, s, spec } = this;
    const { ab, rec } = s;
    const rv = R_STRIDE * v;
    const f = rec[rv + 2]!;
    const act = spec.source < 0 || spec.source === v;
    const root =
      spec.source >= 0
        ? spec.source === v && (f & F_ROOT) !== 0
        : spec.rootMask !== null
          ? spec.rootMask[v] === 1
          : (f & F_ROOT) !== 0;
    const unknownUp = act && (f & F_UNKNOWN_UP) !== 0;
    const invalid = act && (f & F_INVALID) !== 0;
    const inconsistent = act && (f & F_INCONSISTENT) !== 0;
    const remainder = act && (f & F_REMAINDER) !== 0;
    const single = spec.single;

    // ---- cascade (Step 5) ----
    let d = root;
    let p = root || unknownUp || invalid || inconsistent;
    let cl = root ? FULL : 0;
    let ch = p ? FULL : 0;
    // ---- look-through control (Step 6) ----
    let ctrlRoot = false;
    let ctrlUp = false;
    const cEnd = rec[rv + R_STRIDE + 1]!;
    for (let k = rec[rv + 1]!; k < cEnd; k++) {
      const h = 2 * g.cHolder[k]!;
      const ha = ab[h]!;
      const hb = ab[h + 1]!;
      const restricting = g.cKind[k] === C_RESTRICT;
      if (restricting && ha & A_D) {
        d = true;
        cl = FULL;
      }
      if (ha & A_P) {
        p = true;
        ch = FULL;
      }
      if (restricting && t.lowerPast(ha & MASK, (ha & A_LO_OPEN) !== 0)) ctrlRoot = true;
      if (t.upperPast(hb & MASK, (hb & B_HI_OPEN) !== 0)) ctrlUp = true;
    }
    let l = 0;
    let lOpen = false;
    let u = 0;
    let uOpen = false;
    const ltRoot = root || ctrlRoot;
    const e = g.e;
    const end = rec[rv + R_STRIDE]! * E_STRIDE;
    let k = rec[rv]! * E_STRIDE;
    const hasTypes = k < end;
    while (k < end) {
      const slot = e[k + 2]! >>> E_SHIFT;
      // cascade sums of this type
      let sumD = 0;
      let sumDOpen = false;
      let sumP = 0;
      let sumPOpen = false;
      let outside = 0;
      let outsideOpen = false;
      let direct = 0;
      let directOpen = false;
      // look-through sums of this type
      let L = 0;
      let LOpen = false;
      let U = 0;
      let UOpen = false;
      let clear = 0;
      let clearOpen = false;
      for (; k < end && e[k + 2]! >>> E_SHIFT === slot; k += E_STRIDE) {
        const h = 2 * e[k]!;
        const w = e[k + 1]!;
        const lo = w & E_MASK;
        const hi = e[k + 2]! & E_MASK;
        const ef = w >>> E_SHIFT;
        const ha = ab[h]!;
        const hb = ab[h + 1]!;
        const loOpen = (ef & E_LO_OPEN) !== 0;
        const hiOpen = (ef & E_HI_OPEN) !== 0;
        const standIn = (ef & E_STANDIN) !== 0;
        if (!standIn) {
          direct += lo;
          if (loOpen) directOpen = true;
        }
        if (ha & A_D) {
          if (!single) {
            sumD += lo;
            if (loOpen) sumDOpen = true;
          } else if (lo > sumD || (lo === sumD && loOpen)) {
            sumD = lo;
            sumDOpen = loOpen;
          }
        }
        if (ha & A_P) {
          if (!single) {
            sumP += hi;
            if (hiOpen) sumPOpen = true;
          } else if (hi > sumP || (hi === sumP && !hiOpen)) {
            sumP = hi;
            sumPOpen = hiOpen;
          }
        } else if (!standIn) {
          outside += lo;
          if (loOpen) outsideOpen = true;
        }
        if (ltRoot) continue;
        const eLo = ha & MASK;
        const eHi = hb & MASK;
        const hLoOpen = (ha & A_LO_OPEN) !== 0;
        const hHiOpen = (hb & B_HI_OPEN) !== 0;
        // lower: stake lo x holder's lower e (0 and 100% are exact without a product)
        if (eLo !== 0) {
          if (eLo === FULL) L += lo;
          else {
            L += mulFloor(lo, eLo);
            if (product.inexact) LOpen = true;
          }
          if (loOpen || (hLoOpen && lo > 0)) LOpen = true;
        } else if (hLoOpen && lo > 0) LOpen = true;
        // upper: stake hi x holder's upper e
        if (eHi !== 0) {
          if (eHi === FULL) U += hi;
          else {
            U += mulCeil(hi, eHi);
            if (product.inexact) UOpen = true;
          }
          if (hiOpen || (hHiOpen && hi > 0)) UOpen = true;
        }
        // the part held certainly clear: stake lo x (1 - holder's upper e)
        if (!standIn && eHi !== FULL) {
          if (eHi === 0) clear += lo;
          else {
            clear += mulFloor(lo, FULL - eHi);
            if (product.inexact) clearOpen = true;
          }
          if (loOpen || (hHiOpen && lo > 0)) clearOpen = true;
        }
      }
      const rem = remainder && direct < FULL ? FULL - direct : 0;
      const remOpen = rem > 0 && directOpen;
      // cascade
      if (!inconsistent && !d && t.lowerPast(sumD, sumDOpen)) d = true;
      let most: number;
      let mostOpen: boolean;
      if (!single) {
        most = sumP + rem;
        mostOpen = sumPOpen || remOpen;
      } else if (rem > sumP || (rem === sumP && !remOpen)) {
        most = rem;
        mostOpen = remOpen;
      } else {
        most = sumP;
        mostOpen = sumPOpen;
      }
      const cap = FULL - outside;
      if (cap < most || (cap === most && outsideOpen)) {
        most = cap;
        mostOpen = outsideOpen;
      }
      if (!p && t.upperPast(most, mostOpen)) p = true;
      if (sumD > cl) cl = sumD;
      if (most > ch) ch = most;
      // look-through
      if (ltRoot) continue;
      if (L > l || (L === l && LOpen)) {
        l = L;
        lOpen = LOpen;
      }
      U += rem;
      if (remOpen) UOpen = true;
      const ltCap = FULL - clear;
      if (ltCap < U || (ltCap === U && clearOpen)) {
        U = ltCap;
        UOpen = clearOpen;
      }
      if (U > u || (U === u && !UOpen)) {
        u = U;
        uOpen = UOpen;
      }
    }
    if (!hasTypes && remainder) {
      if (t.upperPast(FULL, false)) p = true;
      ch = FULL;
      u = FULL;
      uOpen = false;
    }
    if (d) p = true;
    if (cl > FULL) cl = FULL;
    if (ch > FULL) ch = FULL;
    if (ch < cl) ch = cl;

    if (ltRoot) {
      l = FULL;
      u = FULL;
      lOpen = uOpen = false;
    } else {
      if (unknownUp || ctrlUp || invalid || inconsistent) {
        u = FULL;
        uOpen = false;
      }
      // inconsistent shares say nothing certain, unless the sums alone make it exactly whole
      if (inconsistent && !(l === FULL && !lOpen)) {
        l = 0;
        lOpen = false;
      }
      if (l >= FULL) {
        l = FULL;
        lOpen = false;
      }
      if (u >= FULL) {
        u = FULL;
        uOpen = false;
      }
      if (u < l || (u === l && uOpen)) {
        u = l;
        uOpen = false;
      }
    }
    s.cas[2 * v] = cl;
    s.cas[2 * v + 1] = ch;
    const na = l | (lOpen ? A_LO_OPEN : 0) | (d ? A_D : 0) | (p ? A_P : 0);
    const av = 2 * v;
    const nb = u | (uOpen ? B_HI_OPEN : 0) | (ab[av + 1]! & B_CAPPED);
    if (ab[av] === na && ab[av + 1] === nb) return false;
    ab[av] = na;
    ab[av + 1] = nb;
    return true;
  }
}

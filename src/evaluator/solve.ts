// Steps 4-6 for one "solve": the cascade sets D and P and the look-through bounds e, computed in
// one sweep over the components (holders first). A component with a cycle is iterated from the
// bottom (a worklist) to the least fixpoint; every step is monotone, so this terminates, and a
// work budget caps the pathological slow cases with a sound (wider) answer.
import {
  C_RESTRICT,
  E_HI_OPEN,
  E_LO_OPEN,
  E_STANDIN,
  F_INCONSISTENT,
  F_INVALID,
  F_REMAINDER,
  F_ROOT,
  F_UNKNOWN_UP,
  type Compiled,
} from './compile.ts';
import type { Components } from './scc.ts';
import { FULL, mulCeil, mulFloor, product, type Threshold } from './units.ts';

export const LO_OPEN = 1;
export const HI_OPEN = 2;
const WORK_BUDGET = 100_000_000;

/** One solve's state (and, combined, the result): per local node. */
export class SolveState {
  readonly inD: Uint8Array;
  readonly inP: Uint8Array;
  /** cascade: restricted holders' lower sum and the most they could hold (units) */
  readonly cLo: Int32Array;
  readonly cHi: Int32Array;
  /** look-through e (units, 0..FULL) and open flags */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly open: Uint8Array;
  /** the fixpoint of this node's component hit the work budget */
  readonly capped: Uint8Array;

  constructor(readonly n: number) {
    this.inD = new Uint8Array(n);
    this.inP = new Uint8Array(n);
    this.cLo = new Int32Array(n);
    this.cHi = new Int32Array(n);
    this.lo = new Int32Array(n);
    this.hi = new Int32Array(n);
    this.open = new Uint8Array(n);
    this.capped = new Uint8Array(n);
  }

  reset(v: number): void {
    this.inD[v] = 0;
    this.inP[v] = 0;
    this.cLo[v] = 0;
    this.cHi[v] = 0;
    this.lo[v] = 0;
    this.hi[v] = 0;
    this.open[v] = 0;
  }

  /** Takes the larger of this and `o` at node v (per-region, per-source). */
  merge(o: SolveState, v: number, cascade: boolean, lookThrough: boolean): void {
    if (cascade) {
      this.inD[v]! |= o.inD[v]!;
      this.inP[v]! |= o.inP[v]!;
      if (o.cLo[v]! > this.cLo[v]!) this.cLo[v] = o.cLo[v]!;
      if (o.cHi[v]! > this.cHi[v]!) this.cHi[v] = o.cHi[v]!;
    }
    if (lookThrough) {
      const lo = o.lo[v]!;
      const lOpen = o.open[v]! & LO_OPEN;
      if (lo > this.lo[v]! || (lo === this.lo[v] && lOpen && !(this.open[v]! & LO_OPEN))) {
        this.lo[v] = lo;
        this.open[v] = (this.open[v]! & ~LO_OPEN) | lOpen;
      }
      const hi = o.hi[v]!;
      const hOpen = o.open[v]! & HI_OPEN;
      if (hi > this.hi[v]! || (hi === this.hi[v] && !hOpen && this.open[v]! & HI_OPEN)) {
        this.hi[v] = hi;
        this.open[v] = (this.open[v]! & ~HI_OPEN) | hOpen;
      }
    }
    this.capped[v]! |= o.capped[v]!;
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
  ) {}

  /** Solves the given components (all when `comps` is null), in emission order. */
  run(cs: Components, comps: Int32Array | null): void {
    const count = comps === null ? cs.count : comps.length;
    for (let i = 0; i < count; i++) {
      const c = comps === null ? i : comps[i]!;
      const a = cs.start[c]!;
      const b = cs.start[c + 1]!;
      if (b - a === 1) this.evalNode(cs.order[a]!);
      else this.cycle(cs, c, a, b);
    }
  }

  /** Least fixpoint of a component with cycles: a worklist from the bottom. */
  private cycle(cs: Components, c: number, a: number, b: number): void {
    const { c: g, s } = this;
    const size = b - a;
    // successors inside the component (holder -> subjects), local CSR over positions
    const pos = new Map<number, number>();
    for (let i = a; i < b; i++) pos.set(cs.order[i]!, i - a);
    const outStart = new Int32Array(size + 1);
    const edges: number[] = [];
    for (let i = 0; i < size; i++) {
      const v = cs.order[a + i]!;
      for (let k = g.inStart[v]!; k < g.inStart[v + 1]!; k++)
        if (cs.comp[g.eHolder[k]!] === c) edges.push(pos.get(g.eHolder[k]!)!, i);
      for (let k = g.cStart[v]!; k < g.cStart[v + 1]!; k++)
        if (cs.comp[g.cHolder[k]!] === c) edges.push(pos.get(g.cHolder[k]!)!, i);
    }
    for (let e = 0; e < edges.length; e += 2) outStart[edges[e]! + 1]!++;
    for (let i = 0; i < size; i++) outStart[i + 1]! += outStart[i]!;
    const fill = outStart.slice(0, size);
    const out = new Int32Array(edges.length / 2);
    for (let e = 0; e < edges.length; e += 2) out[fill[edges[e]!]!++] = edges[e + 1]!;

    const queue = new Int32Array(size + 1);
    const queued = new Uint8Array(size);
    let head = 0;
    let tail = 0;
    for (let i = 0; i < size; i++) {
      s.reset(cs.order[a + i]!);
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
      const v = cs.order[a + i]!;
      work += 1 + g.inStart[v + 1]! - g.inStart[v]!;
      if (!this.evalNode(v)) continue;
      for (let k = outStart[i]!; k < outStart[i + 1]!; k++) {
        const w = out[k]!;
        if (queued[w]) continue;
        queued[w] = 1;
        queue[tail] = w;
        tail = tail === size ? 0 : tail + 1;
        pending++;
      }
      if (work > WORK_BUDGET) {
        // Sound fallback: what is certain stays (lower bounds, D); the rest may be anything.
        for (let j = a; j < b; j++) {
          const x = cs.order[j]!;
          s.inP[x] = 1;
          s.cHi[x] = FULL;
          s.hi[x] = FULL;
          s.open[x]! &= ~HI_OPEN;
          s.capped[x] = 1;
        }
        return;
      }
    }
  }

  /** Recomputes node v; true when D, P or the look-through bounds moved. */
  evalNode(v: number): boolean {
    const { c: g, t, s, spec } = this;
    const inD = s.inD;
    const inP = s.inP;
    const eLoOf = s.lo;
    const eHiOf = s.hi;
    const openOf = s.open;
    const f = g.flags[v]!;
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
    for (let k = g.cStart[v]!; k < g.cStart[v + 1]!; k++) {
      const h = g.cHolder[k]!;
      const restricting = g.cKind[k] === C_RESTRICT;
      if (restricting && inD[h]) {
        d = true;
        cl = FULL;
      }
      if (inP[h]) {
        p = true;
        ch = FULL;
      }
      if (restricting && t.lowerPast(eLoOf[h]!, (openOf[h]! & LO_OPEN) !== 0)) ctrlRoot = true;
      if (t.upperPast(eHiOf[h]!, (openOf[h]! & HI_OPEN) !== 0)) ctrlUp = true;
    }
    let l = 0;
    let lOpen = false;
    let u = 0;
    let uOpen = false;
    const ltRoot = root || ctrlRoot;
    const eHolder = g.eHolder;
    const eLoArr = g.eLo;
    const eHiArr = g.eHi;
    const eFlags = g.eFlags;
    const eSlot = g.eSlot;
    const end = g.inStart[v + 1]!;
    let k = g.inStart[v]!;
    const hasTypes = k < end;
    while (k < end) {
      const slot = eSlot[k]!;
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
      for (; k < end && eSlot[k] === slot; k++) {
        const h = eHolder[k]!;
        const lo = eLoArr[k]!;
        const hi = eHiArr[k]!;
        const ef = eFlags[k]!;
        const loOpen = (ef & E_LO_OPEN) !== 0;
        const hiOpen = (ef & E_HI_OPEN) !== 0;
        const standIn = (ef & E_STANDIN) !== 0;
        if (!standIn) {
          direct += lo;
          if (loOpen) directOpen = true;
        }
        if (inD[h]) {
          if (!single) {
            sumD += lo;
            if (loOpen) sumDOpen = true;
          } else if (lo > sumD || (lo === sumD && loOpen)) {
            sumD = lo;
            sumDOpen = loOpen;
          }
        }
        if (inP[h]) {
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
        const eLo = eLoOf[h]!;
        const eHi = eHiOf[h]!;
        const ho = openOf[h]!;
        // lower: stake lo x holder's lower e (0 and 100% are exact without a product)
        if (eLo !== 0) {
          if (eLo === FULL) L += lo;
          else {
            L += mulFloor(lo, eLo);
            if (product.inexact) LOpen = true;
          }
          if (loOpen || ((ho & LO_OPEN) !== 0 && lo > 0)) LOpen = true;
        } else if ((ho & LO_OPEN) !== 0 && lo > 0) LOpen = true;
        // upper: stake hi x holder's upper e
        if (eHi !== 0) {
          if (eHi === FULL) U += hi;
          else {
            U += mulCeil(hi, eHi);
            if (product.inexact) UOpen = true;
          }
          if (hiOpen || ((ho & HI_OPEN) !== 0 && hi > 0)) UOpen = true;
        }
        // the part held certainly clear: stake lo x (1 - holder's upper e)
        if (!standIn && eHi !== FULL) {
          if (eHi === 0) clear += lo;
          else {
            clear += mulFloor(lo, FULL - eHi);
            if (product.inexact) clearOpen = true;
          }
          if (loOpen || ((ho & HI_OPEN) !== 0 && lo > 0)) clearOpen = true;
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
    const di = d ? 1 : 0;
    const pi = p ? 1 : 0;
    const o = (lOpen ? LO_OPEN : 0) | (uOpen ? HI_OPEN : 0);
    s.cLo[v] = cl;
    s.cHi[v] = ch;
    if (inD[v] === di && inP[v] === pi && eLoOf[v] === l && eHiOf[v] === u && openOf[v] === o) return false;
    inD[v] = di;
    inP[v] = pi;
    eLoOf[v] = l;
    eHiOf[v] = u;
    openOf[v] = o;
    return true;
  }
}

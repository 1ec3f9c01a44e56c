// A policy applied to (part of) the graph: ownership edges combined per holder and type by maximum,
// control edges, declared stand-ins kept only where no path exists, node flags. The result is a
// local graph in typed arrays (CSR by subject) that the solver sweeps.
import { REL_LINK, REL_NO_INTERESTS, type CompactGraph } from './graph.ts';
import { ROLE_OWN, ROLE_RESTRICT, type PolicyContext } from './policy-context.ts';
import { DOI_INDIRECT, SH_HI_OPEN, SH_INVALID, SH_LO_OPEN } from './store.ts';
import { Scratch } from './compile-scratch.ts';
import { MAX_SIMPLE_SLOTS, SimpleCompiler, type SubjectCompiler } from './compile-simple.ts';
import { int32Column, type Column } from './growable.ts';
import { FRESH, type Buffers } from './workspace.ts';
import { FULL } from './units.ts';

import {
  E_MASK,
  E_SHIFT,
  MAX_SLOTS,
  R_STRIDE,
  C_INDICATE,
  C_RESTRICT,
  E_HI_OPEN,
  E_LO_OPEN,
  E_STANDIN,
  E_STRIDE,
  F_CONFLICT,
  F_INCONSISTENT,
  F_INVALID,
  F_REMAINDER,
  F_ROOT,
  F_SELF,
  F_UNKNOWN,
  F_UNKNOWN_UP,
} from './compiled-bits.ts';

export {
  E_MASK,
  E_SHIFT,
  R_STRIDE,
  C_INDICATE,
  C_RESTRICT,
  E_HI_OPEN,
  E_LO_OPEN,
  E_STANDIN,
  E_STRIDE,
  F_CONFLICT,
  F_INCONSISTENT,
  F_INVALID,
  F_REMAINDER,
  F_ROOT,
  F_SELF,
  F_UNKNOWN,
  F_UNKNOWN_UP,
};

export interface Compiled {
  n: number;
  /** local node -> graph node (null: the whole graph, identity) */
  glob: Int32Array | null;
  /** per node (and one more, for the last node's edge ends): see R_STRIDE */
  rec: Int32Array;
  /** ownership edges, E_STRIDE ints each, side by side so the solver reads one place per edge */
  e: Int32Array;
  /** the relationship (graph index) and interest type behind the edge, for witness paths */
  eRel: Int32Array;
  eType: Uint16Array;
  cHolder: Int32Array;
  cKind: Uint8Array;
  cRel: Int32Array;
  cType: Uint16Array;
}

/** First ownership edge of v (its last is before the next node's first). */
export const edgeStart = (c: Compiled, v: number): number => c.rec[R_STRIDE * v]!;
/** First control edge of v. */
export const controlStart = (c: Compiled, v: number): number => c.rec[R_STRIDE * v + 1]!;
/** Compiled flags of v (F_*). */
export const nodeFlags = (c: Compiled, v: number): number => c.rec[R_STRIDE * v + 2]!;

/** The edge starts as plain CSR arrays (for code that takes them so: components). */
export function edgeStarts(c: Compiled): { inStart: Int32Array; cStart: Int32Array } {
  const inStart = new Int32Array(c.n + 1);
  const cStart = new Int32Array(c.n + 1);
  for (let v = 0; v <= c.n; v++) {
    inStart[v] = c.rec[R_STRIDE * v]!;
    cStart[v] = c.rec[R_STRIDE * v + 1]!;
  }
  return { inStart, cStart };
}

/** The buffers a whole-graph compile asks for, in bytes (see Buffers.reserve). */
export function compileBytes(g: CompactGraph): Array<[string, number]> {
  const n = g.nodeCount;
  const bound = g.relInts.length + g.bareRelationships;
  return [
    ['rec', 4 * R_STRIDE * (n + 1)],
    ['e', 4 * bound * E_STRIDE],
    ['eRel', 4 * bound],
    ['eType', 2 * bound],
  ];
}

/**
 * Compiles `nodes` (sorted graph nodes, closed under "holder of"), or the whole graph when null.
 */
export function compile(
  graph: CompactGraph,
  ctx: PolicyContext,
  nodes: Int32Array | null,
  buffers: Buffers = FRESH,
): Compiled {
  const g = graph;
  const n = nodes === null ? g.nodeCount : nodes.length;
  if (ctx.slotNames.length > MAX_SLOTS) throw new RangeError(`more than ${MAX_SLOTS} ownership slots`);
  const local = nodes === null ? null : new Map<number, number>();
  if (nodes !== null) for (let i = 0; i < n; i++) local!.set(nodes[i]!, i);
  const toLocal = (v: number) => (local === null ? v : local.get(v)!);

  let bound = 0;
  if (nodes === null) {
    bound = g.relInts.length + g.bareRelationships;
  } else
    for (let i = 0; i < n; i++) {
      const v = nodes[i]!;
      const a = g.subjStart[v]!;
      const b = g.subjStart[v + 1]!;
      bound += b - a + g.relIntStart[b]! - g.relIntStart[a]!;
    }
  const rec = buffers.int32('rec', R_STRIDE * (n + 1));
  // edges are written before they are read: no need to clear a reused buffer
  const e = buffers.int32('e', bound * E_STRIDE, false);
  const eRel = buffers.int32('eRel', bound, false);
  const eType = buffers.uint16('eType', bound, false);
  const ctrl = int32Column(); // holder, kind, rel, type quadruples
  const general = new GeneralCompiler(g, ctx, nodes, toLocal, e, eRel, eType, ctrl);
  // a node's flags: those compiling found, then origin and remainder
  const finish = (v: number, f: number, exempt: boolean): number => {
    const o = ctx.origin(v);
    if (o.root) f |= F_ROOT;
    else if (o.unknown) f |= ctx.reviewUnknown ? F_UNKNOWN | F_UNKNOWN_UP : F_UNKNOWN;
    const kind = g.nodeKind[v]!;
    if (ctx.unaccountedUnknown && kind === 0 && !o.unknown && !exempt && !isListed(g, v)) f |= F_REMAINDER;
    return f;
  };
  if (nodes === null && ctx.slotNames.length <= MAX_SIMPLE_SLOTS)
    new SimpleCompiler(g, ctx, e, eRel, eType, ctrl).compileAll(general, rec, finish);
  else {
    let m = 0;
    for (let s = 0; s < n; s++) {
      const v = nodes === null ? s : nodes[s]!;
      const ctrlFrom = ctrl.length;
      m = general.compile(v, m);
      const r = R_STRIDE * s;
      rec[r + R_STRIDE] = m;
      rec[r + R_STRIDE + 1] = (ctrl.length - ctrlFrom) / 4 + rec[r + 1]!;
      rec[r + 2] = finish(v, (g.nodeConflict[v] ? F_CONFLICT : 0) | general.flags, general.exempt);
    }
  }
  const c = ctrl.length / 4;
  const cHolder = new Int32Array(c);
  const cKind = new Uint8Array(c);
  const cRel = new Int32Array(c);
  const cType = new Uint16Array(c);
  const q = ctrl.data;
  for (let i = 0; i < c; i++) {
    cHolder[i] = q[4 * i]!;
    cKind[i] = q[4 * i + 1]!;
    cRel[i] = q[4 * i + 2]!;
    cType[i] = q[4 * i + 3]!;
  }
  return {
    n,
    glob: nodes,
    rec,
    e,
    eRel,
    eType,
    cHolder,
    cKind,
    cRel,
    cType,
  };
}

/** Any subject: several interests, stakes to combine by maximum, declared stand-ins. */
class GeneralCompiler implements SubjectCompiler {
  /** the subject's flags found (F_INVALID, F_INCONSISTENT, F_SELF), after `compile` */
  flags = 0;
  /** a subjectExemptFromDisclosure statement covers the subject */
  exempt = false;
  private readonly sc = new Scratch();

  constructor(
    private readonly g: CompactGraph,
    private readonly ctx: PolicyContext,
    private readonly nodes: Int32Array | null,
    private readonly toLocal: (v: number) => number,
    private readonly e: Int32Array,
    private readonly eRel: Int32Array,
    private readonly eType: Uint16Array,
    private readonly ctrl: Column<Int32Array>,
  ) {}

  /** Writes subject v's edges from edge `m` on (and its control edges); returns the new count. */
  compile(v: number, m: number): number {
    const { g, ctx, nodes, toLocal, e, eRel, eType, ctrl, sc } = this;
    const st = g.store;
    const n = nodes === null ? g.nodeCount : nodes.length;
    const untyped = ctx.slotNames.length - 1;
    let f = 0;
    let exempt = false;
    sc.count = 0;
    for (let r = g.subjStart[v]!; r < g.subjStart[v + 1]!; r++) {
      const h = g.relHolder[r]!;
      if (h < 0) {
        if (st.rsUnspecified.get(g.relStmt[r]!)?.reason === 'subjectExemptFromDisclosure') exempt = true;
        continue;
      }
      if (h === v) {
        f |= F_SELF;
        continue;
      }
      const hl = toLocal(h);
      if (g.relFlags[r]! & REL_NO_INTERESTS) {
        sc.push(hl, untyped, 0, FULL, 0, r, 0);
        continue;
      }
      for (let k = g.relIntStart[r]!; k < g.relIntStart[r + 1]!; k++) {
        const t = g.intType[k]!;
        const role = ctx.role[t]!;
        if (role === ROLE_OWN) {
          const shape = g.intShape[k]!;
          const standIn = (g.intMeta[k]! & 3) === DOI_INDIRECT ? E_STANDIN : 0;
          if (shape & SH_INVALID) {
            f |= F_INVALID;
            sc.push(hl, ctx.slot[t]!, 0, FULL, standIn, r, t);
          } else {
            const ef = (shape & SH_LO_OPEN ? E_LO_OPEN : 0) | (shape & SH_HI_OPEN ? E_HI_OPEN : 0) | standIn;
            sc.push(hl, ctx.slot[t]!, g.intLo[k]!, g.intHi[k]!, ef, r, t);
          }
        } else if (role !== 0) {
          ctrl.push(hl);
          ctrl.push(role === ROLE_RESTRICT ? C_RESTRICT : C_INDICATE);
          ctrl.push(r);
          ctrl.push(t);
        }
      }
    }
    // combine by maximum per (slot, holder, stand-in); the representative states the largest lower bound
    const count = sc.count;
    const order = count === 1 ? null : sc.sort(n);
    let standIns = false;
    const first = m;
    for (let a = 0; a < count;) {
      const x0 = order === null ? 0 : order[a]!;
      let lo = sc.lo[x0]!;
      let hi = sc.hi[x0]!;
      let loOpen = (sc.flags[x0]! & E_LO_OPEN) !== 0;
      let hiOpen = (sc.flags[x0]! & E_HI_OPEN) !== 0;
      let rep = x0;
      let b = a + 1;
      for (; b < count && sc.key[order![b]!] === sc.key[x0]; b++) {
        const x = order![b]!;
        const xLoOpen = (sc.flags[x]! & E_LO_OPEN) !== 0;
        if (sc.lo[x]! > lo || (sc.lo[x] === lo && xLoOpen && !loOpen)) {
          lo = sc.lo[x]!;
          loOpen = xLoOpen;
          rep = x;
        }
        const xHiOpen = (sc.flags[x]! & E_HI_OPEN) !== 0;
        if (sc.hi[x]! > hi || (sc.hi[x] === hi && !xHiOpen)) {
          hi = sc.hi[x]!;
          hiOpen = xHiOpen;
        }
      }
      a = b;
      const standIn = sc.flags[x0]! & E_STANDIN;
      if (standIn) standIns = true;
      const o = m * E_STRIDE;
      e[o] = sc.holder[x0]!;
      e[o + 1] = lo | (((loOpen ? E_LO_OPEN : 0) | (hiOpen ? E_HI_OPEN : 0) | standIn) << E_SHIFT);
      e[o + 2] = hi | (sc.slot[x0]! << E_SHIFT);
      eRel[m] = sc.rel[rep]!;
      eType[m] = sc.type[rep]!;
      m++;
    }
    if (standIns) m = first + dropLinkedStandIns(g, v, nodes, first, m, e, eRel, eType);
    // the 100% check: per type (edges come grouped by type), the direct lower bounds
    for (let k = first; k < m;) {
      const slot = e[k * E_STRIDE + 2]! >>> E_SHIFT;
      let sum = 0;
      let open = false;
      for (; k < m && e[k * E_STRIDE + 2]! >>> E_SHIFT === slot; k++) {
        const ef = e[k * E_STRIDE + 1]! >>> E_SHIFT;
        if (ef & E_STANDIN) continue;
        sum += e[k * E_STRIDE + 1]! & E_MASK;
        if (ef & E_LO_OPEN) open = true;
      }
      if (sum > FULL || (sum === FULL && open)) f |= F_INCONSISTENT;
    }
    this.flags = f;
    this.exempt = exempt;
    return m;
  }
}

function isListed(g: CompactGraph, v: number): boolean {
  return g.nodeListed[v] === 1;
}

/**
 * Drops the stand-ins of subject `v` whose holder reaches `v` through in-force relationships with
 * some direct interest (the chain is then computed instead). Compacts edges [first, end); returns
 * the new count.
 */
function dropLinkedStandIns(
  g: CompactGraph,
  v: number,
  nodes: Int32Array | null,
  first: number,
  end: number,
  e: Int32Array,
  eRel: Int32Array,
  eType: Uint16Array,
): number {
  // holders of `v`, transitively, over linking relationships
  const seen = new Set<number>([v]);
  const stack = [v];
  while (stack.length > 0) {
    const x = stack.pop()!;
    for (let r = g.subjStart[x]!; r < g.subjStart[x + 1]!; r++) {
      const h = g.relHolder[r]!;
      if (h < 0 || h === x || !(g.relFlags[r]! & REL_LINK) || seen.has(h)) continue;
      seen.add(h);
      stack.push(h);
    }
  }
  let out = first;
  for (let k = first; k < end; k++) {
    const holder = nodes === null ? e[k * E_STRIDE]! : nodes[e[k * E_STRIDE]!]!;
    if ((e[k * E_STRIDE + 1]! >>> E_SHIFT) & E_STANDIN && seen.has(holder)) continue;
    if (out !== k) {
      e.copyWithin(out * E_STRIDE, k * E_STRIDE, (k + 1) * E_STRIDE);
      eRel[out] = eRel[k]!;
      eType[out] = eType[k]!;
    }
    out++;
  }
  return out - first;
}

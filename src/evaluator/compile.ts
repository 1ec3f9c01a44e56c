// A policy applied to (part of) the graph: ownership edges combined per holder and type by maximum,
// control edges, declared stand-ins kept only where no path exists, node flags. The result is a
// local graph in typed arrays (CSR by subject) that the solver sweeps.
import { REL_LINK, REL_NO_INTERESTS, type CompactGraph } from './graph.ts';
import { ROLE_OWN, ROLE_RESTRICT, type PolicyContext } from './policy-context.ts';
import { DOI_INDIRECT, SH_HI_OPEN, SH_INVALID, SH_LO_OPEN } from './store.ts';
import { Scratch } from './compile-scratch.ts';
import { FULL } from './units.ts';

export const E_LO_OPEN = 1;
export const E_HI_OPEN = 2;
export const E_STANDIN = 4;
/** ints per ownership edge in `Compiled.e`: holder, lower bound, upper bound, flags | slot << 8 */
export const E_STRIDE = 4;

export const C_RESTRICT = 1;
export const C_INDICATE = 2;

export const F_ROOT = 1;
/** of unknown origin (whatever the policy makes of it) */
export const F_UNKNOWN = 2;
/** of unknown origin and counted as possibly restricted (unidentifiedOwners: review) */
export const F_UNKNOWN_UP = 4;
/** has an unaccounted remainder that may be restricted */
export const F_REMAINDER = 8;
export const F_INVALID = 16;
export const F_INCONSISTENT = 32;
export const F_SELF = 64;
export const F_CONFLICT = 128;

export interface Compiled {
  n: number;
  /** local node -> graph node (null: the whole graph, identity) */
  glob: Int32Array | null;
  inStart: Int32Array;
  /** ownership edges, E_STRIDE ints each, side by side so the solver reads one place per edge */
  e: Int32Array;
  /** the relationship (graph index) and interest type behind the edge, for witness paths */
  eRel: Int32Array;
  eType: Uint16Array;
  cStart: Int32Array;
  cHolder: Int32Array;
  cKind: Uint8Array;
  cRel: Int32Array;
  cType: Uint16Array;
  flags: Uint8Array;
}

/**
 * Compiles `nodes` (sorted graph nodes, closed under "holder of"), or the whole graph when null.
 */
export function compile(graph: CompactGraph, ctx: PolicyContext, nodes: Int32Array | null): Compiled {
  const g = graph;
  const st = g.store;
  const n = nodes === null ? g.nodeCount : nodes.length;
  const local = nodes === null ? null : new Map<number, number>();
  if (nodes !== null) for (let i = 0; i < n; i++) local!.set(nodes[i]!, i);
  const toLocal = (v: number) => (local === null ? v : local.get(v)!);

  let bound = 0;
  if (nodes === null) {
    bound = g.relInts.length;
    for (let r = 0; r < g.relFlags.length; r++) if (g.relFlags[r]! & REL_NO_INTERESTS) bound++;
  } else
    for (let i = 0; i < n; i++) {
      const v = nodes[i]!;
      const a = g.subjStart[v]!;
      const b = g.subjStart[v + 1]!;
      bound += b - a + g.relIntStart[b]! - g.relIntStart[a]!;
    }
  const inStart = new Int32Array(n + 1);
  const e = new Int32Array(bound * E_STRIDE);
  const eRel = new Int32Array(bound);
  const eType = new Uint16Array(bound);
  const cStart = new Int32Array(n + 1);
  const ctrl: number[] = []; // holder, kind, rel, type quadruples
  const flags = new Uint8Array(n);
  const slotCount = ctx.slotNames.length;
  const untyped = slotCount - 1;
  let m = 0;
  const sc = new Scratch();

  for (let s = 0; s < n; s++) {
    const v = nodes === null ? s : nodes[s]!;
    let f = g.nodeConflict[v] ? F_CONFLICT : 0;
    let exempt = false;
    sc.count = 0;
    const ctrlFrom = ctrl.length;
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
        } else if (role !== 0) ctrl.push(hl, role === ROLE_RESTRICT ? C_RESTRICT : C_INDICATE, r, t);
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
      e[o + 1] = lo;
      e[o + 2] = hi;
      e[o + 3] = (loOpen ? E_LO_OPEN : 0) | (hiOpen ? E_HI_OPEN : 0) | standIn | (sc.slot[x0]! << 8);
      eRel[m] = sc.rel[rep]!;
      eType[m] = sc.type[rep]!;
      m++;
    }
    if (standIns) m = first + dropLinkedStandIns(g, v, nodes, first, m, e, eRel, eType);
    // the 100% check: per type (edges come grouped by type), the direct lower bounds
    for (let k = first; k < m;) {
      const slot = e[k * E_STRIDE + 3]! >> 8;
      let sum = 0;
      let open = false;
      for (; k < m && e[k * E_STRIDE + 3]! >> 8 === slot; k++) {
        const ef = e[k * E_STRIDE + 3]!;
        if (ef & E_STANDIN) continue;
        sum += e[k * E_STRIDE + 1]!;
        if (ef & E_LO_OPEN) open = true;
      }
      if (sum > FULL || (sum === FULL && open)) f |= F_INCONSISTENT;
    }
    inStart[s + 1] = m;
    cStart[s + 1] = (ctrl.length - ctrlFrom) / 4 + cStart[s]!;

    const o = ctx.origin(v);
    if (o.root) f |= F_ROOT;
    else if (o.unknown) f |= ctx.reviewUnknown ? F_UNKNOWN | F_UNKNOWN_UP : F_UNKNOWN;
    const kind = g.nodeKind[v]!;
    if (ctx.unaccountedUnknown && kind === 0 && !o.unknown && !exempt && !isListed(g, v)) f |= F_REMAINDER;
    flags[s] = f;
  }
  const c = ctrl.length / 4;
  const cHolder = new Int32Array(c);
  const cKind = new Uint8Array(c);
  const cRel = new Int32Array(c);
  const cType = new Uint16Array(c);
  for (let i = 0; i < c; i++) {
    cHolder[i] = ctrl[4 * i]!;
    cKind[i] = ctrl[4 * i + 1]!;
    cRel[i] = ctrl[4 * i + 2]!;
    cType[i] = ctrl[4 * i + 3]!;
  }
  return {
    n,
    glob: nodes,
    inStart,
    e,
    eRel,
    eType,
    cStart,
    cHolder,
    cKind,
    cRel,
    cType,
    flags,
  };
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
    if (e[k * E_STRIDE + 3]! & E_STANDIN && seen.has(holder)) continue;
    if (out !== k) {
      e.copyWithin(out * E_STRIDE, k * E_STRIDE, (k + 1) * E_STRIDE);
      eRel[out] = eRel[k]!;
      eType[out] = eType[k]!;
    }
    out++;
  }
  return out - first;
}

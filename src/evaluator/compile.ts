// A policy applied to (part of) the graph: ownership edges combined per holder and type by maximum,
// control edges, declared stand-ins kept only where no path exists, node flags. The result is a
// local graph in typed arrays (CSR by subject) that the solver sweeps.
import { CLEAR_UNSPECIFIED } from './build-graph.ts';
import { REL_LINK, REL_NO_INTERESTS, type CompactGraph } from './graph.ts';
import { ROLE_OWN, ROLE_RESTRICT, type PolicyContext } from './policy-context.ts';
import { DOI_INDIRECT, SH_HI_OPEN, SH_INVALID, SH_LO_OPEN } from './store.ts';
import { FULL } from './units.ts';

export const E_LO_OPEN = 1;
export const E_HI_OPEN = 2;
export const E_STANDIN = 4;

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
  eHolder: Int32Array;
  eLo: Int32Array;
  eHi: Int32Array;
  eFlags: Uint8Array;
  eSlot: Uint8Array;
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

interface Entry {
  holder: number;
  slot: number;
  lo: number;
  hi: number;
  flags: number;
  rel: number;
  type: number;
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
  if (nodes === null) bound = g.relInts.length + g.relStmt.length;
  else
    for (let i = 0; i < n; i++) {
      const v = nodes[i]!;
      const a = g.subjStart[v]!;
      const b = g.subjStart[v + 1]!;
      bound += b - a + g.relIntStart[b]! - g.relIntStart[a]!;
    }
  const inStart = new Int32Array(n + 1);
  const eHolder = new Int32Array(bound);
  const eLo = new Int32Array(bound);
  const eHi = new Int32Array(bound);
  const eFlags = new Uint8Array(bound);
  const eSlot = new Uint8Array(bound);
  const eRel = new Int32Array(bound);
  const eType = new Uint16Array(bound);
  const cStart = new Int32Array(n + 1);
  const ctrl: number[] = []; // holder, kind, rel, type quadruples
  const flags = new Uint8Array(n);
  const slotCount = ctx.slotNames.length;
  const untyped = slotCount - 1;
  const directLo = new Float64Array(slotCount);
  const directOpen = new Uint8Array(slotCount);
  let m = 0;
  const entries: Entry[] = [];

  for (let s = 0; s < n; s++) {
    const v = nodes === null ? s : nodes[s]!;
    let f = g.nodeConflict[v] ? F_CONFLICT : 0;
    let exempt = false;
    entries.length = 0;
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
        entries.push({ holder: hl, slot: untyped, lo: 0, hi: FULL, flags: 0, rel: r, type: 0 });
        continue;
      }
      for (let k = g.relIntStart[r]!; k < g.relIntStart[r + 1]!; k++) {
        const i = g.relInts[k]!;
        const t = st.iType.data[i]!;
        const role = ctx.role[t]!;
        if (role === ROLE_OWN) {
          const shape = st.iShape.data[i]!;
          let ef = 0;
          if (shape & SH_INVALID) f |= F_INVALID;
          else ef = (shape & SH_LO_OPEN ? E_LO_OPEN : 0) | (shape & SH_HI_OPEN ? E_HI_OPEN : 0);
          if ((st.iMeta.data[i]! & 3) === DOI_INDIRECT) ef |= E_STANDIN;
          const invalid = (shape & SH_INVALID) !== 0;
          entries.push({
            holder: hl,
            slot: ctx.slot[t]!,
            lo: invalid ? 0 : st.iLo.data[i]!,
            hi: invalid ? FULL : st.iHi.data[i]!,
            flags: ef,
            rel: r,
            type: t,
          });
        } else if (role !== 0) ctrl.push(hl, role === ROLE_RESTRICT ? C_RESTRICT : C_INDICATE, r, t);
      }
    }
    if (entries.length > 1)
      entries.sort(
        (a, b) => a.slot - b.slot || a.holder - b.holder || (a.flags & E_STANDIN) - (b.flags & E_STANDIN),
      );
    // combine by maximum per (slot, holder, stand-in); the representative states the largest lower bound
    let standIns = false;
    const first = m;
    for (let i = 0; i < entries.length;) {
      const e = entries[i]!;
      let lo = e.lo;
      let hi = e.hi;
      let loOpen = (e.flags & E_LO_OPEN) !== 0;
      let hiOpen = (e.flags & E_HI_OPEN) !== 0;
      let rep = e;
      let j = i + 1;
      for (; j < entries.length; j++) {
        const x = entries[j]!;
        if (x.slot !== e.slot || x.holder !== e.holder || (x.flags & E_STANDIN) !== (e.flags & E_STANDIN))
          break;
        const xLoOpen = (x.flags & E_LO_OPEN) !== 0;
        if (x.lo > lo || (x.lo === lo && xLoOpen && !loOpen)) {
          lo = x.lo;
          loOpen = xLoOpen;
          rep = x;
        }
        const xHiOpen = (x.flags & E_HI_OPEN) !== 0;
        if (x.hi > hi || (x.hi === hi && !xHiOpen)) {
          hi = x.hi;
          hiOpen = xHiOpen;
        }
      }
      i = j;
      const standIn = (e.flags & E_STANDIN) !== 0;
      if (standIn) standIns = true;
      eHolder[m] = e.holder;
      eLo[m] = lo;
      eHi[m] = hi;
      eFlags[m] = (loOpen ? E_LO_OPEN : 0) | (hiOpen ? E_HI_OPEN : 0) | (standIn ? E_STANDIN : 0);
      eSlot[m] = e.slot;
      eRel[m] = rep.rel;
      eType[m] = rep.type;
      m++;
    }
    if (standIns)
      m =
        first +
        dropLinkedStandIns(
          g,
          v,
          toLocal,
          nodes,
          first,
          m,
          eHolder,
          eFlags,
          [eLo, eHi, eRel],
          [eFlags, eSlot],
          eType,
        );
    // the 100% check: per type, the direct lower bounds
    directLo.fill(0);
    directOpen.fill(0);
    for (let k = first; k < m; k++) {
      if (eFlags[k]! & E_STANDIN) continue;
      directLo[eSlot[k]!]! += eLo[k]!;
      if (eFlags[k]! & E_LO_OPEN) directOpen[eSlot[k]!] = 1;
    }
    for (let t = 0; t < slotCount; t++)
      if (directLo[t]! > FULL || (directLo[t] === FULL && directOpen[t])) f |= F_INCONSISTENT;
    inStart[s + 1] = m;
    cStart[s + 1] = (ctrl.length - ctrlFrom) / 4 + cStart[s]!;

    const o = ctx.origin(v);
    if (o.root) f |= F_ROOT;
    else if (o.unknown) f |= ctx.reviewUnknown ? F_UNKNOWN | F_UNKNOWN_UP : F_UNKNOWN;
    const kind = g.nodeKind[v]!;
    if (kind === 0 && !o.unknown && ctx.unaccountedUnknown && !exempt && !isListed(g, v)) f |= F_REMAINDER;
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
    eHolder,
    eLo,
    eHi,
    eFlags,
    eSlot,
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
  return g.store.psListed.data[g.nodeStmt[v]!] === 2;
}

/**
 * Drops the stand-ins of subject `v` whose holder reaches `v` through in-force relationships with
 * some direct interest (the chain is then computed instead). Compacts edges [first, end); returns
 * the new count.
 */
function dropLinkedStandIns(
  g: CompactGraph,
  v: number,
  toLocal: (v: number) => number,
  nodes: Int32Array | null,
  first: number,
  end: number,
  eHolder: Int32Array,
  eFlags: Uint8Array,
  i32: Int32Array[],
  u8: Uint8Array[],
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
  const globalOf = (l: number) => (nodes === null ? l : nodes[l]!);
  void toLocal;
  let out = first;
  for (let k = first; k < end; k++) {
    if (eFlags[k]! & E_STANDIN && seen.has(globalOf(eHolder[k]!))) continue;
    if (out !== k) {
      eHolder[out] = eHolder[k]!;
      for (const a of i32) a[out] = a[k]!;
      for (const a of u8) a[out] = a[k]!;
      eType[out] = eType[k]!;
    }
    out++;
  }
  return out - first;
}

export { CLEAR_UNSPECIFIED };

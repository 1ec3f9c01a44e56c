// Witness paths (Step 7): the strongest chains from a subject up to the sources of its verdict --
// roots, parties of unknown origin, flagged subjects, restrictable remainders. Best-first over
// partial paths by the product of the hops' upper stakes; ties broken by length, then by the order
// holders are met (sorted by id). A deterministic, capped set: `truncated` says when capped.
import { F_INCONSISTENT, F_INVALID, F_REMAINDER, F_ROOT, F_UNKNOWN_UP, type Compiled } from './compile.ts';
import type { CompactGraph } from './graph.ts';
import type { PolicyContext } from './policy-context.ts';
import type { SolveState } from './solve.ts';
import { E_HI_OPEN, E_LO_OPEN, E_STRIDE } from './compile.ts';
import type { ShareView, WitnessHop, WitnessPath } from './types.ts';
import { FULL, UNITS_PER_PERCENT } from './units.ts';

export const MAX_PATHS = 5;
const MAX_POPS = 32;
const MAX_DEPTH = 32;

interface Partial {
  node: number;
  parent: Partial | null;
  /** the edge from `node` (holder) to parent.node (subject): ownership edge, or ~control edge */
  edge: number;
  strength: number;
  depth: number;
  seq: number;
}

const before = (a: Partial, b: Partial) =>
  a.strength > b.strength ||
  (a.strength === b.strength && (a.depth < b.depth || (a.depth === b.depth && a.seq < b.seq)));

class Heap {
  private readonly items: Partial[] = [];
  get size(): number {
    return this.items.length;
  }
  push(x: Partial): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Partial {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

export interface PathContext {
  graph: CompactGraph;
  ctx: PolicyContext;
  c: Compiled;
  res: SolveState;
}

const globalOf = (c: Compiled, v: number) => (c.glob === null ? v : c.glob[v]!);

function sourceReason(p: PathContext, v: number, f: number): string | undefined {
  if (f & F_ROOT) return p.ctx.origin(globalOf(p.c, v)).reasons[0] ?? 'origin';
  if (f & F_UNKNOWN_UP) return 'unknown-origin';
  if (f & F_INVALID) return 'invalid-share';
  if (f & F_INCONSISTENT) return 'inconsistent-shares';
  if (f & F_REMAINDER) return 'remainder';
  return undefined;
}

/** Could this holder pass anything restricted on? */
function tainted(p: PathContext, h: number): boolean {
  const { res } = p;
  return res.inP(h) || res.hi(h) > 0 || (res.flags(h) & F_ROOT) !== 0;
}

function onPath(x: Partial, v: number): boolean {
  for (let y: Partial | null = x; y !== null; y = y.parent) if (y.node === v) return true;
  return false;
}

export function witnessPaths(p: PathContext, start: number): { paths: WitnessPath[]; truncated: boolean } {
  // node data from the solve's records (one cache line per node; see solve.ts)
  const { c, res } = p;
  const paths: WitnessPath[] = [];
  const heap = new Heap();
  let seq = 0;
  heap.push({ node: start, parent: null, edge: 0, strength: 1, depth: 0, seq: seq++ });
  let pops = 0;
  while (heap.size > 0) {
    if (pops++ >= MAX_POPS) return { paths, truncated: true };
    const x = heap.pop();
    const v = x.node;
    const f = res.flags(v);
    const reason = sourceReason(p, v, f);
    if (reason !== undefined) {
      if (paths.length === MAX_PATHS) return { paths, truncated: true };
      paths.push({ root: p.graph.nodeIds[globalOf(c, v)]!, rootReason: reason, hops: hopsOf(p, x) });
      if (f & F_ROOT) continue; // a root is restricted by itself: nothing above matters
    }
    if (x.depth >= MAX_DEPTH) continue;
    for (let k = res.edgeStart(v), end = res.edgeStart(v + 1); k < end; k++) {
      const h = c.e[k * E_STRIDE]!;
      const hi = c.e[k * E_STRIDE + 2]!;
      if (hi === 0 || !tainted(p, h) || onPath(x, h)) continue;
      heap.push({
        node: h,
        parent: x,
        edge: k,
        strength: (x.strength * hi) / FULL,
        depth: x.depth + 1,
        seq: seq++,
      });
    }
    for (let k = res.controlStart(v), end = res.controlStart(v + 1); k < end; k++) {
      const h = c.cHolder[k]!;
      if (!tainted(p, h) || onPath(x, h)) continue;
      heap.push({ node: h, parent: x, edge: ~k, strength: x.strength, depth: x.depth + 1, seq: seq++ });
    }
  }
  return { paths, truncated: false };
}

function percent(units: number): number {
  return units / UNITS_PER_PERCENT;
}

function hopsOf(p: PathContext, top: Partial): WitnessHop[] {
  const { graph: g, c } = p;
  const hops: WitnessHop[] = [];
  for (let x: Partial = top; x.parent !== null; x = x.parent) {
    const holder = g.nodeIds[globalOf(c, x.node)]!;
    const subject = g.nodeIds[globalOf(c, x.parent.node)]!;
    let rel: number;
    let type: number;
    let share: ShareView;
    if (x.edge >= 0) {
      const k = x.edge;
      rel = c.eRel[k]!;
      type = c.eType[k]!;
      share = { min: percent(c.e[k * E_STRIDE + 1]!), max: percent(c.e[k * E_STRIDE + 2]!) };
      if (c.e[k * E_STRIDE + 3]! & E_LO_OPEN) share.minOpen = true;
      if (c.e[k * E_STRIDE + 3]! & E_HI_OPEN) share.maxOpen = true;
    } else {
      const k = ~x.edge;
      rel = c.cRel[k]!;
      type = c.cType[k]!;
      share = { min: 0, max: 100 };
    }
    hops.push({
      holder,
      subject,
      interestType: type === 0 ? '(none)' : g.store.typeNames[type]!,
      share,
      source: g.relationshipId(rel),
      statementId: g.statementId(rel),
    });
  }
  return hops.reverse();
}

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

/**
 * The partial paths still to pop, best last. The search pops at most MAX_POPS times, so only the
 * best (MAX_POPS - pops so far) can ever be popped: worse ones are dropped on arrival (that it
 * dropped any is remembered, for `truncated`). Pops come in the order a full heap would give.
 */
class Frontier {
  private readonly items: Partial[] = [];
  /** something was dropped: the full frontier is not empty */
  dropped = false;
  get size(): number {
    return this.items.length;
  }
  /** Whether a path of this strength and depth, met now, could still be popped. */
  admits(strength: number, depth: number, room: number): boolean {
    const a = this.items;
    if (a.length < room) return true;
    const worst = a[0];
    // a newcomer loses every tie on the order met
    return (
      worst !== undefined &&
      (strength > worst.strength || (strength === worst.strength && depth < worst.depth))
    );
  }
  /** Adds x (admitted), dropping the worst when `room` is reached. */
  push(x: Partial, room: number): void {
    const a = this.items;
    if (a.length >= room) {
      a.shift();
      this.dropped = true;
    }
    let i = a.length;
    a.push(x);
    while (i > 0 && before(a[i - 1]!, x)) {
      a[i] = a[i - 1]!;
      i--;
    }
    a[i] = x;
  }
  pop(): Partial {
    return this.items.pop()!;
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
  const heap = new Frontier();
  let seq = 0;
  heap.push({ node: start, parent: null, edge: 0, strength: 1, depth: 0, seq: seq++ }, MAX_POPS);
  let pops = 0;
  while (heap.size > 0 || heap.dropped) {
    if (pops++ >= MAX_POPS) return { paths, truncated: true };
    const x = heap.pop();
    const room = MAX_POPS - pops;
    const v = x.node;
    const f = res.flags(v);
    const reason = sourceReason(p, v, f);
    if (reason !== undefined) {
      if (paths.length === MAX_PATHS) return { paths, truncated: true };
      paths.push({ root: p.graph.nodeIds[globalOf(c, v)]!, rootReason: reason, hops: hopsOf(p, x) });
      if (f & F_ROOT) continue; // a root is restricted by itself: nothing above matters
    }
    if (x.depth >= MAX_DEPTH) continue;
    const depth = x.depth + 1;
    for (let k = res.edgeStart(v), end = res.edgeStart(v + 1); k < end; k++) {
      const h = c.e[k * E_STRIDE]!;
      const hi = c.e[k * E_STRIDE + 2]!;
      if (hi === 0) continue;
      const strength = (x.strength * hi) / FULL;
      if (!heap.admits(strength, depth, room)) {
        // it could never be popped; a full heap would still hold it (`seq` only orders those kept)
        if (!heap.dropped && tainted(p, h) && !onPath(x, h)) heap.dropped = true;
        continue;
      }
      if (!tainted(p, h) || onPath(x, h)) continue;
      heap.push({ node: h, parent: x, edge: k, strength, depth, seq: seq++ }, room);
    }
    for (let k = res.controlStart(v), end = res.controlStart(v + 1); k < end; k++) {
      const h = c.cHolder[k]!;
      if (!tainted(p, h) || onPath(x, h)) continue;
      if (heap.admits(x.strength, depth, room))
        heap.push({ node: h, parent: x, edge: ~k, strength: x.strength, depth, seq: seq++ }, room);
      else heap.dropped = true;
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

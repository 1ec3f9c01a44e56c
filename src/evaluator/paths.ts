// Witness paths (Step 7): the strongest chains from a subject up to the sources of its verdict --
// roots, parties of unknown origin, flagged subjects, restrictable remainders. Best-first over
// partial paths by the product of the hops' upper stakes; ties broken by length, then by the order
// holders are met (sorted by id). A deterministic, capped set: `truncated` says when capped.
import { F_INCONSISTENT, F_INVALID, F_REMAINDER, F_ROOT, F_UNKNOWN_UP, type Compiled } from './compile.ts';
import type { CompactGraph } from './graph.ts';
import type { PolicyContext } from './policy-context.ts';
import type { SolveState } from './solve.ts';
import { E_HI_OPEN, E_LO_OPEN, E_MASK, E_SHIFT, E_STRIDE } from './compile.ts';
import type { ShareView, WitnessHop, WitnessPath } from './types.ts';
import { SharedValues } from './shared-values.ts';
import { FULL } from './units.ts';

export const MAX_PATHS = 5;
const MAX_POPS = 32;
const MAX_DEPTH = 32;

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

/**
 * The search, reused from subject to subject (one per evaluation): partial paths live in typed
 * columns, numbered in the order met (that number breaks the last ties), so a search allocates
 * nothing but the paths it returns.
 */
export class PathSearch {
  // partial paths: the node reached, the partial it extends (-1: none), the edge from `node`
  // (holder) to the parent's node (subject) -- ownership edge, or ~control edge -- the product of
  // the hops' upper stakes, and the number of hops
  private node = new Int32Array(64);
  private parent = new Int32Array(64);
  private edge = new Int32Array(64);
  private strength = new Float64Array(64);
  private depth = new Int32Array(64);
  private count = 0;
  /**
   * The partials still to pop, best last. The search pops at most MAX_POPS times, so only the
   * best (MAX_POPS - pops so far) can ever be popped: worse ones are dropped on arrival (that it
   * dropped any is remembered, for `truncated`). Pops come in the order a full heap would give.
   */
  private readonly items = new Int32Array(MAX_POPS + 1);
  private size = 0;
  private dropped = false;
  /** the partial reaching each source found, and its reason (scratch: see `run`) */
  private readonly found = new Int32Array(MAX_PATHS);
  private readonly reasons: string[] = new Array<string>(MAX_PATHS).fill('');
  /** the relationships, statements and records of the hops of the paths found (scratch) */
  private rels = new Int32Array(64);
  private stmts = new Int32Array(64);
  private records = new Int32Array(64);
  /** the hops' relationship and statement ids, interleaved (scratch) */
  private readonly ids: string[] = [];
  /** whether the last `run` was capped */
  truncated = false;
  /** hop shares of whole percents, shared by the paths found */
  private readonly shared = new SharedValues();

  constructor(private readonly p: PathContext) {}

  private add(node: number, parent: number, edge: number, strength: number, depth: number): number {
    if (this.count === this.node.length) this.grow();
    const x = this.count++;
    this.node[x] = node;
    this.parent[x] = parent;
    this.edge[x] = edge;
    this.strength[x] = strength;
    this.depth[x] = depth;
    return x;
  }

  private grow(): void {
    const m = 2 * this.node.length;
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(m);
      b.set(a);
      return b;
    };
    this.node = i32(this.node);
    this.parent = i32(this.parent);
    this.edge = i32(this.edge);
    this.depth = i32(this.depth);
    const f = new Float64Array(m);
    f.set(this.strength);
    this.strength = f;
  }

  /** Partial a comes before partial b (stronger, then shorter, then met earlier). */
  private before(a: number, b: number): boolean {
    const sa = this.strength[a]!;
    const sb = this.strength[b]!;
    return (
      sa > sb ||
      (sa === sb && (this.depth[a]! < this.depth[b]! || (this.depth[a] === this.depth[b] && a < b)))
    );
  }

  /** Whether a partial of this strength and depth, met now, could still be popped. */
  private admits(strength: number, depth: number, room: number): boolean {
    if (this.size < room) return true;
    if (this.size === 0) return false;
    // a newcomer loses every tie on the order met
    const worst = this.items[0]!;
    const s = this.strength[worst]!;
    return strength > s || (strength === s && depth < this.depth[worst]!);
  }

  /** Adds partial x (admitted), dropping the worst when `room` is reached. */
  private push(x: number, room: number): void {
    const items = this.items;
    if (this.size >= room) {
      items.copyWithin(0, 1, this.size);
      this.size--;
      this.dropped = true;
    }
    let i = this.size++;
    while (i > 0 && this.before(items[i - 1]!, x)) {
      items[i] = items[i - 1]!;
      i--;
    }
    items[i] = x;
  }

  /**
   * Could this holder pass anything restricted on? (A root is too, but every solve puts its
   * roots in P, so its flags need not be read: what it passes on is all in one place.)
   */
  private tainted(h: number): boolean {
    const { res } = this.p;
    return res.inP(h) || res.hi(h) > 0;
  }

  private onPath(x: number, v: number): boolean {
    for (let y = x; y !== -1; y = this.parent[y]!) if (this.node[y] === v) return true;
    return false;
  }

  /**
   * The paths from `start` (an empty list when none: not to be written to); `truncated` then says
   * whether the search was capped. Allocates only the paths it returns.
   */
  run(start: number): WitnessPath[] {
    // node data from the solve's records (one cache line per node; see solve.ts)
    const { c, res } = this.p;
    const e = c.e;
    const { found, reasons } = this;
    let nFound = 0;
    this.count = 0;
    this.size = 0;
    this.dropped = false;
    this.push(this.add(start, -1, 0, 1, 0), MAX_POPS);
    let pops = 0;
    while (this.size > 0 || this.dropped) {
      if (pops++ >= MAX_POPS) return this.result(nFound, true);
      const x = this.items[--this.size]!;
      const room = MAX_POPS - pops;
      const v = this.node[x]!;
      const f = res.flags(v);
      const reason = sourceReason(this.p, v, f);
      if (reason !== undefined) {
        if (nFound === MAX_PATHS) return this.result(nFound, true);
        found[nFound] = x;
        reasons[nFound++] = reason;
        if (f & F_ROOT) continue; // a root is restricted by itself: nothing above matters
      }
      const xDepth = this.depth[x]!;
      if (xDepth >= MAX_DEPTH) continue;
      const depth = xDepth + 1;
      const xStrength = this.strength[x]!;
      for (let k = res.edgeStart(v), end = res.edgeStart(v + 1); k < end; k++) {
        const h = e[k * E_STRIDE]!;
        const hi = e[k * E_STRIDE + 2]! & E_MASK;
        if (hi === 0) continue;
        const strength = (xStrength * hi) / FULL;
        if (!this.admits(strength, depth, room)) {
          // it could never be popped; a full heap would still hold it (the order met only orders those kept)
          if (!this.dropped && this.tainted(h) && !this.onPath(x, h)) this.dropped = true;
          continue;
        }
        if (!this.tainted(h) || this.onPath(x, h)) continue;
        this.push(this.add(h, x, k, strength, depth), room);
      }
      for (let k = res.controlStart(v), end = res.controlStart(v + 1); k < end; k++) {
        const h = c.cHolder[k]!;
        if (!this.tainted(h) || this.onPath(x, h)) continue;
        if (this.admits(xStrength, depth, room)) this.push(this.add(h, x, ~k, xStrength, depth), room);
        else this.dropped = true;
      }
    }
    return this.result(nFound, false);
  }

  /** The paths to the first `count` sources found (their hops' ids read together: see hopIds). */
  private result(count: number, truncated: boolean): WitnessPath[] {
    this.truncated = truncated;
    if (count === 0) return NO_PATHS;
    const { graph: g, c } = this.p;
    const { found, reasons } = this;
    let hops = 0;
    for (let p = 0; p < count; p++) hops += this.depth[found[p]!]!;
    if (hops > this.rels.length) {
      this.rels = new Int32Array(2 * hops);
      this.stmts = new Int32Array(2 * hops);
      this.records = new Int32Array(2 * hops);
    }
    const rels = this.rels;
    let i = 0;
    for (let p = 0; p < count; p++)
      for (let x = found[p]!; this.parent[x]! !== -1; x = this.parent[x]!) {
        const edge = this.edge[x]!;
        rels[i++] = edge >= 0 ? c.eRel[edge]! : c.cRel[~edge]!;
      }
    const ids = this.hopIds(hops);
    const paths: WitnessPath[] = new Array<WitnessPath>(count);
    i = 0;
    for (let p = 0; p < count; p++) {
      const top = found[p]!;
      const list: WitnessHop[] = new Array<WitnessHop>(this.depth[top]!);
      let j = list.length;
      for (let x = top; this.parent[x]! !== -1; x = this.parent[x]!) {
        const holder = g.nodeIds[globalOf(c, this.node[x]!)]!;
        const subject = g.nodeIds[globalOf(c, this.node[this.parent[x]!]!)]!;
        let type: number;
        let share: ShareView;
        const edge = this.edge[x]!;
        if (edge >= 0) {
          const o = edge * E_STRIDE;
          type = c.eType[edge]!;
          const w = c.e[o + 1]!;
          const ef = w >>> E_SHIFT;
          share = this.shared.share(
            w & E_MASK,
            c.e[o + 2]! & E_MASK,
            (ef & E_LO_OPEN) !== 0,
            (ef & E_HI_OPEN) !== 0,
          );
        } else {
          type = c.cType[~edge]!;
          share = this.shared.share(0, FULL, false, false);
        }
        list[--j] = {
          holder,
          subject,
          interestType: type === 0 ? '(none)' : g.store.typeNames[type]!,
          share,
          source: ids[2 * i]!,
          statementId: ids[2 * i + 1]!,
        };
        i++;
      }
      paths[p] = { root: g.nodeIds[globalOf(c, this.node[top]!)]!, rootReason: reasons[p]!, hops: list };
    }
    return paths;
  }

  /**
   * The relationship and statement ids of rels[0 .. count), interleaved (in a scratch list). Each
   * is three reads apart, each read from a column in statement order: done a column at a time for
   * all of them, those reads are in flight together.
   */
  private hopIds(count: number): string[] {
    const g = this.p.graph;
    const s = g.store;
    const { rels, stmts, records, ids } = this;
    for (let i = 0; i < count; i++) stmts[i] = g.relStmt[rels[i]!]!;
    for (let i = 0; i < count; i++) records[i] = s.rsRecord.data[stmts[i]!]!;
    for (let i = 0; i < count; i++) {
      ids[2 * i] = s.relIds.keys[records[i]!]!;
      ids[2 * i + 1] = s.rsStmtId[stmts[i]!]!;
    }
    return ids;
  }
}

/** the paths of a search that found none (shared, frozen) */
const NO_PATHS = Object.freeze([]) as unknown as WitnessPath[];

export function witnessPaths(p: PathContext, start: number): { paths: WitnessPath[]; truncated: boolean } {
  const search = new PathSearch(p);
  const paths = search.run(start);
  return { paths, truncated: search.truncated };
}

// The solve over the whole graph in the order found at build (solve-order.ts): one pass, each node
// after its holders, reading memory the processor can fetch ahead (the next nodes are known), not
// a depth-first walk. Only the blocks (cycles of relationships) need this policy's components: a
// Tarjan inside each block. A component's least fixpoint does not depend on the order its nodes
// are met in (every step is monotone), so the result is the one `sweep` gives -- except where a
// cycle hits the work budget: there what is kept depends on the order, and the caller falls back.
import { E_STRIDE, type Compiled } from './compile.ts';
import { R_STRIDE, SolveState, Solver, WORK_BUDGET } from './solve.ts';
import type { SolveOrder } from './solve-order.ts';
import { sweep } from './sweep.ts';
import type { Threshold } from './units.ts';
import { FRESH, type Buffers } from './workspace.ts';

/** a node emitted in a block's component (compares above every Tarjan index) */
const DONE = 0x7fffffff;

export interface Counts {
  /** the number of components, and the size of the largest */
  count: number;
  largest: number;
}

/**
 * One solve (every root, sums over all holders) of every node of `c`: in `order` when given (`c`
 * must then be the whole graph), else -- or when a cycle hit the work budget, where the walk's
 * order decides what is kept -- fused with finding the components depth-first.
 */
export function solveWhole(
  c: Compiled,
  t: Threshold,
  order: SolveOrder | null,
  budget = WORK_BUDGET,
  buffers: Buffers = FRESH,
): Counts & { res: SolveState } {
  const spec = { rootMask: null, source: -1, single: false };
  if (order !== null) {
    const res = new SolveState(c.n, buffers);
    const counts = solveInOrder(c, res, new Solver(c, t, res, spec, budget), order);
    if (counts !== null) return { res, ...counts };
  }
  // (the same buffers again: the state above is dropped)
  const res = new SolveState(c.n, buffers);
  return { res, ...sweep(c, res, new Solver(c, t, res, spec, budget)) };
}

/**
 * Solves every node of `c` (the whole graph, compiled) with `solver`, which writes `s`. Returns
 * null when a cycle hit the work budget (`s` is then incomplete).
 */
export function solveInOrder(c: Compiled, s: SolveState, solver: Solver, o: SolveOrder): Counts | null {
  const { order, blocks } = o;
  const n = c.n;
  let count = 0;
  let largest = n > 0 ? 1 : 0;
  let comp = new Int32Array(16);
  let frames = new Int32Array(48);
  let stack = new Int32Array(16);
  let i = 0;
  let touched = 0;
  for (let bi = 0; bi <= blocks.length; bi += 2) {
    const a = bi < blocks.length ? blocks[bi]! : n;
    touched ^= solveRun(c, s, solver, order, i, a);
    i = a;
    if (a === n) break;
    const b = blocks[bi + 1]!;
    // the nodes of the block: index -1 (unvisited); others read 0 (outside) or DONE
    const st = s.rec;
    for (let j = a; j < b; j++) st[R_STRIDE * order[j]! + 3] = -1;
    if (comp.length < b - a) {
      comp = new Int32Array(b - a);
      frames = new Int32Array(3 * (b - a));
      stack = new Int32Array(b - a);
    }
    let counter = 1;
    let sp = 0;
    for (let j = a; j < b; j++) {
      const root = order[j]!;
      if (st[R_STRIDE * root + 3] !== -1) continue;
      let fp = 0;
      frames[0] = root;
      frames[1] = 0;
      frames[2] = st[R_STRIDE * root + 3] = counter++;
      stack[sp++] = root;
      while (fp >= 0) {
        const f = 3 * fp;
        const v = frames[f]!;
        const rv = R_STRIDE * v;
        let k = frames[f + 1]!;
        let low = frames[f + 2]!;
        const a0 = st[rv]!;
        const da = st[rv + R_STRIDE]! - a0;
        const b0 = st[rv + 1]!;
        const total = da + st[rv + R_STRIDE + 1]! - b0;
        let next = -1;
        while (k < total) {
          const w = k < da ? c.e[(a0 + k) * E_STRIDE]! : c.cHolder[b0 + k - da]!;
          k++;
          const iw = st[R_STRIDE * w + 3]!;
          if (iw === -1) {
            next = w;
            break;
          }
          if (iw > 0 && iw < low) low = iw;
        }
        frames[f + 2] = low;
        if (next >= 0) {
          frames[f + 1] = k;
          st[R_STRIDE * next + 3] = counter;
          stack[sp++] = next;
          fp++;
          frames[f + 3] = next;
          frames[f + 4] = 0;
          frames[f + 5] = counter++;
          continue;
        }
        fp--;
        if (fp >= 0 && low < frames[f - 1]!) frames[f - 1] = low;
        if (low !== st[rv + 3]) continue;
        count++;
        let size = 0;
        let w: number;
        do {
          w = stack[--sp]!;
          st[R_STRIDE * w + 3] = DONE;
          comp[size++] = w;
        } while (w !== v);
        if (size === 1) solver.evalNode(v);
        else {
          if (size > largest) largest = size;
          solver.cycle(comp, 0, size);
          if (s.capped(v)) return null;
        }
      }
    }
    i = b;
  }
  s.scratch = touched;
  return { count: count + n - countBlockNodes(blocks), largest };
}

/** nodes whose memory is fetched together before they are solved */
const BATCH = 16;

/**
 * Solves order[from .. to) (no cycles among them) a batch at a time: first reads what each node
 * of the batch will need -- its record, its edges, its holders' records -- in loops that do
 * nothing else, so that the processor has those reads in flight together (each would otherwise
 * wait for the one before: a node's edges for its record, its holders for its edges). Returns
 * what it read, for the caller to keep (reads whose value is never used could be dropped).
 */
function solveRun(
  c: Compiled,
  s: SolveState,
  solver: Solver,
  order: Int32Array,
  from: number,
  to: number,
): number {
  const { e, cHolder } = c;
  const { rec, ab, cas } = s;
  let sink = 0;
  for (let b = from; b < to; b += BATCH) {
    const end = b + BATCH < to ? b + BATCH : to;
    // the node's record and the next one (where its edges end), and its own state, which
    // evalNode reads before writing it
    for (let j = b; j < end; j++) {
      const v = order[j]!;
      sink ^= rec[R_STRIDE * v]! ^ rec[R_STRIDE * v + R_STRIDE]! ^ ab[2 * v + 1]! ^ cas[2 * v]!;
    }
    for (let j = b; j < end; j++) {
      const r = R_STRIDE * order[j]!;
      const k0 = rec[r]!;
      const k1 = rec[r + R_STRIDE]!;
      if (k0 < k1) sink ^= e[k0 * E_STRIDE]! ^ e[(k1 - 1) * E_STRIDE]!;
      const c0 = rec[r + 1]!;
      const c1 = rec[r + R_STRIDE + 1]!;
      if (c0 < c1) sink ^= cHolder[c0]! ^ cHolder[c1 - 1]!;
    }
    for (let j = b; j < end; j++) {
      const r = R_STRIDE * order[j]!;
      for (let k = rec[r]!, k1 = rec[r + R_STRIDE]!; k < k1; k++) sink ^= ab[2 * e[k * E_STRIDE]!]!;
      for (let k = rec[r + 1]!, c1 = rec[r + R_STRIDE + 1]!; k < c1; k++) sink ^= ab[2 * cHolder[k]!]!;
    }
    for (let j = b; j < end; j++) solver.evalNode(order[j]!);
  }
  return sink;
}

function countBlockNodes(blocks: Int32Array): number {
  let total = 0;
  for (let i = 0; i < blocks.length; i += 2) total += blocks[i + 1]! - blocks[i]!;
  return total;
}

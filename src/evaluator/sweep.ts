// Components and the solve in one depth-first pass (one solve over every node: aggregation `all`).
// The same iterative Tarjan as scc.ts, but a component is solved the moment it is emitted: its
// holders are settled by then (emitted earlier), and its edges were just read, so they are still in
// cache. Emission order and each component's node order are those of `components`, so the result
// is the one `Solver.run` gives over `components`.
import { E_STRIDE, type Compiled } from './compile.ts';
import { R_STRIDE, type SolveState, type Solver } from './solve.ts';

/** a node emitted in a component (compares above every Tarjan index: never lowers a low-link) */
const DONE = 0x7fffffff;

/**
 * Solves every node with `solver` (which writes `s`); returns the number of components and the
 * size of the largest. A node's Tarjan index lives in its record of `s`: reading a holder's index
 * brings its state into cache for the solve.
 */
export function sweep(c: Compiled, s: SolveState, solver: Solver): { count: number; largest: number } {
  const n = c.n;
  const { e, cHolder } = c;
  s.attach(c);
  const st = s.rec;
  for (let r = 3; r < R_STRIDE * n; r += R_STRIDE) st[r] = -1;
  const stack = new Int32Array(n);
  // the DFS path: node, next edge, low-link (a low-link matters only while its node is on the path)
  const frameNode = new Int32Array(n);
  const frameEdge = new Int32Array(n);
  const frameLow = new Int32Array(n);
  let comp = new Int32Array(16);
  let sp = 0;
  let counter = 0;
  let count = 0;
  let largest = 0;
  for (let root = 0; root < n; root++) {
    if (st[R_STRIDE * root + 3] !== -1) continue;
    let fp = 0;
    frameNode[0] = root;
    frameEdge[0] = 0;
    frameLow[0] = st[R_STRIDE * root + 3] = counter++;
    stack[sp++] = root;
    while (fp >= 0) {
      const v = frameNode[fp]!;
      const rv = R_STRIDE * v;
      let k = frameEdge[fp]!;
      let low = frameLow[fp]!;
      const a0 = st[rv]!;
      const da = st[rv + R_STRIDE]! - a0;
      const b0 = st[rv + 1]!;
      const total = da + st[rv + R_STRIDE + 1]! - b0;
      let next = -1;
      while (k < total) {
        const w = k < da ? e[(a0 + k) * E_STRIDE]! : cHolder[b0 + k - da]!;
        k++;
        const iw = st[R_STRIDE * w + 3]!;
        if (iw === -1) {
          next = w;
          break;
        }
        if (iw < low) low = iw;
      }
      frameLow[fp] = low;
      if (next >= 0) {
        frameEdge[fp] = k;
        st[R_STRIDE * next + 3] = counter;
        stack[sp++] = next;
        fp++;
        frameNode[fp] = next;
        frameEdge[fp] = 0;
        frameLow[fp] = counter++;
        continue;
      }
      if (low === st[rv + 3]) {
        count++;
        if (stack[sp - 1] === v) {
          sp--;
          st[rv + 3] = DONE;
          solver.evalNode(v);
          if (largest < 1) largest = 1;
        } else {
          // popped in emission order, as `components` lists them
          let size = 0;
          let w: number;
          do {
            w = stack[--sp]!;
            st[R_STRIDE * w + 3] = DONE;
            if (size === comp.length) {
              const grown = new Int32Array(2 * size);
              grown.set(comp);
              comp = grown;
            }
            comp[size++] = w;
          } while (w !== v);
          if (size > largest) largest = size;
          solver.cycle(comp, 0, size);
        }
      }
      fp--;
      if (fp >= 0 && low < frameLow[fp]!) frameLow[fp] = low;
    }
  }
  return { count, largest };
}

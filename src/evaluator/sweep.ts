// Components and the solve in one depth-first pass (one solve over every node: aggregation `all`).
// The same iterative Tarjan as scc.ts, but a component is solved the moment it is emitted: its
// holders are settled by then (emitted earlier), and its edges were just read, so they are still in
// cache. Emission order and each component's node order are those of `components`, so the result
// is the one `Solver.run` gives over `components`.
import { E_STRIDE, type Compiled } from './compile.ts';
import type { Solver } from './solve.ts';

/** a node emitted in a component (compares above every Tarjan index: never lowers a low-link) */
const DONE = 0x7fffffff;

/** Solves every node; returns the number of components and the size of the largest. */
export function sweep(c: Compiled, solver: Solver): { count: number; largest: number } {
  const n = c.n;
  const { inStart, e, cStart, cHolder } = c;
  const index = new Int32Array(n).fill(-1);
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
    if (index[root] !== -1) continue;
    let fp = 0;
    frameNode[0] = root;
    frameEdge[0] = 0;
    frameLow[0] = index[root] = counter++;
    stack[sp++] = root;
    while (fp >= 0) {
      const v = frameNode[fp]!;
      let k = frameEdge[fp]!;
      let low = frameLow[fp]!;
      const a0 = inStart[v]!;
      const da = inStart[v + 1]! - a0;
      const b0 = cStart[v]!;
      const total = da + cStart[v + 1]! - b0;
      let next = -1;
      while (k < total) {
        const w = k < da ? e[(a0 + k) * E_STRIDE]! : cHolder[b0 + k - da]!;
        k++;
        const iw = index[w]!;
        if (iw === -1) {
          next = w;
          break;
        }
        if (iw < low) low = iw;
      }
      frameLow[fp] = low;
      if (next >= 0) {
        frameEdge[fp] = k;
        index[next] = counter;
        stack[sp++] = next;
        fp++;
        frameNode[fp] = next;
        frameEdge[fp] = 0;
        frameLow[fp] = counter++;
        continue;
      }
      if (low === index[v]) {
        count++;
        if (stack[sp - 1] === v) {
          sp--;
          index[v] = DONE;
          solver.evalNode(v);
          if (largest < 1) largest = 1;
        } else {
          // popped in emission order, as `components` lists them
          let size = 0;
          let w: number;
          do {
            w = stack[--sp]!;
            index[w] = DONE;
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

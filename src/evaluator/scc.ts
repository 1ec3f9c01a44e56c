// Strongly connected components of the "holder of" graph (iterative Tarjan: no recursion, graphs
// have millions of nodes). Components come out holders first: a component is emitted after every
// component holding into it, so one sweep in emission order sees every holder settled.

export interface Components {
  /** nodes, component by component, in emission order */
  order: Int32Array;
  /** component c is order[start[c] .. start[c + 1]) */
  start: Int32Array;
  /** component of each node */
  comp: Int32Array;
  count: number;
}

/**
 * Tarjan over edges subject -> holder given as two CSR lists (ownership and control edges); the
 * holders of the first list are every `aStride`-th entry of `aHolder`.
 */
export function components(
  n: number,
  aStart: Int32Array,
  aHolder: Int32Array,
  bStart: Int32Array,
  bHolder: Int32Array,
  aStride = 1,
): Components {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n);
  const stack = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const frameNode = new Int32Array(n);
  const frameEdge = new Int32Array(n);
  const order = new Int32Array(n);
  const starts: number[] = [0];
  let sp = 0;
  let counter = 0;
  let out = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let fp = 0;
    frameNode[0] = root;
    frameEdge[0] = 0;
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (fp >= 0) {
      const v = frameNode[fp]!;
      const k = frameEdge[fp]!;
      const a0 = aStart[v]!;
      const da = aStart[v + 1]! - a0;
      const db = bStart[v + 1]! - bStart[v]!;
      if (k < da + db) {
        frameEdge[fp] = k + 1;
        const w = k < da ? aHolder[(a0 + k) * aStride]! : bHolder[bStart[v]! + k - da]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          fp++;
          frameNode[fp] = w;
          frameEdge[fp] = 0;
        } else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      if (low[v] === index[v]) {
        const c = starts.length - 1;
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          comp[w] = c;
          order[out++] = w;
        } while (w !== v);
        starts.push(out);
      }
      fp--;
      if (fp >= 0) {
        const parent = frameNode[fp]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  return { order, start: Int32Array.from(starts), comp, count: starts.length - 1 };
}

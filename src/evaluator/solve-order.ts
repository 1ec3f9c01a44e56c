// An order to solve the graph in, holders first, found once per graph at build (it depends on the
// relationships in force, not on the policy). Every policy's compiled edges are a subset of the
// in-force relationships, so an order that puts each node after its holders here does so for any
// policy; only inside a cycle of relationships must a solve still find the policy's components.
//
// Three passes, each reading memory in an order it can run ahead on (no depth-first walk over the
// whole graph, whose every step waits on the read before it):
//  1. peel from the top: a node whose holders are all placed is placed (Kahn; last placed first, so
//     a subject tends to follow its last holder while that holder is still in cache);
//  2. peel from the bottom what is left: a node none of whose remaining subjects is unplaced holds
//     into no cycle, so it can go after every cycle (in reverse peel order, holders first);
//  3. Tarjan over the few nodes left (those on a path from a cycle to a cycle): the cycles, in an
//     order holders first.

import { Workspace } from './workspace.ts';

export interface SolveOrder {
  /** every node once, each after its holders except within a block */
  order: Int32Array;
  /** [start, end) positions in `order` of the strongly connected blocks (more than one node) */
  blocks: Int32Array;
  /** buffers a whole-graph evaluation fills, kept for the next one */
  workspace: Workspace;
}

/**
 * The order for a graph of `n` nodes whose relationships are grouped by subject (`subjStart`,
 * `relHolder`); a relationship with any of `skip` in its `relFlags` compiles into no edge, and
 * neither does one with no holder node or held by its own subject.
 */
export function solveOrder(
  n: number,
  subjStart: Int32Array,
  relHolder: Int32Array,
  relFlags: Uint8Array,
  skip: number,
): SolveOrder {
  const live = (r: number) => (relFlags[r]! & skip) === 0;
  const counts = new Int32Array(n + 1); // holders per node, then out-list starts by holder
  const remaining = new Int32Array(n);
  let links = 0;
  for (let v = 0; v < n; v++) {
    for (let r = subjStart[v]!; r < subjStart[v + 1]!; r++) {
      const h = relHolder[r]!;
      if (h < 0 || h === v || !live(r)) continue;
      remaining[v]!++;
      counts[h + 1]!++;
      links++;
    }
  }
  for (let v = 0; v < n; v++) counts[v + 1]! += counts[v]!;
  const outStart = counts;
  const out = new Int32Array(links);
  const fill = outStart.slice(0, n);
  for (let v = 0; v < n; v++) {
    for (let r = subjStart[v]!; r < subjStart[v + 1]!; r++) {
      const h = relHolder[r]!;
      if (h < 0 || h === v || !live(r)) continue;
      out[fill[h]!++] = v;
    }
  }

  // 1. from the top
  const order = new Int32Array(n);
  let placed = 0;
  const stack = fill; // reused: no longer needed
  let sp = 0;
  for (let v = n - 1; v >= 0; v--) if (remaining[v] === 0) stack[sp++] = v;
  while (sp > 0) {
    const v = stack[--sp]!;
    order[placed++] = v;
    for (let k = outStart[v]!; k < outStart[v + 1]!; k++) {
      const w = out[k]!;
      if (--remaining[w]! === 0) stack[sp++] = w;
    }
  }
  const blocks: number[] = [];
  if (placed === n) return { order, blocks: new Int32Array(0), workspace: new Workspace() };

  // 2. from the bottom, among the nodes left (remaining > 0): count each one's unplaced subjects
  const subjectsLeft = remaining; // reused: > 0 marks a node left by pass 1
  const left = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (remaining[v]! > 0) left[v] = 1;
  for (let v = 0; v < n; v++) {
    if (!left[v]) continue;
    let c = 0;
    for (let k = outStart[v]!; k < outStart[v + 1]!; k++) if (left[out[k]!]) c++;
    subjectsLeft[v] = c;
  }
  const bottom: number[] = [];
  sp = 0;
  for (let v = 0; v < n; v++) if (left[v] && subjectsLeft[v] === 0) stack[sp++] = v;
  while (sp > 0) {
    const v = stack[--sp]!;
    bottom.push(v);
    left[v] = 0;
    for (let r = subjStart[v]!; r < subjStart[v + 1]!; r++) {
      const h = relHolder[r]!;
      if (h < 0 || h === v || !live(r) || !left[h]) continue;
      if (--subjectsLeft[h]! === 0) stack[sp++] = h;
    }
  }

  // 3. Tarjan over the nodes still left; `left` becomes 0 once a node is emitted
  const index = remaining; // reused: only nodes still left are read
  for (let v = 0; v < n; v++) if (left[v]) index[v] = -1;
  const low: number[] = [];
  const frameNode: number[] = [];
  const frameRel: number[] = [];
  const tstack: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (!left[root] || index[root] !== -1) continue;
    frameNode.push(root);
    frameRel.push(subjStart[root]!);
    low.push((index[root] = counter++));
    tstack.push(root);
    while (frameNode.length > 0) {
      const f = frameNode.length - 1;
      const v = frameNode[f]!;
      let r = frameRel[f]!;
      let next = -1;
      for (; r < subjStart[v + 1]!; r++) {
        const h = relHolder[r]!;
        if (h < 0 || h === v || !left[h] || !live(r)) continue;
        if (index[h] === -1) {
          next = h;
          r++;
          break;
        }
        if (index[h]! < low[f]!) low[f] = index[h]!;
      }
      frameRel[f] = r;
      if (next >= 0) {
        frameNode.push(next);
        frameRel.push(subjStart[next]!);
        low.push((index[next] = counter++));
        tstack.push(next);
        continue;
      }
      const l = low[f]!;
      frameNode.pop();
      frameRel.pop();
      low.pop();
      if (f > 0 && l < low[f - 1]!) low[f - 1] = l;
      if (l !== index[v]) continue;
      const a = placed;
      let w: number;
      do {
        w = tstack.pop()!;
        left[w] = 0; // emitted: no longer read as on the stack
        order[placed++] = w;
      } while (w !== v);
      if (placed - a > 1) blocks.push(a, placed);
    }
  }
  for (let i = bottom.length - 1; i >= 0; i--) order[placed++] = bottom[i]!;
  return { order, blocks: Int32Array.from(blocks), workspace: new Workspace() };
}

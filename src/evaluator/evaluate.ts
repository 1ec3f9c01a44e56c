// evaluate / evaluateEach: compile the policy over the graph (or over the holders, transitively,
// of the requested ids), order the components, solve per aggregation, decide. Pure: no I/O, no
// clock -- the as-of date is the graph's.
import type { LoadedPolicy } from '../policy/schema.ts';
import {
  compile,
  compileBytes,
  controlStart,
  edgeStart,
  edgeStarts,
  nodeFlags,
  type Compiled,
  E_STRIDE,
  F_INCONSISTENT,
  F_INVALID,
  F_REMAINDER,
  F_ROOT,
  F_UNKNOWN_UP,
} from './compile.ts';
import { decide } from './decide.ts';
import { CompactGraph } from './graph.ts';
import { PathSearch } from './paths.ts';
import { PolicyContext } from './policy-context.ts';
import { components, type Components } from './scc.ts';
import { SolveState, Solver, WORK_BUDGET, solveBytes } from './solve.ts';
import { solveWhole } from './solve-in-order.ts';
import type { SolveOrder } from './solve-order.ts';
import type { Decision, EvaluateOptions, OwnershipGraph } from './types.ts';
import { notInGraphDecision } from './absent.ts';
import { FRESH, type Buffers } from './workspace.ts';

function compact(graph: OwnershipGraph): CompactGraph {
  if (!(graph instanceof CompactGraph))
    throw new TypeError('evaluate needs a graph built by createGraphBuilder().build(asOf)');
  return graph;
}

/** Graph nodes holding into `targets`, transitively (and the targets), sorted. */
function holderClosure(g: CompactGraph, targets: number[]): Int32Array {
  const seen = new Set<number>(targets);
  const stack = [...targets];
  while (stack.length > 0) {
    const x = stack.pop()!;
    for (let r = g.subjStart[x]!; r < g.subjStart[x + 1]!; r++) {
      const h = g.relHolder[r]!;
      if (h >= 0 && !seen.has(h)) {
        seen.add(h);
        stack.push(h);
      }
    }
  }
  return Int32Array.from(seen).sort();
}

interface Solved {
  res: SolveState;
  /** the number of components, and the size of the largest */
  count: number;
  largest: number;
}

/** One solve over every node (see solveWhole). */
function solveOnce(c: Compiled, ctx: PolicyContext, order: SolveOrder | null, buffers: Buffers): Solved {
  return solveWhole(c, ctx.threshold, order, WORK_BUDGET, buffers);
}

function solveAll(c: Compiled, ctx: PolicyContext, order: SolveOrder | null, buffers: Buffers): Solved {
  if (ctx.policy.aggregation === 'all') return solveOnce(c, ctx, order, buffers);
  const { inStart, cStart } = edgeStarts(c);
  const cs = components(c.n, inStart, c.e, cStart, c.cHolder, E_STRIDE);
  let largest = 0;
  for (let i = 0; i < cs.count; i++) largest = Math.max(largest, cs.start[i + 1]! - cs.start[i]!);
  const res = solveEach(c, cs, ctx);
  return res === null ? solveOnce(c, ctx, order, buffers) : { res, count: cs.count, largest };
}

/** Aggregation per-region or none: several solves over `cs`, merged (null: one solve will do). */
function solveEach(c: Compiled, cs: Components, ctx: PolicyContext): SolveState | null {
  const t = ctx.threshold;
  const n = c.n;
  const aggregation = ctx.policy.aggregation;
  if (aggregation === 'per-region') {
    const byRegion = new Map<string, number[]>();
    for (let v = 0; v < n; v++) {
      if (!(nodeFlags(c, v) & F_ROOT)) continue;
      for (const r of ctx.origin(c.glob === null ? v : c.glob[v]!).regions) {
        let list = byRegion.get(r);
        if (list === undefined) byRegion.set(r, (list = []));
        list.push(v);
      }
    }
    if (byRegion.size === 0) return null;
    const result = new SolveState(n);
    for (const region of [...byRegion.keys()].sort()) {
      const mask = new Uint8Array(n);
      for (const v of byRegion.get(region)!) mask[v] = 1;
      const s = new SolveState(n);
      new Solver(c, t, s, { rootMask: mask, source: -1, single: false }).run(cs, null);
      for (let v = 0; v < n; v++) result.merge(s, v, true, true);
    }
    return result;
  }
  // none: the cascade in one solve where single holders must cross; look-through once per source
  const result = new SolveState(n);
  const cascade = new SolveState(n);
  new Solver(c, t, cascade, { rootMask: null, source: -1, single: true }).run(cs, null);
  for (let v = 0; v < n; v++) result.merge(cascade, v, true, false);
  const { inStart, cStart } = edgeStarts(c);
  const outStart = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) {
    for (let k = inStart[v]!; k < inStart[v + 1]!; k++) outStart[c.e[k * E_STRIDE]! + 1]!++;
    for (let k = cStart[v]!; k < cStart[v + 1]!; k++) outStart[c.cHolder[k]! + 1]!++;
  }
  for (let v = 0; v < n; v++) outStart[v + 1]! += outStart[v]!;
  const fill = outStart.slice(0, n);
  const out = new Int32Array(outStart[n]!);
  for (let v = 0; v < n; v++) {
    for (let k = inStart[v]!; k < inStart[v + 1]!; k++) out[fill[c.e[k * E_STRIDE]!]!++] = v;
    for (let k = cStart[v]!; k < cStart[v + 1]!; k++) out[fill[c.cHolder[k]!]!++] = v;
  }
  const sourceFlags = F_ROOT | F_UNKNOWN_UP | F_INVALID | F_INCONSISTENT | F_REMAINDER;
  const work = new SolveState(n);
  const mark = new Int32Array(n).fill(-1);
  for (let src = 0; src < n; src++) {
    if (!(nodeFlags(c, src) & sourceFlags)) continue;
    const reached = [src];
    mark[src] = src;
    for (let i = 0; i < reached.length; i++) {
      const x = reached[i]!;
      for (let k = outStart[x]!; k < outStart[x + 1]!; k++) {
        const y = out[k]!;
        if (mark[y] !== src) {
          mark[y] = src;
          reached.push(y);
        }
      }
    }
    const comps = Int32Array.from(new Set(reached.map((x) => cs.comp[x]!))).sort();
    new Solver(c, t, work, { rootMask: null, source: src, single: false }).run(cs, comps);
    for (const x of reached) {
      result.merge(work, x, false, true);
      work.reset(x);
    }
  }
  return result;
}

function solve(g: CompactGraph, ctx: PolicyContext, nodes: Int32Array | null, buffers: Buffers) {
  if (nodes === null) buffers.reserve([...compileBytes(g), ...solveBytes(g.nodeCount)]);
  const c = compile(g, ctx, nodes, buffers);
  return { c, ...solveAll(c, ctx, nodes === null ? g.solveOrder : null, buffers) };
}

/**
 * Runs `fn` with the graph's workspace when evaluating the whole graph (and nobody else holds
 * it), else with fresh buffers.
 */
function withBuffers<T>(g: CompactGraph, whole: boolean, fn: (buffers: Buffers) => T): T {
  const workspace = g.solveOrder.workspace;
  const buffers = whole ? workspace.take() : FRESH;
  try {
    return fn(buffers);
  } finally {
    workspace.release(buffers);
  }
}

/** Steps 2-6 over the whole graph without building decisions (the benchmark's core timing). */
export function analyse(
  graph: OwnershipGraph,
  policy: LoadedPolicy,
): { nodes: number; edges: number; components: number; largestComponent: number } {
  const g = compact(graph);
  const { c, count, largest } = withBuffers(g, true, (b) =>
    solve(g, new PolicyContext(policy.policy, g), null, b),
  );
  return {
    nodes: c.n,
    edges: edgeStart(c, c.n) + controlStart(c, c.n),
    components: count,
    largestComponent: largest,
  };
}

/** Streams the decisions, sorted by id, to `onDecision` (for graphs too big to hold them all). */
export function evaluateEach(
  graph: OwnershipGraph,
  policy: LoadedPolicy,
  onDecision: (decision: Decision) => void,
  options: EvaluateOptions = {},
): void {
  const g = compact(graph);
  const ctx = new PolicyContext(policy.policy, g);
  let nodes: Int32Array | null = null;
  let targets: Array<{ id: string; node: number }> | null = null;
  if (options.ids !== undefined) {
    targets = [...new Set(options.ids)].sort().map((id) => ({ id, node: g.nodeOf(id) }));
    nodes = holderClosure(
      g,
      targets.filter((x) => x.node >= 0).map((x) => x.node),
    );
  }
  withBuffers(g, nodes === null, (buffers) => {
    const { c, res } = solve(g, ctx, nodes, buffers);
    res.attach(c); // witness paths read node data from the records
    const search = new PathSearch({ graph: g, ctx, c, res });
    const d = { graph: g, ctx, c, res, loaded: policy, search, policyRef: Object.freeze({ ...policy.ref }) };
    if (targets === null) {
      for (let v = 0; v < c.n; v++) if (g.isDecisionNode(v)) onDecision(decide(d, v));
      return;
    }
    const local = new Map<number, number>();
    for (let i = 0; i < nodes!.length; i++) local.set(nodes![i]!, i);
    for (const { id, node } of targets) {
      if (node < 0) onDecision(notInGraphDecision(id, g, ctx, policy));
      else onDecision(decide(d, local.get(node)!));
    }
  });
}

/** Pure: no I/O, no clock. Returns decisions sorted by id. */
export function evaluate(graph: OwnershipGraph, policy: LoadedPolicy, options?: EvaluateOptions): Decision[] {
  const out: Decision[] = [];
  evaluateEach(graph, policy, (d) => out.push(d), options);
  return out;
}

/** A whole-graph evaluation kept for many `decide` calls (see prepareEvaluation). */
export interface PreparedEvaluation {
  /** Decisions for `ids`, sorted by id: the same as `evaluate(graph, policy, { ids })`. */
  decide(ids: readonly string[]): Decision[];
  /** Gives the graph's workspace back; `decide` refuses after it. */
  close(): void;
}

/**
 * Solves the whole graph once and keeps the solve, so that many small requests (an audit's batches
 * of tenants) read their decisions from it instead of each re-solving the ancestry of its ids.
 * Holds the graph's workspace until `close` (evaluations meanwhile take fresh buffers).
 */
export function prepareEvaluation(graph: OwnershipGraph, policy: LoadedPolicy): PreparedEvaluation {
  const g = compact(graph);
  const ctx = new PolicyContext(policy.policy, g);
  const workspace = g.solveOrder.workspace;
  const buffers = workspace.take();
  let open = true;
  try {
    const { c, res } = solve(g, ctx, null, buffers);
    res.attach(c);
    const search = new PathSearch({ graph: g, ctx, c, res });
    const d = { graph: g, ctx, c, res, loaded: policy, search, policyRef: Object.freeze({ ...policy.ref }) };
    return {
      decide(ids) {
        if (!open) throw new Error('this prepared evaluation is closed');
        return [...new Set(ids)].sort().map((id) => {
          const v = g.nodeOf(id);
          return v < 0 ? notInGraphDecision(id, g, ctx, policy) : decide(d, v);
        });
      },
      close() {
        if (open) workspace.release(buffers);
        open = false;
      },
    };
  } catch (err) {
    workspace.release(buffers);
    throw err;
  }
}

// npm run bench [-- --scale 0.1] [-- --graph groups] [-- --runs 3]: builds synthetic ownership
// graphs straight into the graph builder and times load, build, one plain pass over the edge
// arrays, the evaluation of every entity (core solve, then full decisions with paths),
// single-entity evaluation with paths, and peak memory. Figures go in the README.
//
// The plain pass is the best of three rounds over buffers it has already touched; each evaluation
// is timed the same way (best of --runs) and its first run is shown apart: the first run also pays
// for the workspace's first touch (a page fault every 4 KB, slow on some virtual machines).
import { createGraphBuilder, evaluate, evaluateEach } from '../../src/evaluator/index.ts';
import { analyse } from '../../src/evaluator/evaluate.ts';
import { CompactGraph } from '../../src/evaluator/graph.ts';
import { loadPolicy } from '../../src/policy/load.ts';
import { groupsLike, gleifLike, vitaliLike, type Generated, type Sink } from './graph-gen.ts';

const AS_OF = '2025-10-01';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const scale = Number(arg('scale') ?? '1');
const only = arg('graph');
const runs = Number(arg('runs') ?? '3');
if (!(scale > 0)) throw new Error('--scale must be a positive number');
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number, at least 1');

const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
const peak = () => process.resourceUsage().maxRSS * 1024;
/** a time: seconds past one, else milliseconds (three significant digits below ten) */
const s = (ms: number) =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toPrecision(3)} ms`;

function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const v = fn();
  return [v, performance.now() - t];
}

/** The first run of `fn` (its value and time), then the best time of `runs` more. */
function firstAndBest<T>(fn: () => T): { value: T; first: number; best: number } {
  const [value, first] = timed(fn);
  let best = Infinity;
  for (let i = 0; i < runs; i++) best = Math.min(best, timed(fn)[1]);
  return { value, first, best };
}

/** One plain pass over the edge arrays: each subject sums a value of each of its holders. */
function plainPass(g: CompactGraph): number {
  const n = g.nodeCount;
  const val = new Float64Array(n).fill(0.5);
  const out = new Float64Array(n);
  const best = [Infinity];
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    for (let v = 0; v < n; v++) {
      let acc = 0;
      for (let r = g.subjStart[v]!; r < g.subjStart[v + 1]!; r++) acc += val[g.relHolder[r]! & 0x7fffffff]!;
      out[v] = acc;
    }
    best.push(performance.now() - t);
  }
  return Math.min(...best);
}

const policy = loadPolicy();
const generators: Array<[string, (sink: Sink, scale: number) => Generated]> = [
  ['gleif', gleifLike],
  ['vitali', vitaliLike],
  ['groups', groupsLike],
];
console.log(
  `channelguard evaluator bench: scale ${scale}, as of ${AS_OF}, policy ${policy.ref.id} ${policy.ref.version}, node ${process.version}`,
);
for (const [key, gen] of generators) {
  if (only !== undefined && only !== key) continue;
  const builder = createGraphBuilder();
  const [info, tLoad] = timed(() => gen((st) => builder.add(st), scale));
  const [graph, tBuild] = timed(() => builder.build(AS_OF));
  if (!(graph instanceof CompactGraph)) throw new Error('unexpected graph type');
  const tPass = plainPass(graph);
  const core = firstAndBest(() => analyse(graph, policy));
  const full = firstAndBest(() => {
    const counts = { restricted: 0, review: 0, allowed: 0 };
    let paths = 0;
    evaluateEach(graph, policy, (d) => {
      counts[d.decision]++;
      paths += d.paths.length;
    });
    return { counts, paths };
  });
  const { counts, paths } = full.value;
  const singles: number[] = [];
  for (const id of info.sampleIds) singles.push(timed(() => evaluate(graph, policy, { ids: [id] }))[1]);
  singles.sort((a, b) => a - b);
  const mem = process.memoryUsage();
  console.log(
    `\n${info.name}: ${info.parties.toLocaleString('en')} parties, ${info.relationships.toLocaleString('en')} relationship statements`,
  );
  console.log(
    `  graph in force: ${graph.partyCount.toLocaleString('en')} nodes, ${graph.relationshipCount.toLocaleString('en')} relationships; ${core.value.edges.toLocaleString('en')} compiled edges, ${core.value.components.toLocaleString('en')} components, largest ${core.value.largestComponent.toLocaleString('en')}`,
  );
  console.log(`  load (generate + add):     ${s(tLoad)}`);
  console.log(`  build (as-of, sort, CSR):  ${s(tBuild)}`);
  console.log(`  plain pass over edges:     ${s(tPass)}`);
  const ratio = (ms: number) => `${(ms / tPass).toFixed(1)} x plain pass`;
  const both = (t: { first: number; best: number }) =>
    `${s(t.best)}  = ${ratio(t.best)}  (best of ${runs}; first run ${s(t.first)} = ${ratio(t.first)})`;
  console.log(`  evaluate, core (steps 2-6): ${both(core)}`);
  console.log(`  evaluate, every decision:  ${both(full)}`);
  console.log(
    `    ${counts.restricted} restricted, ${counts.review} review, ${counts.allowed} allowed; ${paths} witness paths`,
  );
  console.log(
    `  one entity with paths:     median ${s(singles[singles.length >> 1]!)}, max ${s(singles[singles.length - 1]!)} (${singles.length} ids)`,
  );
  console.log(`  memory: rss ${mb(mem.rss)}, heap ${mb(mem.heapUsed)}, peak rss so far ${mb(peak())}`);
}

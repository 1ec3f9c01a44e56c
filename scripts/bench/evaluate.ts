// npm run bench [-- --scale 0.1] [-- --graph groups]: builds synthetic ownership graphs straight
// into the graph builder and times load, build, one plain pass over the edge arrays, the
// evaluation of every entity (core solve, then full decisions with paths), single-entity
// evaluation with paths, and peak memory. Figures go in the README.
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
if (!(scale > 0)) throw new Error('--scale must be a positive number');

const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
const peak = () => process.resourceUsage().maxRSS * 1024;
const s = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const v = fn();
  return [v, performance.now() - t];
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
  const [core, tCore] = timed(() => analyse(graph, policy));
  const counts = { restricted: 0, review: 0, allowed: 0 };
  let paths = 0;
  const [, tFull] = timed(() =>
    evaluateEach(graph, policy, (d) => {
      counts[d.decision]++;
      paths += d.paths.length;
    }),
  );
  const singles: number[] = [];
  for (const id of info.sampleIds) singles.push(timed(() => evaluate(graph, policy, { ids: [id] }))[1]);
  singles.sort((a, b) => a - b);
  const mem = process.memoryUsage();
  console.log(
    `\n${info.name}: ${info.parties.toLocaleString('en')} parties, ${info.relationships.toLocaleString('en')} relationship statements`,
  );
  console.log(
    `  graph in force: ${graph.partyCount.toLocaleString('en')} nodes, ${graph.relationshipCount.toLocaleString('en')} relationships; ${core.edges.toLocaleString('en')} compiled edges, ${core.components.toLocaleString('en')} components, largest ${core.largestComponent.toLocaleString('en')}`,
  );
  console.log(`  load (generate + add):     ${s(tLoad)}`);
  console.log(`  build (as-of, sort, CSR):  ${s(tBuild)}`);
  console.log(`  plain pass over edges:     ${s(tPass)}`);
  console.log(`  evaluate, core (steps 2-6): ${s(tCore)}  = ${(tCore / tPass).toFixed(1)} x plain pass`);
  console.log(
    `  evaluate, every decision:  ${s(tFull)}  = ${(tFull / tPass).toFixed(1)} x plain pass  (${counts.restricted} restricted, ${counts.review} review, ${counts.allowed} allowed; ${paths} witness paths)`,
  );
  console.log(
    `  one entity with paths:     median ${s(singles[singles.length >> 1]!)}, max ${s(singles[singles.length - 1]!)} (${singles.length} ids)`,
  );
  console.log(`  memory: rss ${mb(mem.rss)}, heap ${mb(mem.heapUsed)}, peak rss so far ${mb(peak())}`);
}

// `npm run bench:sync [-- --tenants 100000,1000000 --store pglite|postgres --live-heap]`
// The GCP fake's accounts come with a Customer Insights report (a row per account) that the adapter
// joins, as a real sync does.
// Syncs N synthetic tenants, split over the three wire-level fakes (served from a child process),
// through the real adapters with their client-side rate limits, into a fresh store. Prints each
// cloud's request rate as a share of its configured rate (target >= 90%) and the peak memory of
// each size's own process (target: flat from 100k to 1M), apart from the one-off spike of opening
// a fresh embedded store (initdb). `--heap-cap MB` runs every size under the same old-generation cap.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createAwsAdapter, resolveAwsConfig } from '../../adapters/aws/index.ts';
import { createAzureAdapter, createFakeCredential, resolveAzureConfig } from '../../adapters/azure/index.ts';
import type { ServiceAccountKey } from '../../adapters/gcp/config.ts';
import { createGcpAdapter } from '../../adapters/gcp/index.ts';
import type { Cloud } from '../../src/adapter.ts';
import { createJsonLogger } from '../../src/log.ts';
import { openStore } from '../../src/store/open.ts';
import { runSync } from '../../src/sync/run-sync.ts';

/** requests per second each adapter is configured for: the "allowed rate" */
const RATES: Record<Cloud, number> = { aws: 25, gcp: 30, azure: 2.5 };
const AZURE_PAGE = 1000;
const PG_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

interface FakesInfo {
  tenants: Record<Cloud, number>;
  aws: { url: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  gcp: { url: string; providerId: string; key: Record<string, string>; reportsDir: string };
  azure: { url: string };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function startFakes(total: number) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--max-old-space-size=8192',
      fileURLToPath(new URL('./sync-fakes.ts', import.meta.url)),
      String(total),
      String(AZURE_PAGE),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error('the fakes process ended');
    return JSON.parse(r.value) as unknown;
  };
  const info = (await next()) as FakesInfo;
  return {
    info,
    reset: async () => {
      child.stdin!.write('reset\n');
      await next();
    },
    stats: async () => {
      child.stdin!.write('stats\n');
      return (await next()) as {
        counts: Record<Cloud, number>;
        seen: Record<Cloud, { count: number; first?: number; last?: number }>;
      };
    },
    stop: () => {
      child.stdin!.end();
      child.kill();
    },
  };
}

async function freshStore(kind: string) {
  if (kind === 'postgres') {
    const schema = `cg_bench_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(sql);
      await c.end();
    };
    await admin(`CREATE SCHEMA ${schema}`);
    const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    return { db: await openStore({ databaseUrl: url }), drop: () => admin(`DROP SCHEMA ${schema} CASCADE`) };
  }
  const dir = await mkdtemp(join(tmpdir(), 'cg-bench-'));
  return { db: await openStore({ dataDir: dir }), drop: () => rm(dir, { recursive: true, force: true }) };
}

async function benchOnce(total: number, storeKind: string) {
  const fakes = await startFakes(total);
  // Opening a fresh embedded store runs initdb, a one-off spike; it is reported apart from the sync's own peak.
  const opening = { rss: 0 };
  const openTimer = setInterval(() => (opening.rss = Math.max(opening.rss, process.memoryUsage().rss)), 50);
  const { db, drop } = await freshStore(storeKind);
  clearInterval(openTimer);
  opening.rss = Math.max(opening.rss, process.memoryUsage().rss);
  const logger = createJsonLogger({ level: 'warn' });
  const { info } = fakes;
  const aws = createAwsAdapter(
    resolveAwsConfig({
      endpoint: info.aws.url,
      describeAgreements: false,
      bedrockModels: false,
      recordsPerPage: 1000,
      rates: { searchAgreements: RATES.aws },
    }),
    { logger, credentials: info.aws.credentials },
  );
  const gcp = createGcpAdapter(
    {
      providerId: info.gcp.providerId,
      baseUrl: info.gcp.url,
      credentials: info.gcp.key as ServiceAccountKey,
      reportsDir: info.gcp.reportsDir,
      requestsPerSecond: RATES.gcp,
      burst: 1,
    },
    { logger },
  );
  const azure = createAzureAdapter(
    resolveAzureConfig({
      baseUrl: info.azure.url,
      requestsPerSecond: RATES.azure,
      burst: 1,
      usageEvents: false,
    }),
    { logger, credential: createFakeCredential() },
  );

  await fakes.reset();
  const before = (await fakes.stats()).counts;
  const peak = { rss: 0, heap: 0, committed: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
    peak.committed = Math.max(peak.committed, m.heapTotal);
  };
  const timer = setInterval(sample, 200);
  // --live-heap: a full collection every 10 s, so the heap that is really held can be told apart
  // from garbage the collector has not yet needed to reclaim (which grows with a longer run)
  const gc = (globalThis as { gc?: () => void }).gc;
  const live = { max: 0, samples: [] as number[] };
  // with CG_HEAP_SNAPSHOT=DIR as well: a snapshot each time the live heap reaches a new high, so
  // what is held at the peak (not just after the run) can be compared across sizes
  const snapshotDir = process.env['CG_HEAP_SNAPSHOT'];
  const liveTimer = setInterval(() => {
    if (!gc) return;
    gc();
    const used = process.memoryUsage().heapUsed;
    if (snapshotDir && used > live.max + 1048576)
      void import('node:v8').then((v8) =>
        v8.writeHeapSnapshot(`${snapshotDir}/sync-${total}-live-max.heapsnapshot`),
      );
    live.max = Math.max(live.max, used);
    live.samples.push(used);
  }, 10_000);
  // how long the thread was busy when a timer (a rate limiter's next slot) was due
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let written = 0;
  let lastPrint = Date.now();
  const t0 = Date.now();
  const summary = await runSync({
    adapters: [aws, gcp, azure],
    store: db,
    logger,
    onProgress: (p) => {
      if (p.stream !== 'tenants') return;
      written++;
      if (Date.now() - lastPrint > 10_000) {
        lastPrint = Date.now();
        process.stderr.write(`  ${Math.round((Date.now() - t0) / 1000)} s: ${written} pages written\n`);
      }
    },
  });
  clearInterval(timer);
  clearInterval(liveTimer);
  // CG_HEAP_SNAPSHOT=DIR: what the process still holds once the run is over, to compare across sizes
  if (process.env['CG_HEAP_SNAPSHOT']) {
    (globalThis as { gc?: () => void }).gc?.();
    (await import('node:v8')).writeHeapSnapshot(
      `${process.env['CG_HEAP_SNAPSHOT']}/sync-${total}.heapsnapshot`,
    );
  }
  loop.disable();
  sample();
  const stats = await fakes.stats();
  const after = stats.counts;
  // the Customer Insights report was joined: every GCP tenant carries its customer name
  const { rows: named } = await db.query<{ named: string; total: string }>(
    `SELECT count(*) FILTER (WHERE display_name IS NOT NULL OR legal_name IS NOT NULL)::text AS named,
            count(*)::text AS total FROM tenants WHERE cloud = 'gcp'`,
  );
  aws.close();
  fakes.stop();
  await db.close();
  await drop();

  const clouds = summary.clouds.map((c) => {
    const requests = after[c.cloud] - before[c.cloud];
    const seconds = c.durationMs / 1000;
    // the rate applies while the cloud is being asked: from its first to its last request
    const s = stats.seen[c.cloud];
    const asking = s?.first !== undefined && s.last !== undefined ? (s.last - s.first) / 1000 : seconds;
    return {
      cloud: c.cloud,
      tenants: c.tenants,
      expected: info.tenants[c.cloud],
      requests,
      seconds: Number(seconds.toFixed(1)),
      askingSeconds: Number(asking.toFixed(1)),
      allowedPerSecond: RATES[c.cloud],
      actualPerSecond: Number((requests / asking).toFixed(2)),
      shareOfAllowed: Number((requests / asking / RATES[c.cloud]).toFixed(3)),
      tenantsPerSecond: Math.round(c.tenants / seconds),
    };
  });
  return {
    total,
    store: storeKind,
    status: summary.status,
    failures: summary.failures,
    seconds: Number((summary.durationMs / 1000).toFixed(1)),
    peakRssMB: Math.round(peak.rss / 1e6),
    storeOpenRssMB: Math.round(opening.rss / 1e6),
    ...(gc
      ? {
          liveHeapMB: Math.round(live.max / 1e6),
          liveHeapMedianMB: Math.round(live.samples.sort((a, b) => a - b)[live.samples.length >> 1]! / 1e6),
        }
      : {}),
    peakHeapMB: Math.round(peak.heap / 1e6),
    peakHeapCommittedMB: Math.round(peak.committed / 1e6),
    gcpNamed: `${named[0]?.named ?? 0}/${named[0]?.total ?? 0}`,
    eventLoopDelayMs: {
      p50: Math.round(loop.percentile(50) / 1e6),
      p99: Math.round(loop.percentile(99) / 1e6),
      max: Math.round(loop.max / 1e6),
    },
    clouds,
  };
}

/** One size in a fresh process, so that no size inherits another's memory. */
async function inChild(
  total: number,
  storeKind: string,
  heapCapMB: number | undefined,
): Promise<Awaited<ReturnType<typeof benchOnce>>> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...(process.argv.includes('--live-heap') ? ['--expose-gc'] : []),
      // the old generation capped at the same size for every run, so that a sync whose memory grew
      // with the tenant count would fail at the larger size instead of using more
      ...(heapCapMB !== undefined ? [`--max-old-space-size=${heapCapMB}`] : []),
      fileURLToPath(import.meta.url),
      '--one',
      String(total),
      '--store',
      storeKind,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the ${total}-tenant run exited with ${code}`);
  return JSON.parse(out) as Awaited<ReturnType<typeof benchOnce>>;
}

async function main(): Promise<void> {
  const storeKind = arg('store', 'pglite');
  const one = arg('one', '');
  if (one !== '') {
    process.stdout.write(JSON.stringify(await benchOnce(Number(one), storeKind)));
    return;
  }
  const sizes = arg('tenants', '100000,1000000').split(',').map(Number);
  const cap = arg('heap-cap', '');
  const heapCapMB = cap === '' ? undefined : Number(cap);
  if (heapCapMB !== undefined && !(Number.isInteger(heapCapMB) && heapCapMB > 0))
    throw new Error(`--heap-cap must be a whole number of megabytes, not "${cap}"`);
  const results = [];
  for (const total of sizes) {
    process.stderr.write(
      `sync bench: ${total} tenants, ${storeKind} store, rates ${JSON.stringify(RATES)}/s (own process` +
        `${heapCapMB !== undefined ? `, heap capped at ${heapCapMB} MB` : ''})\n`,
    );
    const r = await inChild(total, storeKind, heapCapMB);
    results.push({ ...r, ...(heapCapMB !== undefined ? { heapCapMB } : {}) });
    process.stdout.write(
      `${total} tenants: ${r.status} in ${r.seconds} s, peak RSS during the sync ${r.peakRssMB} MB ` +
        `(opening the store ${r.storeOpenRssMB} MB), peak heap ${r.peakHeapMB} MB ` +
        `(${r.peakHeapCommittedMB} MB committed), ` +
        (r.liveHeapMB !== undefined
          ? `live heap after full GCs at most ${r.liveHeapMB} MB (median ${r.liveHeapMedianMB} MB), `
          : '') +
        `event-loop delay p50/p99/max ${r.eventLoopDelayMs.p50}/${r.eventLoopDelayMs.p99}/${r.eventLoopDelayMs.max} ms\n`,
    );
    for (const c of r.clouds) {
      process.stdout.write(
        `  ${c.cloud.padEnd(5)} ${c.tenants}/${c.expected} tenants in ${c.seconds} s (${c.tenantsPerSecond}/s); ` +
          `${c.requests} requests over ${c.askingSeconds} s = ${c.actualPerSecond}/s of ${c.allowedPerSecond}/s ` +
          `allowed (${(c.shareOfAllowed * 100).toFixed(1)}%)\n`,
      );
    }
    process.stdout.write(`  gcp tenants named from the Customer Insights report: ${r.gcpNamed}\n`);
    if (r.failures.length) process.stdout.write(`  failures: ${JSON.stringify(r.failures)}\n`);
  }
  process.stdout.write(JSON.stringify({ bench: 'sync', results }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

// `channelguard sync [--cloud aws|gcp|azure|all] [--demo] [--config FILE] [--json]`: pulls tenants
// and usage from the marketplaces into the store. Exit: 0 ok, 3 partial (a cloud failed, the
// others were written), 75 every failure temporary (throttled, timeouts), 69 a service (the
// database, a marketplace API) unavailable, 78 configuration.
import { setMaxListeners } from 'node:events';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CLOUDS, type Cloud } from '../../adapter.ts';
import { loadConfig } from '../../config/load.ts';
import { ConfigError, errorMessage, StoreError, UsageError } from '../../errors.ts';
import type { Db } from '../../store/db.ts';
import { openStore } from '../../store/open.ts';
import { runSync, type RunSummary, type SyncProgress } from '../../sync/run-sync.ts';
import { createAdapters, resolveAdapterConfigs, startDemo, type BuiltAdapters } from '../adapters.ts';
import { EXIT } from '../exit-codes.ts';
import { loggerFor, type CliIo } from '../io.ts';
import type { RegisterCommand } from '../registry.ts';
import { columns } from '../columns.ts';

interface SyncFlags {
  cloud: string;
  demo?: boolean;
  config?: string;
  json?: boolean;
  /** demo world size (end-customer tenants) */
  demoTenants?: string;
  demoThrottle?: string;
}

/** The documented exit status of a finished run. */
export function exitCodeForSummary(summary: Pick<RunSummary, 'status' | 'failures'>): number {
  if (summary.status === 'ok') return EXIT.ok;
  if (summary.status === 'partial') return EXIT.partial;
  if (summary.failures.some((f) => f.kind === 'store')) return EXIT.unavailable;
  if (summary.failures.length > 0 && summary.failures.every((f) => f.retryable)) return EXIT.tempFail;
  return EXIT.unavailable;
}

function parseCloudList(value: string, flag: string): Cloud[] {
  if (value === 'all') return [...CLOUDS];
  const list = value.split(',').map((v) => v.trim());
  const bad = list.filter((v) => !(CLOUDS as readonly string[]).includes(v));
  if (bad.length > 0)
    throw new UsageError(`${flag}: not a cloud: ${bad.join(', ')} (aws, gcp, azure or all)`);
  return list as Cloud[];
}

function parseClouds(value: string): Cloud[] | 'all' {
  if (value === 'all') return 'all';
  if ((CLOUDS as readonly string[]).includes(value)) return [value as Cloud];
  throw new UsageError(`--cloud must be aws, gcp, azure or all (got "${value}")`);
}

export const registerSync: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('sync')
    .description('pull tenants and usage from the cloud marketplaces into the store')
    .option('--cloud <cloud>', 'aws, gcp, azure or all (all: every configured cloud)', 'all')
    .option('--demo', 'start the three marketplace fakes on loopback with a demo world; no credentials')
    .option('--demo-tenants <n>', 'demo world size (end-customer tenants)')
    .option(
      '--demo-throttle <clouds>',
      'demo: these clouds (comma-separated, or all) answer 429 to every request',
    )
    .option('--config <file>', 'channelguard.yaml (default: $CHANNELGUARD_CONFIG or ./channelguard.yaml)')
    .option('--json', 'print the run summary as one JSON object')
    .action(async (flags: SyncFlags) => setExit(await syncCommand(flags, io)));
};

export async function syncCommand(flags: SyncFlags, io: CliIo): Promise<number> {
  const chosen = parseClouds(flags.cloud);
  const bars = io.stderrIsTTY && !flags.json;
  // on a terminal the bars show progress and only warnings are logged; otherwise JSON logs
  const logger = loggerFor(io, bars ? 'warn' : 'info');
  const config = await loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    env: io.env,
    cwd: io.cwd,
  });

  let built: BuiltAdapters & { window?: { start: string; end: string } };
  let storeOptions: { databaseUrl?: string; dataDir?: string };
  if (flags.demo) {
    const tenants = flags.demoTenants !== undefined ? Number(flags.demoTenants) : undefined;
    if (tenants !== undefined && !(Number.isInteger(tenants) && tenants > 0)) {
      throw new UsageError(`--demo-tenants must be a positive integer (got "${flags.demoTenants}")`);
    }
    const demo = await startDemo({
      cwd: io.cwd,
      logger,
      clouds: chosen === 'all' ? CLOUDS : chosen,
      ...(tenants !== undefined ? { tenants } : {}),
      ...(flags.demoThrottle !== undefined
        ? { throttle: parseCloudList(flags.demoThrottle, '--demo-throttle') }
        : {}),
    });
    built = demo;
    storeOptions = { dataDir: demo.dataDir };
  } else {
    const configs = resolveAdapterConfigs(config, io.env);
    const clouds = chosen === 'all' ? CLOUDS.filter((c) => configs[c] !== undefined) : chosen;
    if (clouds.length === 0) {
      throw new ConfigError(
        `${config.file ?? 'channelguard.yaml'}: no cloud is configured: add clouds.aws, clouds.gcp or clouds.azure, or use --demo`,
        'clouds',
      );
    }
    built = createAdapters(configs, clouds, { env: io.env, logger });
    storeOptions = config.database.url
      ? { databaseUrl: config.database.url }
      : { dataDir: config.database.dir };
  }

  let store: Db | undefined;
  const abort = new AbortController();
  // every in-flight request of every adapter listens on this one signal
  setMaxListeners(0, abort.signal);
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = bars ? createBars(built.adapters.map((a) => a.cloud)) : undefined;
  try {
    try {
      store = await openStore({ ...storeOptions, cwd: io.cwd, logger });
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      io.stderr(`channelguard: ${errorMessage(err)}\n`);
      return EXIT.unavailable;
    }
    const summary = await runSync({
      adapters: built.adapters,
      store,
      logger,
      signal: abort.signal,
      ...(built.window ? { window: built.window } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
    });
    progress?.stop();
    if (flags.json || !io.stdoutIsTTY) io.stdout(JSON.stringify(summary) + '\n');
    else io.stdout(renderSummary(summary, flags.demo ? storeOptions.dataDir : undefined));
    return exitCodeForSummary(summary);
  } finally {
    progress?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store?.close().catch(() => {});
    await built.close();
  }
}

/** One counter line per cloud and stream; totals are unknown until a source ends. */
function createBars(clouds: readonly Cloud[]) {
  const multi = new MultiBar(
    {
      format: '{cloud} {stream} | {items} records | {pages} pages{rejected}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  const bars = new Map<string, SingleBar>();
  for (const cloud of clouds) {
    for (const stream of ['tenants', 'usage']) {
      bars.set(
        `${cloud}/${stream}`,
        multi.create(0, 0, {
          cloud: cloud.padEnd(5),
          stream: stream.padEnd(7),
          items: 0,
          pages: 0,
          rejected: '',
        }),
      );
    }
  }
  let stopped = false;
  return {
    update: (p: SyncProgress) =>
      bars.get(`${p.cloud}/${p.stream}`)?.update(p.pages, {
        items: p.items,
        pages: p.pages,
        rejected: p.rejected ? ` | ${p.rejected} rejected` : '',
      }),
    stop: () => {
      if (!stopped) multi.stop();
      stopped = true;
    },
  };
}

export function renderSummary(s: RunSummary, demoDataDir?: string): string {
  const header = ['CLOUD', 'STATUS', 'TENANTS', 'LINKS', 'USAGE', 'PAGES', 'REJECTED', 'SECONDS'];
  const rows = s.clouds.map((c) => [
    c.cloud,
    c.status,
    String(c.tenants),
    String(c.links),
    String(c.usageLines),
    String(c.pages),
    String(c.rejected),
    (c.durationMs / 1000).toFixed(1),
  ]);
  const out = [
    `sync ${s.status} in ${(s.durationMs / 1000).toFixed(1)} s (run ${s.runId}, usage ${s.window.start.slice(0, 10)}..${s.window.end.slice(0, 10)})`,
    ...columns(header, rows),
  ];
  if (s.failures.length > 0) {
    out.push('failures:');
    for (const f of s.failures)
      out.push(`  ${f.cloud} ${f.source} (${f.kind}${f.retryable ? ', temporary' : ''}): ${f.message}`);
  }
  if (demoDataDir) out.push(`demo database: ${demoDataDir}`);
  return out.join('\n') + '\n';
}

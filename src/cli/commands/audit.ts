// `channelguard audit`: sync -> resolve -> evaluate -> report for every partner, in one command.
// `--demo` runs it on the embedded demo data: the marketplace fakes' generated tenants and the
// bundled BODS ownership graph, with no credentials and no server.
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CLOUDS, type Cloud } from '../../adapter.ts';
import { runAudit } from '../../audit/run-audit.ts';
import type { AuditSummary } from '../../audit/types.ts';
import { loadConfig } from '../../config/load.ts';
import { ConfigError, UsageError } from '../../errors.ts';
import { loadPolicy } from '../../policy/load.ts';
import { KeyUnavailableError, loadSigningKey, PartitionError } from '../../report/index.ts';
import { openStore } from '../../store/index.ts';
import { defaultWindow } from '../../sync/run-sync.ts';
import { createAdapters, resolveAdapterConfigs, startDemo, type BuiltAdapters } from '../adapters.ts';
import { columns } from '../columns.ts';
import { EXIT } from '../exit-codes.ts';
import { loggerFor, type CliIo } from '../io.ts';
import type { RegisterCommand } from '../registry.ts';

interface AuditFlags {
  demo?: boolean;
  demoTenants?: string;
  demoThrottle?: string;
  config?: string;
  cloud: string;
  ownership?: string[];
  policy?: string;
  asOf?: string;
  reportsDir?: string;
  skipSync?: boolean;
  acceptDelta?: boolean;
  failOn?: string;
  json?: boolean;
}

const DEMO_OWNERSHIP = fileURLToPath(new URL('../../../data/demo/ownership.bods.jsonl', import.meta.url));
const DEMO_KEY = fileURLToPath(new URL('../../../data/demo/keys/demo-signing.key', import.meta.url));
/** The demo's ownership graph is dated 2025; the demo decides as of a fixed date so it is reproducible. */
const DEMO_AS_OF = '2026-11-01';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export const registerAudit: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('audit')
    .description(
      'sync every channel, resolve tenants to legal entities, decide, and write signed partner reports',
    )
    .option(
      '--demo',
      'run on the embedded demo data: marketplace fakes on loopback, bundled BODS graph, demo key',
    )
    .option('--demo-tenants <n>', 'demo world size (end-customer tenants)')
    .option('--demo-throttle <clouds>', 'demo: these clouds answer 429 to every request (a failing source)')
    .option('--config <file>', 'channelguard.yaml (default: $CHANNELGUARD_CONFIG or ./channelguard.yaml)')
    .option('--cloud <clouds>', 'partners to audit: aws, gcp, azure (comma-separated) or all', 'all')
    .option(
      '--ownership <file>',
      'ownership data (repeatable); default: audit.ownership in the config',
      collect,
    )
    .option('--policy <file>', 'policy file; default: audit.policy in the config, else the shipped policy')
    .option('--as-of <date>', 'decide as of this date, YYYY-MM-DD (default: today, UTC)')
    .option('--reports-dir <dir>', 'where partner reports go (default: audit.reportsDir, ./reports)')
    .option('--skip-sync', 'decide on what the store holds; do not call the marketplaces')
    .option('--accept-delta', 'write reports even when more decisions changed than the delta guard allows')
    .option('--fail-on <level>', 'exit 1 when a tenant is restricted (or, with review, needs review)')
    .option('--json', 'print the summary as one JSON object')
    .action(async (flags: AuditFlags) => setExit(await auditCommand(flags, io)));
};

function parsePartners(value: string): Cloud[] {
  if (value === 'all') return [...CLOUDS];
  const list = value.split(',').map((v) => v.trim());
  const bad = list.filter((v) => !(CLOUDS as readonly string[]).includes(v));
  if (bad.length > 0)
    throw new UsageError(`--cloud: not a cloud: ${bad.join(', ')} (aws, gcp, azure or all)`);
  return list as Cloud[];
}

function checkDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new UsageError(`--as-of ${JSON.stringify(value)}: expected a date YYYY-MM-DD`);
  return value;
}

export async function auditCommand(flags: AuditFlags, io: CliIo): Promise<number> {
  if (flags.failOn !== undefined && flags.failOn !== 'restricted' && flags.failOn !== 'review')
    throw new UsageError(`--fail-on must be restricted or review (got "${flags.failOn}")`);
  const partners = parsePartners(flags.cloud);
  const json = flags.json || !io.stdoutIsTTY;
  const logger = loggerFor(io, io.stderrIsTTY ? 'warn' : 'info');
  const config = await loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    env: io.env,
    cwd: io.cwd,
  });
  const policy = loadPolicy(flags.policy !== undefined ? resolve(io.cwd, flags.policy) : config.audit.policy);
  const ownership =
    flags.ownership?.map((f) => resolve(io.cwd, f)) ??
    (flags.demo ? [DEMO_OWNERSHIP] : config.audit.ownership);
  if (ownership.length === 0)
    throw new ConfigError(
      'no ownership data: pass --ownership FILE or set audit.ownership in the config',
      'audit.ownership',
    );
  const asOf = checkDate(
    flags.asOf ?? config.audit.asOf ?? (flags.demo ? DEMO_AS_OF : io.now().toISOString().slice(0, 10)),
  );

  let built: BuiltAdapters | undefined;
  let storeOptions: { databaseUrl?: string; dataDir?: string };
  let period = defaultWindow(io.now());
  if (flags.demo) {
    const tenants = flags.demoTenants !== undefined ? Number(flags.demoTenants) : undefined;
    if (tenants !== undefined && !(Number.isInteger(tenants) && tenants > 0))
      throw new UsageError(`--demo-tenants must be a positive integer (got "${flags.demoTenants}")`);
    const demo = await startDemo({
      cwd: io.cwd,
      logger,
      clouds: partners,
      ...(tenants !== undefined ? { tenants } : {}),
      ...(flags.demoThrottle !== undefined ? { throttle: parsePartners(flags.demoThrottle) } : {}),
    });
    built = demo;
    period = demo.window;
    storeOptions = { dataDir: demo.dataDir };
  } else {
    if (!flags.skipSync)
      built = createAdapters(resolveAdapterConfigs(config, io.env), partners, { env: io.env, logger });
    storeOptions = config.database.url
      ? { databaseUrl: config.database.url }
      : { dataDir: config.database.dir };
  }
  const reportsDir = resolve(
    io.cwd,
    flags.reportsDir ?? (flags.demo ? join('reports', 'demo') : config.audit.reportsDir),
  );
  const keyPath = flags.demo && !io.env['CHANNELGUARD_SIGNING_KEY'] ? DEMO_KEY : config.audit.signingKeyFile;

  const db = await openStore({ ...storeOptions, cwd: io.cwd, logger });
  try {
    const summary = await runAudit({
      db,
      partners,
      ...(built && !flags.skipSync ? { adapters: built.adapters } : {}),
      period,
      ownershipFiles: ownership,
      ...(config.audit.ownershipFormat ? { ownershipFormat: config.audit.ownershipFormat } : {}),
      policy,
      asOf,
      reportsDir,
      signingKey: (partner) =>
        loadSigningKey({ ...(keyPath ? { path: keyPath } : {}), env: io.env, partner }),
      maxAgeHours: config.sources.maxAgeHours,
      deltaGuardShare: config.audit.deltaGuardShare,
      batchSize: config.audit.batchSize,
      acceptDelta: flags.acceptDelta ?? false,
      logger,
      clock: io.now,
      onStage: (stage) => {
        if (io.stderrIsTTY && !flags.json) io.stderr(`… ${stage}\n`);
      },
    });
    io.stdout(json ? JSON.stringify(summary) + '\n' : renderAudit(summary, flags.demo === true));
    return exitFor(summary, flags.failOn);
  } catch (err) {
    if (err instanceof KeyUnavailableError) {
      io.stderr(`channelguard: ${err.message}; no report was written\n`);
      return EXIT.unavailable;
    }
    if (err instanceof PartitionError) {
      io.stderr(`channelguard: partner isolation check failed, nothing was signed: ${err.message}\n`);
      return EXIT.internal;
    }
    throw err;
  } finally {
    await db.close().catch(() => {});
    await built?.close();
  }
}

/** Stopped by the delta guard > stale sources > a failed source > --fail-on findings > ok. */
export function exitFor(s: AuditSummary, failOn: string | undefined): number {
  if (s.status === 'blocked-delta') return EXIT.deltaGuard;
  if (s.status === 'stale') return EXIT.stale;
  if (s.status === 'partial') return EXIT.partial;
  const restricted = s.partners.some((p) => p.restricted > 0);
  const review = s.partners.some((p) => p.review > 0);
  if (failOn === 'restricted' && restricted) return EXIT.findings;
  if (failOn === 'review' && (restricted || review)) return EXIT.findings;
  return EXIT.ok;
}

export function renderAudit(s: AuditSummary, demo: boolean): string {
  const header = ['PARTNER', 'TENANTS', 'RESTRICTED', 'REVIEW', 'ALLOWED', 'UNRESOLVED', 'DATA', 'REPORT'];
  const rows = s.partners.map((p) => [
    p.partner,
    String(p.tenants),
    String(p.restricted),
    String(p.review),
    String(p.allowed),
    String(p.unresolved),
    p.stale ? 'stale' : p.complete ? 'complete' : 'INCOMPLETE',
    p.report ? p.report.dir : `withheld (${p.withheld ?? 'not written'})`,
  ]);
  const out = [
    `audit ${s.status} in ${(s.durationMs / 1000).toFixed(1)} s — run ${s.runId}, as of ${s.asOf}, policy ${s.policy.id} ${s.policy.version}`,
    `ownership: ${s.ownership.statements} statements from ${s.ownership.files} file(s)${s.ownership.issues ? `, ${s.ownership.issues} refused` : ''}`,
  ];
  if (s.sync)
    out.push(
      `sync: ${s.sync.status} (${s.sync.clouds.map((c) => `${c.cloud} ${c.tenants} tenants`).join(', ')})`,
    );
  out.push('', ...columns(header, rows), '');
  if (s.delta)
    out.push(
      `since run ${s.delta.previousRun}: ${s.delta.changed} of ${s.delta.compared} decisions changed (limit ${(s.delta.limit * 100).toFixed(1)}%)${s.delta.blocked ? ' — STOPPED by the delta guard' : ''}`,
    );
  out.push(`stages: ${s.stages.map((st) => `${st.stage} ${(st.ms / 1000).toFixed(1)} s`).join(', ')}`);
  if (demo) {
    const first = s.partners.find((p) => p.report);
    if (first?.report)
      out.push(
        `verify: npx channelguard verify ${first.report.dir} --public-key data/demo/keys/demo-signing.pub`,
      );
  }
  return out.join('\n') + '\n';
}

// The one place the CLI meets the adapter folders: each cloud block of channelguard.yaml is
// validated by its adapter's own resolver, adapters are built with production credentials, and
// `--demo` starts the three wire-level fakes on loopback seeded from one demo world.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createAwsAdapter, resolveAwsConfig, type AwsConfig } from '../../adapters/aws/index.ts';
import { DEMO_FEEDS, awsStateFromDemo } from '../../adapters/aws/demo.ts';
import { startAwsFake } from '../../adapters/aws/fake.ts';
import {
  azureStateFromDemo,
  createAzureAdapter,
  createFakeCredential,
  credentialFromEnv,
  resolveAzureConfig,
  startAzureFake,
  writeAzureReports,
  type AzureConfig,
} from '../../adapters/azure/index.ts';
import {
  createGcpAdapter,
  gcpStateFromDemo,
  resolveGcpConfig,
  startGcpFake,
  writeGcpReports,
  type GcpConfig,
} from '../../adapters/gcp/index.ts';
import type { ServiceAccountKey } from '../../adapters/gcp/config.ts';
import { generateDemoWorld } from '../../adapters/demo/world.ts';
import type { Cloud, MarketplaceAdapter } from '../adapter.ts';
import type { ChannelguardConfig } from '../config/schema.ts';
import { ConfigError } from '../errors.ts';
import type { Logger } from '../log.ts';

export interface AdapterConfigs {
  aws?: AwsConfig;
  gcp?: GcpConfig;
  azure?: AzureConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Validates every configured cloud block with its adapter's schema; errors name `clouds.<cloud>.<key>`. */
export function resolveAdapterConfigs(config: ChannelguardConfig, env: Env): AdapterConfigs {
  const out: AdapterConfigs = {};
  const where = config.file ? `${config.file}: ` : '';
  const wrap = <T>(cloud: Cloud, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const key = `clouds.${cloud}${err.key && err.key !== cloud ? `.${err.key}` : ''}`;
      throw new ConfigError(`${where}config key ${key}: ${err.message}`, key, { cause: err });
    }
  };
  const { aws, gcp, azure } = config.clouds;
  if (aws) out.aws = wrap('aws', () => resolveAwsConfig(aws, env));
  if (gcp) out.gcp = wrap('gcp', () => resolveGcpConfig(gcp, env));
  if (azure) out.azure = wrap('azure', () => resolveAzureConfig(azure, env));
  return out;
}

export interface BuiltAdapters {
  adapters: MarketplaceAdapter[];
  /** closes SDK sockets (and the demo's fakes) */
  close(): Promise<void>;
}

/** Production adapters for the chosen clouds; a chosen cloud with no config block is a ConfigError. */
export function createAdapters(
  configs: AdapterConfigs,
  clouds: readonly Cloud[],
  deps: { env: Env; logger: Logger; clock?: () => Date },
): BuiltAdapters {
  const adapters: MarketplaceAdapter[] = [];
  const closers: Array<() => void> = [];
  const base = { logger: deps.logger, ...(deps.clock ? { clock: deps.clock } : {}) };
  for (const cloud of clouds) {
    if (cloud === 'aws' && configs.aws) {
      const a = createAwsAdapter(configs.aws, base);
      closers.push(() => a.close());
      adapters.push(a);
    } else if (cloud === 'gcp' && configs.gcp) {
      adapters.push(createGcpAdapter(configs.gcp, { ...base, env: { ...deps.env } }));
    } else if (cloud === 'azure' && configs.azure) {
      adapters.push(createAzureAdapter(configs.azure, { ...base, credential: credentialFromEnv(deps.env) }));
    } else {
      throw new ConfigError(`no clouds.${cloud} block in the configuration`, `clouds.${cloud}`);
    }
  }
  return { adapters, close: async () => closers.forEach((c) => c()) };
}

/** Where `sync --demo` keeps its embedded database (and the audit's --demo reads it). */
export const demoDir = (cwd: string): string => resolve(cwd, '.channelguard/demo');

/** The embedded database `sync --demo` and `audit --demo` write (review and audit-log read it with --demo). */
export const demoDataDir = (cwd: string): string => join(demoDir(cwd), 'db');

export interface DemoOptions {
  cwd: string;
  logger: Logger;
  clouds: readonly Cloud[];
  /** end-customer tenants in the demo world */
  tenants?: number;
  seed?: number;
  /**
   * clouds whose fake answers every API request with 429 (with short retry budgets), to show a
   * cloud failing in isolation: the run ends partial, or "temporary failure" when all are throttled
   */
  throttle?: readonly Cloud[];
}

/** Short retry budgets for a throttled demo cloud, so the demo fails in seconds, not minutes. */
const DEMO_RETRY = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200, budgetMs: 2000 };

export interface Demo extends BuiltAdapters {
  dataDir: string;
  /** the usage months of the demo world */
  window: { start: string; end: string };
}

/**
 * Starts the three fakes on loopback seeded from one demo world and adapters pointed at them:
 * no credentials, no server. The fakes speak each cloud's real wire protocol.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const world = generateDemoWorld({
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.tenants !== undefined ? { tenants: options.tenants } : {}),
  });
  const dir = demoDir(options.cwd);
  const reports = join(dir, 'reports');
  const deps = { logger: options.logger };
  const adapters: MarketplaceAdapter[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    if (options.clouds.includes('aws')) {
      const state = awsStateFromDemo(world);
      const fake = await startAwsFake({ state });
      closers.push(() => fake.close());
      const throttled = options.throttle?.includes('aws');
      if (throttled) fake.faults.inject({ kind: 'throttle', count: Infinity, retryAfterSeconds: 0 });
      const config = resolveAwsConfig({
        ...(throttled ? { retry: DEMO_RETRY } : {}),
        endpoint: fake.url,
        feeds: DEMO_FEEDS,
        productModels: state.productModels,
        rates: { searchAgreements: 1000, describeAgreement: 1000, s3: 1000, listFoundationModels: 1000 },
        concurrency: 16,
      });
      const a = createAwsAdapter(config, { ...deps, credentials: fake.credentials });
      closers.push(() => a.close());
      adapters.push(a);
    }
    if (options.clouds.includes('gcp')) {
      const state = gcpStateFromDemo(world);
      const throttled = options.throttle?.includes('gcp');
      const fake = await startGcpFake({
        state,
        ...(throttled ? { faults: { throttle: Number.MAX_SAFE_INTEGER } } : {}),
      });
      closers.push(() => fake.close());
      await mkdir(join(reports, 'gcp'), { recursive: true });
      await writeGcpReports(state, join(reports, 'gcp'));
      const config = {
        providerId: state.providerId,
        baseUrl: fake.url,
        credentials: fake.createServiceAccountKey() as ServiceAccountKey,
        reportsDir: join(reports, 'gcp'),
        requestsPerSecond: 1000,
        burst: 100,
        ...(throttled
          ? { maxAttempts: 3, throttleMinDelayMs: 50, maxDelayMs: 200, retryBudgetMs: DEMO_RETRY.budgetMs }
          : {}),
      };
      adapters.push(createGcpAdapter(config, deps));
    }
    if (options.clouds.includes('azure')) {
      const state = azureStateFromDemo(world);
      const throttled = options.throttle?.includes('azure');
      const fake = await startAzureFake({
        state,
        ...(throttled
          ? { faults: { throttle: { count: Number.MAX_SAFE_INTEGER, retryAfterSeconds: 0 } } }
          : {}),
      });
      closers.push(() => fake.close());
      await writeAzureReports(state, join(reports, 'azure'));
      const config = resolveAzureConfig({
        ...(throttled ? { retry: DEMO_RETRY } : {}),
        baseUrl: fake.url,
        reportsDir: join(reports, 'azure'),
        requestsPerSecond: 1000,
        burst: 100,
      });
      adapters.push(createAzureAdapter(config, { ...deps, credential: createFakeCredential() }));
    }
  } catch (err) {
    await close();
    throw err;
  }
  const first = world.months[0] ?? '2026-01';
  const last = world.months[world.months.length - 1] ?? first;
  const [y, m] = last.split('-').map(Number) as [number, number];
  return {
    adapters,
    close,
    dataDir: demoDataDir(options.cwd),
    window: { start: `${first}-01T00:00:00.000Z`, end: new Date(Date.UTC(y, m, 1)).toISOString() },
  };
}

// Azure adapter configuration: one zod schema (the Input type is what a config file may hold, the
// Resolved type is what the adapter runs with) and one pure resolver that applies env and defaults.
// Secrets are deliberately absent: credentials come from @azure/identity's own env variables.
import { z } from 'zod';
import { ConfigError } from '../../src/errors.ts';

/** The Entra application id of the commercial-marketplace APIs (SaaS Fulfillment v2 and metering). */
export const MARKETPLACE_RESOURCE_ID = '20e940b3-4c77-4b0b-9a53-9e16a1b010a7';
export const MARKETPLACE_SCOPE = `${MARKETPLACE_RESOURCE_ID}/.default`;
export const DEFAULT_BASE_URL = 'https://marketplaceapi.microsoft.com';

const positiveInt = z.number().int().positive();

export const azureRetrySchema = z.strictObject({
  maxAttempts: positiveInt.max(20).optional(),
  baseDelayMs: z.number().int().nonnegative().optional(),
  maxDelayMs: z.number().int().nonnegative().optional(),
  budgetMs: z.number().int().nonnegative().optional(),
});

export const azureConfigSchema = z.strictObject({
  /** marketplace API host; tests and the demo point it at the local fake */
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .default(DEFAULT_BASE_URL),
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .default('2018-08-31'),
  /** the token scope; only change it for a sovereign cloud */
  scope: z.string().min(1).default(MARKETPLACE_SCOPE),
  /** folder holding downloaded Partner Center analytics files ISVCustomer*.csv and ISVUsage*.csv */
  reportsDir: z.string().min(1).optional(),
  /** read publisher-submitted usage from GET /api/usageEvents */
  usageEvents: z.boolean().default(true),
  /** usageEvents has no paging, so a usage window is asked for in slices of this many days */
  usageEventsSliceDays: positiveInt.max(366).default(7),
  offerId: z.string().min(1).optional(),
  planId: z.string().min(1).optional(),
  /** client-side rate limit per API (Microsoft publishes none for these APIs; stay gentle) */
  requestsPerSecond: z.number().positive().max(10_000).default(5),
  burst: positiveInt.max(1000).default(5),
  /** per-attempt timeout of every HTTP call and token request */
  timeoutMs: positiveInt.max(600_000).default(30_000),
  retry: azureRetrySchema.default({}),
  /** stop a listing after this many pages (300k subscriptions = 3,000 pages) */
  maxPages: positiveInt.default(20_000),
  /** renew a cached token this long before it expires */
  tokenRefreshMarginMs: z.number().int().nonnegative().default(300_000),
  /** analytics rows arrive up to 48 h late, so a usage cursor is re-read this many days back */
  lateArrivalDays: z.number().int().nonnegative().max(31).default(3),
  /** records per yielded usage page */
  usagePageSize: positiveInt.max(100_000).default(1000),
  /** tenant records per yielded page */
  tenantPageSize: positiveInt.max(100_000).default(1000),
});

export type AzureConfigInput = z.input<typeof azureConfigSchema>;
export type AzureConfig = z.output<typeof azureConfigSchema>;

/** Env variables the resolver reads (config keys win over env). */
export const AZURE_ENV = {
  baseUrl: 'CHANNELGUARD_AZURE_BASE_URL',
  reportsDir: 'CHANNELGUARD_AZURE_REPORTS_DIR',
  requestsPerSecond: 'CHANNELGUARD_AZURE_RPS',
  timeoutMs: 'CHANNELGUARD_AZURE_TIMEOUT_MS',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function fromEnv(env: Env): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(AZURE_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    if (key === 'requestsPerSecond' || key === 'timeoutMs') {
      const n = Number(raw.trim());
      if (!Number.isFinite(n)) {
        throw new ConfigError(`azure: env ${name}=${JSON.stringify(raw)} is not a number`, key);
      }
      out[key] = n;
    } else {
      out[key] = raw.trim();
    }
  }
  return out;
}

/** Validates `input` (a config file's `azure` section), fills it from env and defaults. Pure. */
export function resolveAzureConfig(input: unknown = {}, env: Env = {}): AzureConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError('azure: the azure config must be an object', 'azure');
  }
  const merged = { ...fromEnv(env), ...(input as Record<string, unknown>) };
  const result = azureConfigSchema.safeParse(merged);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
    const hint = keys.some((k) => /secret|password|token|key/i.test(k))
      ? ' (credentials are read by @azure/identity from AZURE_* env variables, never from config)'
      : '';
    throw new ConfigError(`azure: unknown key ${keys.join(', ')}${hint}`, keys.join(', '));
  }
  const key = path || 'azure';
  const bad = path ? valueAt(merged, issue.path) : undefined;
  const shown = bad === undefined ? '' : ` (got ${JSON.stringify(bad)})`;
  throw new ConfigError(`azure: ${key}: ${issue.message}${shown}`, key);
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

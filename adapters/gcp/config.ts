// Google Cloud adapter configuration: one zod schema (input), the resolved type derived from it,
// and a pure resolver that applies env and defaults and names the bad key when it refuses.
import { z } from 'zod';
import { ConfigError } from '../../src/errors.ts';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const PROCUREMENT_BASE_URL = 'https://cloudcommerceprocurement.googleapis.com/';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** The fields of a service-account key file this adapter uses (the file holds more; they pass through). */
export const serviceAccountKeySchema = z.looseObject({
  type: z.literal('service_account'),
  client_email: z.string().min(3),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
  project_id: z.string().optional(),
  token_uri: z.url().optional(),
});
export type ServiceAccountKey = z.infer<typeof serviceAccountKeySchema>;

const ms = (max: number) => z.number().int().min(0).max(max);

export const gcpConfigSchema = z.strictObject({
  /** the Producer Portal provider id: the `{p}` in `providers/{p}/accounts` */
  providerId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a provider id such as "acme-public"'),
  /** Partner Procurement API root; a fake's URL in tests and the demo */
  baseUrl: z.url().default(PROCUREMENT_BASE_URL),
  /** path of a service-account key file (GOOGLE_APPLICATION_CREDENTIALS); neither this nor
   * `credentials` means Application Default Credentials */
  keyFile: z.string().min(1).optional(),
  /** an already-parsed service-account key (tests, secret managers); never logged */
  credentials: serviceAccountKeySchema.optional(),
  /** OAuth token endpoint; default: the key's `token_uri`, else Google's */
  tokenUrl: z.url().optional(),
  /** local folder holding the Customer Insights and Charges and usage CSV exports */
  reportsDir: z.string().min(1).optional(),
  /** accounts per page (API max 200) */
  pageSize: z.number().int().min(1).max(200).default(200),
  /** account ids OR-ed into one entitlements filter (keeps the URL well under Google's limits) */
  accountsPerEntitlementCall: z.number().int().min(1).max(100).default(50),
  /** usage records per yielded page */
  usagePageSize: z.number().int().min(1).max(100_000).default(1000),
  /** Procurement quotas are not published; stay polite by default */
  requestsPerSecond: z.number().positive().max(1000).default(5),
  burst: z.number().int().min(1).max(1000).default(5),
  timeoutMs: ms(600_000).default(30_000),
  maxAttempts: z.number().int().min(1).max(20).default(6),
  retryBudgetMs: ms(3_600_000).default(300_000),
  /** Google asks for at least 30 s after a 429 RESOURCE_EXHAUSTED */
  throttleMinDelayMs: ms(600_000).default(30_000),
  /** Google's base delay for 500/503 */
  serverErrorBaseDelayMs: ms(60_000).default(1000),
  maxDelayMs: ms(600_000).default(60_000),
  maxPages: z.number().int().min(1).default(1_000_000),
});

export type GcpConfigInput = z.input<typeof gcpConfigSchema>;
export type GcpConfig = z.output<typeof gcpConfigSchema>;

/** Environment variables read, and the key each one fills. */
export const GCP_ENV: ReadonlyArray<readonly [string, keyof GcpConfigInput]> = [
  ['CHANNELGUARD_GCP_PROVIDER_ID', 'providerId'],
  ['CHANNELGUARD_GCP_BASE_URL', 'baseUrl'],
  ['GOOGLE_APPLICATION_CREDENTIALS', 'keyFile'],
  ['CHANNELGUARD_GCP_TOKEN_URL', 'tokenUrl'],
  ['CHANNELGUARD_GCP_REPORTS_DIR', 'reportsDir'],
];

/**
 * Input wins over env, env over defaults. Pure: the env is a parameter. Throws ConfigError naming
 * the key (`gcp.<key>`); a secret value is never echoed.
 */
export function resolveGcpConfig(input: unknown, env: Record<string, string | undefined> = {}): GcpConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError('gcp: the adapter configuration must be an object', 'gcp');
  }
  const merged: Record<string, unknown> = {};
  for (const [name, key] of GCP_ENV) {
    const value = env[name];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  Object.assign(merged, input);
  const parsed = gcpConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
    const key = path === '' ? 'gcp' : `gcp.${path}`;
    const shown = path.startsWith('credentials') ? 'the service-account key' : describe(merged, issue.path);
    const fromEnv = GCP_ENV.find(([, k]) => k === issue.path[0] && !(k in (input as object)));
    const where = fromEnv ? ` (from ${fromEnv[0]})` : '';
    throw new ConfigError(`${key}${where}: ${issue.message}${shown ? `; got ${shown}` : ''}`, key, {
      cause: parsed.error,
    });
  }
  if (parsed.data.keyFile !== undefined && parsed.data.credentials !== undefined) {
    throw new ConfigError('gcp.credentials: give either keyFile or credentials, not both', 'gcp.credentials');
  }
  return parsed.data;
}

function describe(root: Record<string, unknown>, path: PropertyKey[]): string {
  let v: unknown = root;
  for (const p of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  if (v === undefined) return '';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// AWS adapter configuration: the Input schema (zod, unknown keys refused), the Resolved type and
// one pure resolver that applies defaults and the environment. Credentials are NOT configuration:
// they come from the SDK's default provider chain (or a provider injected in deps for tests).
import { z } from 'zod';
import { ConfigError } from '../../src/errors.ts';

const url = z.url({ protocol: /^https?$/ });
const positive = z.number().positive();

export const awsConfigSchema = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
    .optional(),
  /** one endpoint for every service (a local fake serves all three on one port) */
  endpoint: url.optional(),
  endpoints: z
    .strictObject({ agreement: url.optional(), s3: url.optional(), bedrock: url.optional() })
    .optional(),
  /** seller data feeds: `s3://bucket/prefix` or a local folder (absolute path or file:// URL) */
  feeds: z.string().min(1).optional(),
  catalog: z.literal('AWSMarketplace').optional(),
  /** SearchAgreements maxResults (the service allows 1..50) */
  pageSize: z.number().int().min(1).max(50).optional(),
  maxPages: z.number().int().min(1).optional(),
  /** records per Page the adapter yields */
  recordsPerPage: z.number().int().min(1).max(10_000).optional(),
  /** DescribeAgreement per agreement of every emitted tenant (1 call each, 5/s quota) */
  describeAgreements: z.boolean().optional(),
  /** ListAgreementInvoiceLineItems per agreement as an extra usage source (10/s quota) */
  invoiceLineItems: z.boolean().optional(),
  /** Bedrock ListFoundationModels to normalise model ids in usage lines */
  bedrockModels: z.boolean().optional(),
  /** Marketplace product id -> Bedrock model id (the seller knows which listing is which model) */
  productModels: z.record(z.string().min(1), z.string().min(1)).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  /** requests per second per API; defaults are the published per-account quotas */
  rates: z
    .strictObject({
      searchAgreements: positive.optional(),
      describeAgreement: positive.optional(),
      listInvoiceLineItems: positive.optional(),
      listFoundationModels: positive.optional(),
      s3: positive.optional(),
    })
    .optional(),
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(20).optional(),
      baseDelayMs: z.number().int().min(0).optional(),
      maxDelayMs: z.number().int().min(0).optional(),
      budgetMs: z.number().int().min(0).optional(),
      timeoutMs: z.number().int().min(1).optional(),
    })
    .optional(),
});

export type AwsConfigInput = z.input<typeof awsConfigSchema>;

export type FeedLocation = { kind: 's3'; bucket: string; prefix: string } | { kind: 'local'; dir: string };

export interface AwsConfig {
  region: string;
  endpoints: { agreement?: string; s3?: string; bedrock?: string };
  feeds?: FeedLocation;
  catalog: 'AWSMarketplace';
  pageSize: number;
  maxPages: number;
  recordsPerPage: number;
  describeAgreements: boolean;
  invoiceLineItems: boolean;
  bedrockModels: boolean;
  productModels: Record<string, string>;
  concurrency: number;
  rates: {
    searchAgreements: number;
    describeAgreement: number;
    listInvoiceLineItems: number;
    listFoundationModels: number;
    s3: number;
  };
  retry: {
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    budgetMs: number;
    timeoutMs: number;
  };
}

/** The environment variables the resolver reads (nothing else is read from the environment). */
export const AWS_ENV_KEYS = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_BEDROCK',
  'CHANNELGUARD_AWS_FEEDS',
] as const;

/** Applies defaults and env to a config object; throws ConfigError naming the bad key and value. */
export function resolveAwsConfig(
  input: unknown,
  env: Readonly<Record<string, string | undefined>> = {},
): AwsConfig {
  const parsed = awsConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const keys = issue && 'keys' in issue ? (issue.keys as string[]) : [];
    const key = keys.length > 0 ? [path, keys[0]].filter(Boolean).join('.') : path;
    const value = keys.length > 0 ? undefined : valueAt(input, issue?.path ?? []);
    const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
    throw new ConfigError(`aws config: ${key || '(root)'}: ${issue?.message ?? 'invalid'}${shown}`, key, {
      cause: parsed.error,
    });
  }
  const c = parsed.data;
  const fromEnv = (name: (typeof AWS_ENV_KEYS)[number]) => nonEmpty(env[name]);
  const endpoint = (specific: string | undefined, envName: (typeof AWS_ENV_KEYS)[number]) =>
    specific ??
    c.endpoint ??
    checkedEnvUrl(fromEnv(envName), envName) ??
    checkedEnvUrl(fromEnv('AWS_ENDPOINT_URL'), 'AWS_ENDPOINT_URL');
  const endpoints: AwsConfig['endpoints'] = {};
  const agreement = endpoint(c.endpoints?.agreement, 'AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT');
  const s3 = endpoint(c.endpoints?.s3, 'AWS_ENDPOINT_URL_S3');
  const bedrock = endpoint(c.endpoints?.bedrock, 'AWS_ENDPOINT_URL_BEDROCK');
  if (agreement) endpoints.agreement = agreement;
  if (s3) endpoints.s3 = s3;
  if (bedrock) endpoints.bedrock = bedrock;

  const region = c.region ?? fromEnv('AWS_REGION') ?? fromEnv('AWS_DEFAULT_REGION') ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new ConfigError(`aws config: region: not an AWS region (got ${JSON.stringify(region)})`, 'region');
  }
  const feedsText = c.feeds ?? fromEnv('CHANNELGUARD_AWS_FEEDS');
  const feeds = feedsText === undefined ? undefined : parseFeedLocation(feedsText);
  return {
    region,
    endpoints,
    ...(feeds ? { feeds } : {}),
    catalog: c.catalog ?? 'AWSMarketplace',
    pageSize: c.pageSize ?? 50,
    maxPages: c.maxPages ?? 100_000,
    recordsPerPage: c.recordsPerPage ?? 500,
    describeAgreements: c.describeAgreements ?? true,
    invoiceLineItems: c.invoiceLineItems ?? false,
    bedrockModels: c.bedrockModels ?? true,
    productModels: c.productModels ?? {},
    concurrency: c.concurrency ?? 5,
    rates: {
      searchAgreements: c.rates?.searchAgreements ?? 5,
      describeAgreement: c.rates?.describeAgreement ?? 5,
      listInvoiceLineItems: c.rates?.listInvoiceLineItems ?? 10,
      listFoundationModels: c.rates?.listFoundationModels ?? 5,
      s3: c.rates?.s3 ?? 100,
    },
    retry: {
      maxAttempts: c.retry?.maxAttempts ?? 6,
      baseDelayMs: c.retry?.baseDelayMs ?? 200,
      maxDelayMs: c.retry?.maxDelayMs ?? 20_000,
      budgetMs: c.retry?.budgetMs ?? 120_000,
      timeoutMs: c.retry?.timeoutMs ?? 30_000,
    },
  };
}

/** `s3://bucket/prefix`, `file:///dir` or an absolute path. */
export function parseFeedLocation(text: string): FeedLocation {
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text);
  if (s3) {
    const prefix = s3[2] ?? '';
    return {
      kind: 's3',
      bucket: s3[1] ?? '',
      prefix: prefix === '' || prefix.endsWith('/') ? prefix : prefix + '/',
    };
  }
  if (text.startsWith('file://')) {
    try {
      return { kind: 'local', dir: decodeURIComponent(new URL(text).pathname) };
    } catch (cause) {
      throw new ConfigError(`aws config: feeds: not a file URL (got ${JSON.stringify(text)})`, 'feeds', {
        cause,
      });
    }
  }
  if (text.startsWith('/')) return { kind: 'local', dir: text };
  throw new ConfigError(
    `aws config: feeds: expected s3://bucket/prefix, file:///dir or an absolute path (got ${JSON.stringify(text)})`,
    'feeds',
  );
}

function checkedEnvUrl(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!url.safeParse(value).success) {
    throw new ConfigError(`${name}: not an http(s) URL (got ${JSON.stringify(value)})`, name);
  }
  return value;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

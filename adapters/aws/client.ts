// The only file that talks to the AWS SDK. It returns the vendor's shapes (map.ts converts them),
// pages with a guard against repeated tokens, runs every call under the shared call policy, and
// turns every SDK error into an AdapterError here, so no vendor error class leaves this file.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  DescribeAgreementCommand,
  ListAgreementInvoiceLineItemsCommand,
  MarketplaceAgreementClient,
  SearchAgreementsCommand,
} from '@aws-sdk/client-marketplace-agreement';
import type {
  AgreementInvoiceLineItemGroupSummary,
  AgreementViewSummary,
  DescribeAgreementOutput,
  Filter,
  MarketplaceAgreementClientConfig,
} from '@aws-sdk/client-marketplace-agreement';
import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import type { FoundationModelSummary } from '@aws-sdk/client-bedrock';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AdapterError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import {
  callWithPolicy,
  classifyStatus,
  createPageGuard,
  createRateLimiter,
  parseRetryAfter,
} from '../../src/sync/call-policy.ts';
import type { RateLimiter, Sleep } from '../../src/sync/call-policy.ts';
import { prefetchChain } from '../../src/sync/page-chain.ts';
import type { AwsConfig } from './config.ts';

export type { AgreementInvoiceLineItemGroupSummary, AgreementViewSummary, DescribeAgreementOutput };
export type { FoundationModelSummary };

/** Static keys or a provider; leave unset to use the SDK's default chain (env, profile, SSO, IMDS). */
export type AwsCredentials = MarketplaceAgreementClientConfig['credentials'];

export interface AwsClientDeps {
  logger: Logger;
  credentials?: AwsCredentials;
  sleep?: Sleep;
  random?: () => number;
}

export type FeedName = 'account' | 'address' | 'billing-event';

/** Feed folders under the feeds prefix, as AWS delivers them: `<name>_v<version>/year=YYYY/month=MM/data.csv`. */
export const FEED_FOLDERS: Record<FeedName, string> = {
  account: 'account_v1/',
  address: 'address_v1/',
  'billing-event': 'billing_event_v1/',
};

export interface FeedFile {
  feed: FeedName;
  /** S3 key, or the path relative to the feeds folder (always with '/') */
  key: string;
  lastModified: Date;
}

export interface AgreementSearch {
  acceptorAccountId?: string;
}

export interface AwsClient {
  searchAgreements(search: AgreementSearch, signal?: AbortSignal): AsyncGenerator<AgreementViewSummary[]>;
  describeAgreement(agreementId: string, signal?: AbortSignal): Promise<DescribeAgreementOutput>;
  listInvoiceLineItems(
    agreementId: string,
    afterIssuedTime: Date | undefined,
    signal?: AbortSignal,
  ): AsyncGenerator<AgreementInvoiceLineItemGroupSummary[]>;
  listFoundationModels(signal?: AbortSignal): Promise<FoundationModelSummary[]>;
  /** feed files in key order; none when no feeds are configured */
  listFeedFiles(feed: FeedName, signal?: AbortSignal): AsyncGenerator<FeedFile>;
  /** the file's bytes as a stream (never read whole) */
  openFeedFile(file: FeedFile, signal?: AbortSignal): Promise<Readable>;
  readonly hasFeeds: boolean;
  destroy(): void;
}

const CLOUD = 'aws';

export function createAwsClient(config: AwsConfig, deps: AwsClientDeps): AwsClient {
  const logger = deps.logger.child({ cloud: CLOUD });
  // maxAttempts 1: the shared call policy retries, so the SDK must not retry underneath it.
  const common = {
    region: config.region,
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: config.retry.timeoutMs,
      connectionTimeout: Math.min(config.retry.timeoutMs, 10_000),
    },
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
  };
  const agreement = new MarketplaceAgreementClient({
    ...common,
    ...(config.endpoints.agreement ? { endpoint: config.endpoints.agreement } : {}),
  });
  const bedrock = new BedrockClient({
    ...common,
    ...(config.endpoints.bedrock ? { endpoint: config.endpoints.bedrock } : {}),
  });
  const s3 = new S3Client({
    ...common,
    ...(config.endpoints.s3 ? { endpoint: config.endpoints.s3, forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const limiters: Record<string, RateLimiter> = {
    SearchAgreements: createRateLimiter({ perSecond: config.rates.searchAgreements }),
    DescribeAgreement: createRateLimiter({ perSecond: config.rates.describeAgreement }),
    ListAgreementInvoiceLineItems: createRateLimiter({ perSecond: config.rates.listInvoiceLineItems }),
    ListFoundationModels: createRateLimiter({ perSecond: config.rates.listFoundationModels }),
    S3: createRateLimiter({ perSecond: config.rates.s3, burst: 10 }),
  };

  function call<T>(
    api: string,
    limiter: string,
    fn: (signal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ) {
    return callWithPolicy(fn, {
      cloud: CLOUD,
      api,
      retry: config.retry,
      ...(limiters[limiter] ? { limiter: limiters[limiter] } : {}),
      classify: (err) => classifyAwsError(err, api),
      logger,
      ...(signal ? { signal } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    });
  }

  async function* searchAgreements(search: AgreementSearch, signal?: AbortSignal) {
    const filters: Filter[] = [
      { name: 'PartyType', values: ['Proposer'] },
      { name: 'AgreementType', values: ['PurchaseAgreement'] },
    ];
    if (search.acceptorAccountId)
      filters.push({ name: 'AcceptorAccountId', values: [search.acceptorAccountId] });
    const guard = createPageGuard({ cloud: CLOUD, api: 'SearchAgreements', maxPages: config.maxPages });
    // the next page is asked for while the caller handles this one (the chain is the bottleneck)
    const pages = prefetchChain(
      (nextToken, chainSignal) => {
        const input = {
          catalog: config.catalog,
          filters,
          sort: { sortBy: 'LastUpdateTime', sortOrder: 'ASCENDING' as const },
          maxResults: config.pageSize,
          ...(nextToken ? { nextToken } : {}),
        };
        return call(
          'SearchAgreements',
          'SearchAgreements',
          (s) => agreement.send(new SearchAgreementsCommand(input), { abortSignal: s }),
          chainSignal,
        );
      },
      (out) => (guard.next(out.nextToken) ? out.nextToken : undefined),
      { signal },
    );
    for await (const { page } of pages) yield page.agreementViewSummaries ?? [];
  }

  async function* listInvoiceLineItems(
    agreementId: string,
    afterIssuedTime: Date | undefined,
    signal?: AbortSignal,
  ) {
    const guard = createPageGuard({
      cloud: CLOUD,
      api: 'ListAgreementInvoiceLineItems',
      maxPages: config.maxPages,
    });
    let nextToken: string | undefined;
    for (;;) {
      const input = {
        agreementId,
        groupBy: 'INVOICE_ID' as const,
        ...(afterIssuedTime ? { afterIssuedTime } : {}),
        ...(nextToken ? { nextToken } : {}),
      };
      const out = await call(
        'ListAgreementInvoiceLineItems',
        'ListAgreementInvoiceLineItems',
        (s) => agreement.send(new ListAgreementInvoiceLineItemsCommand(input), { abortSignal: s }),
        signal,
      );
      yield out.agreementInvoiceLineItemGroupSummaries ?? [];
      if (!guard.next(out.nextToken)) return;
      nextToken = out.nextToken;
    }
  }

  async function* listS3Feed(feed: FeedName, bucket: string, prefix: string, signal?: AbortSignal) {
    const guard = createPageGuard({ cloud: CLOUD, api: 'S3 ListObjectsV2', maxPages: config.maxPages });
    let token: string | undefined;
    for (;;) {
      const input = {
        Bucket: bucket,
        Prefix: prefix + FEED_FOLDERS[feed],
        ...(token ? { ContinuationToken: token } : {}),
      };
      const out = await call(
        'S3 ListObjectsV2',
        'S3',
        (s) => s3.send(new ListObjectsV2Command(input), { abortSignal: s }),
        signal,
      );
      for (const o of out.Contents ?? []) {
        if (o.Key?.endsWith('.csv')) yield { feed, key: o.Key, lastModified: o.LastModified ?? new Date(0) };
      }
      if (!guard.next(out.IsTruncated ? out.NextContinuationToken : undefined)) return;
      token = out.NextContinuationToken;
    }
  }

  async function* listLocalFeed(feed: FeedName, dir: string) {
    const root = join(dir, FEED_FOLDERS[feed]);
    for (const path of await walkCsv(root, feed)) {
      const info = await stat(path);
      yield { feed, key: relative(dir, path).split(sep).join('/'), lastModified: info.mtime };
    }
  }

  const feeds = config.feeds;
  return {
    hasFeeds: feeds !== undefined,
    searchAgreements,
    listInvoiceLineItems,
    describeAgreement: (agreementId, signal) =>
      call(
        'DescribeAgreement',
        'DescribeAgreement',
        (s) => agreement.send(new DescribeAgreementCommand({ agreementId }), { abortSignal: s }),
        signal,
      ),
    listFoundationModels: async (signal) => {
      const out = await call(
        'ListFoundationModels',
        'ListFoundationModels',
        (s) => bedrock.send(new ListFoundationModelsCommand({}), { abortSignal: s }),
        signal,
      );
      return out.modelSummaries ?? [];
    },
    listFeedFiles(feed, signal) {
      if (!feeds) return emptyFeed();
      return feeds.kind === 's3'
        ? listS3Feed(feed, feeds.bucket, feeds.prefix, signal)
        : listLocalFeed(feed, feeds.dir);
    },
    async openFeedFile(file, signal) {
      if (!feeds) throw new AdapterError('no feeds configured', adapterInfo('feeds', 'client', false));
      if (feeds.kind === 'local') return createReadStream(join(feeds.dir, file.key));
      const out = await call(
        'S3 GetObject',
        'S3',
        (s) => s3.send(new GetObjectCommand({ Bucket: feeds.bucket, Key: file.key }), { abortSignal: s }),
        signal,
      );
      if (!out.Body)
        throw new AdapterError(`empty body for ${file.key}`, adapterInfo('S3 GetObject', 'server', true));
      return out.Body as Readable;
    },
    destroy() {
      agreement.destroy();
      bedrock.destroy();
      s3.destroy();
    },
  };
}

// eslint-disable-next-line require-yield -- an empty generator keeps the return type uniform
async function* emptyFeed(): AsyncGenerator<FeedFile> {
  return;
}

async function walkCsv(root: string, feed: FeedName): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new AdapterError(`cannot read the ${feed} feed folder`, adapterInfo('feeds', 'client', false), {
      cause,
    });
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.csv'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function adapterInfo(api: string, fault: 'client' | 'server', retryable: boolean) {
  return { cloud: CLOUD, api, fault, retryable };
}

/** Error names that mean the credentials are bad or missing: never retried, the operator must act. */
const CREDENTIAL_ERRORS = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'MissingAuthenticationTokenException',
  'AccessDeniedException',
  'AccessDenied',
  'CredentialsProviderError',
]);

const NETWORK_ERRORS = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

/** Turns an SDK or network error into an AdapterError with fault, retryable and throttled set. */
export function classifyAwsError(err: unknown, api: string): AdapterError {
  if (err instanceof AdapterError) return err;
  const e = (err ?? {}) as SdkErrorLike;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const code = e.code && NETWORK_ERRORS.has(e.code) ? e.code : name;
  const message = `${code}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? 'no message'}`;
  const retryAfterMs = parseRetryAfter(e.$response?.headers?.['retry-after']);
  const base = { cloud: CLOUD, api, code, ...(status !== undefined ? { status } : {}) };
  if (CREDENTIAL_ERRORS.has(name)) {
    return new AdapterError(message, { ...base, fault: 'client', retryable: false }, { cause: err });
  }
  if (status === undefined && !NETWORK_ERRORS.has(code) && name !== 'AbortError') {
    // not an HTTP answer and not a known network failure: a bug or a bad input on our side
    return new AdapterError(message, { ...base, fault: 'client', retryable: false }, { cause: err });
  }
  const cls = classifyStatus(status, name);
  return new AdapterError(
    message,
    { ...base, ...cls, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
    { cause: err },
  );
}

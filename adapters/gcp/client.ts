// The only file that talks HTTP to the Partner Procurement API: axios with an overridable baseURL,
// bearer tokens from google-auth-library, the shared call policy (rate limit, timeout, retries),
// paging with a repeated-token guard, Google's error envelope parsed into AdapterError, and
// payloads validated once here. Returns Google's shapes; map.ts converts them.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { z } from 'zod';
import { AdapterError, errorMessage } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import {
  callWithPolicy,
  classifyStatus,
  createPageGuard,
  createRateLimiter,
  parseRetryAfter,
  type RateLimiter,
  type Sleep,
} from '../../src/sync/call-policy.ts';
import { prefetchChain } from '../../src/sync/page-chain.ts';
import { sanitizedCause, type GcpTokenSource } from './client-auth.ts';
import type { GcpConfig } from './config.ts';

export const rawAccountSchema = z.looseObject({
  name: z.string().min(1),
  provider: z.string().optional(),
  state: z.string().optional(),
  createTime: z.string().optional(),
  updateTime: z.string().optional(),
});
export type RawAccount = z.infer<typeof rawAccountSchema>;

export const rawEntitlementSchema = z.looseObject({
  name: z.string().min(1),
  account: z.string().optional(),
  provider: z.string().optional(),
  product: z.string().optional(),
  productExternalName: z.string().optional(),
  plan: z.string().optional(),
  offer: z.string().optional(),
  state: z.string().optional(),
  consumers: z.array(z.looseObject({ project: z.string().optional() })).optional(),
  usageReportingId: z.string().optional(),
  createTime: z.string().optional(),
  updateTime: z.string().optional(),
  subscriptionEndTime: z.string().optional(),
  offerEndTime: z.string().optional(),
});
export type RawEntitlement = z.infer<typeof rawEntitlementSchema>;

const listAccountsSchema = z.looseObject({
  accounts: z.array(rawAccountSchema).optional(),
  nextPageToken: z.string().optional(),
});
const listEntitlementsSchema = z.looseObject({
  entitlements: z.array(rawEntitlementSchema).optional(),
  nextPageToken: z.string().optional(),
});

const envelopeSchema = z.object({
  error: z.looseObject({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
  }),
});

export const API_ACCOUNTS = 'providers.accounts.list';
export const API_ENTITLEMENTS = 'providers.entitlements.list';

export interface AccountPage {
  accounts: RawAccount[];
  /** the token this page was fetched with (undefined for the first) */
  pageToken: string | undefined;
  nextPageToken: string | undefined;
}

export interface ProcurementClient {
  accountPages(options?: { pageToken?: string; signal?: AbortSignal }): AsyncGenerator<AccountPage>;
  entitlementPages(filter: string, signal?: AbortSignal): AsyncGenerator<RawEntitlement[]>;
  /** one account, to prove credentials and endpoint */
  probe(signal?: AbortSignal): Promise<void>;
}

export interface ProcurementClientDeps {
  tokens: GcpTokenSource;
  logger: Logger;
  http?: AxiosInstance;
  limiter?: RateLimiter;
  sleep?: Sleep;
}

/** Turns a non-200 answer (Google's `{"error":{code,message,status}}` or anything else) into an AdapterError. */
export function errorFromResponse(
  api: string,
  res: Pick<AxiosResponse, 'status' | 'data' | 'headers'>,
): AdapterError {
  let code = `HTTP_${res.status}`;
  let message = `HTTP ${res.status}`;
  try {
    const env = envelopeSchema.safeParse(typeof res.data === 'string' ? JSON.parse(res.data) : res.data);
    if (env.success) {
      code = env.data.error.status ?? code;
      message = env.data.error.message ?? message;
    }
  } catch {
    // not JSON (a proxy's HTML page): keep the HTTP status as the code
  }
  const cls = classifyStatus(res.status, code);
  const retryAfter = parseRetryAfter(headerOf(res.headers, 'retry-after'));
  return new AdapterError(`${res.status} ${code}: ${message}`, {
    cloud: 'gcp',
    api,
    ...cls,
    status: res.status,
    code,
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  });
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const v = typeof h.get === 'function' ? h.get(name) : h[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Network failures, aborts and anything unexpected: a server-side, retryable fault, secrets stripped. */
function classifyThrown(api: string) {
  return (err: unknown): AdapterError => {
    const code = axios.isAxiosError(err) ? (err.code ?? 'NetworkError') : 'UnexpectedError';
    return new AdapterError(
      `request failed: ${errorMessage(err)}`,
      { cloud: 'gcp', api, fault: 'server', retryable: true, code },
      {
        cause: sanitizedCause(err),
      },
    );
  };
}

export function createProcurementClient(config: GcpConfig, deps: ProcurementClientDeps): ProcurementClient {
  const http = deps.http ?? axios.create({ baseURL: config.baseUrl });
  const limiter =
    deps.limiter ?? createRateLimiter({ perSecond: config.requestsPerSecond, burst: config.burst });
  const provider = encodeURIComponent(config.providerId);
  const retry = {
    maxAttempts: config.maxAttempts,
    baseDelayMs: config.serverErrorBaseDelayMs,
    maxDelayMs: config.maxDelayMs,
    budgetMs: config.retryBudgetMs,
    timeoutMs: config.timeoutMs,
    throttleMinDelayMs: config.throttleMinDelayMs,
  };

  const getJson = (
    api: string,
    path: string,
    params: Record<string, string | number>,
    signal?: AbortSignal,
  ) =>
    callWithPolicy<unknown>(
      async (attemptSignal) => {
        const send = async (token: string) =>
          http.get<string>(path, {
            params,
            headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
            signal: attemptSignal,
            responseType: 'text',
            transformResponse: (x: unknown) => x,
            validateStatus: () => true,
          });
        let res = await send(await deps.tokens.token(false));
        if (res.status === 401) {
          // An access token can expire or be revoked early: mint a new one once, then give up.
          deps.logger.info('access token rejected; refreshing once', { cloud: 'gcp', api });
          res = await send(await deps.tokens.token(true));
        }
        if (res.status !== 200) throw errorFromResponse(api, res);
        try {
          return JSON.parse(res.data) as unknown;
        } catch (err) {
          throw new AdapterError(
            'answer is not JSON',
            { cloud: 'gcp', api, fault: 'server', retryable: false, code: 'BadPayload' },
            { cause: sanitizedCause(err) },
          );
        }
      },
      {
        cloud: 'gcp',
        api,
        limiter,
        retry,
        classify: classifyThrown(api),
        logger: deps.logger,
        ...(signal ? { signal } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
      },
    );

  const parse = <T>(api: string, schema: z.ZodType<T>, body: unknown): T => {
    const r = schema.safeParse(body);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    throw new AdapterError(
      `unexpected payload at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      { cloud: 'gcp', api, fault: 'server', retryable: false, code: 'BadPayload' },
      { cause: r.error },
    );
  };

  return {
    async *accountPages(options = {}) {
      const guard = createPageGuard({ cloud: 'gcp', api: API_ACCOUNTS, maxPages: config.maxPages });
      // the next page is asked for while the caller handles this one (the chain is the bottleneck)
      const chain = prefetchChain(
        async (token, signal) => {
          const params: Record<string, string | number> = { pageSize: config.pageSize };
          if (token !== undefined) params.pageToken = token;
          const body = await getJson(API_ACCOUNTS, `v1/providers/${provider}/accounts`, params, signal);
          return { token, page: parse(API_ACCOUNTS, listAccountsSchema, body) };
        },
        ({ page }) => (guard.next(page.nextPageToken) ? page.nextPageToken : undefined),
        { first: options.pageToken, signal: options.signal },
      );
      for await (const { page: step } of chain) {
        yield {
          accounts: step.page.accounts ?? [],
          pageToken: step.token,
          nextPageToken: step.page.nextPageToken || undefined,
        };
      }
    },
    async *entitlementPages(filter, signal) {
      const guard = createPageGuard({ cloud: 'gcp', api: API_ENTITLEMENTS, maxPages: config.maxPages });
      let token: string | undefined;
      for (;;) {
        const params: Record<string, string | number> = { filter, pageSize: 200 };
        if (token !== undefined) params.pageToken = token;
        const body = await getJson(API_ENTITLEMENTS, `v1/providers/${provider}/entitlements`, params, signal);
        const page = parse(API_ENTITLEMENTS, listEntitlementsSchema, body);
        yield page.entitlements ?? [];
        if (!guard.next(page.nextPageToken)) return;
        token = page.nextPageToken;
      }
    },
    async probe(signal) {
      const body = await getJson(API_ACCOUNTS, `v1/providers/${provider}/accounts`, { pageSize: 1 }, signal);
      parse(API_ACCOUNTS, listAccountsSchema, body);
    },
  };
}

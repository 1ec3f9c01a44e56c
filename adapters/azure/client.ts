// The only file of the Azure adapter that speaks HTTP. It returns Azure's own shapes (map.ts
// converts them), pages the subscription list by re-issuing the continuation token against the
// configured base URL (never by following an absolute @nextLink), caches bearer tokens, and turns
// every failure into an AdapterError through the shared call policy.
import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { AccessToken, TokenCredential } from '@azure/identity';
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
import type { AzureConfig } from './config.ts';
import { extractContinuationToken } from './map.ts';

export const API_SUBSCRIPTIONS = 'saas-subscriptions';
export const API_USAGE_EVENTS = 'usageEvents';
export const API_TOKEN = 'entra-token';

export interface AzureClientDeps {
  credential: TokenCredential;
  logger: Logger;
  clock?: () => Date;
  /** an axios instance to send with (its baseURL is overridden per request); one is made otherwise */
  http?: AxiosInstance;
  /** shared per-API limiters, when the sync wants one budget across runs */
  limiters?: { subscriptions?: RateLimiter; usageEvents?: RateLimiter };
  sleep?: Sleep;
  random?: () => number;
}

export interface SubscriptionPage {
  /** raw items as Azure sent them */
  subscriptions: unknown[];
  page: number;
  last: boolean;
}

export interface UsageEventQuery {
  usageStartDate: string;
  usageEndDate?: string;
  offerId?: string;
  planId?: string;
  azureSubscriptionId?: string;
  reconStatus?: string;
}

export interface AzureClient {
  listSubscriptions(signal?: AbortSignal): AsyncGenerator<SubscriptionPage>;
  listUsageEvents(query: UsageEventQuery, signal?: AbortSignal): Promise<unknown[]>;
  /** one page of the subscription list: proves the token, the app registration and the host */
  probe(signal?: AbortSignal): Promise<void>;
}

const CLOUD = 'azure';
const FORBIDDEN_HINT =
  'the token was refused after a refresh: check that AZURE_CLIENT_ID / AZURE_TENANT_ID are the Entra app ' +
  "registered on the offer's Technical configuration page in Partner Center (a different app gets 403)";

/** Caches the marketplace token until `marginMs` before it expires; one request in flight at a time. */
export function createTokenCache(
  credential: TokenCredential,
  options: { scope: string; marginMs: number; timeoutMs: number; clock: () => Date; logger: Logger },
) {
  let cached: AccessToken | undefined;
  let inflight: Promise<AccessToken> | undefined;
  const fresh = (t: AccessToken | undefined): t is AccessToken =>
    t !== undefined && t.expiresOnTimestamp - options.marginMs > options.clock().getTime();
  const fetchToken = async (signal?: AbortSignal): Promise<AccessToken> =>
    callWithPolicy(
      async (attemptSignal) => {
        const token = await credential.getToken(options.scope, {
          abortSignal: attemptSignal,
          requestOptions: { timeout: options.timeoutMs },
        });
        if (!token?.token) throw new Error('the credential returned no token');
        return token;
      },
      {
        cloud: CLOUD,
        api: API_TOKEN,
        retry: { maxAttempts: 2, timeoutMs: options.timeoutMs },
        ...(signal ? { signal } : {}),
        // Credential failures are configuration problems (wrong tenant, secret, federated file).
        classify: (err) =>
          new AdapterError(
            `could not get an Entra token for ${options.scope}: ${errorMessage(err)} ` +
              '(set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE)',
            { cloud: CLOUD, api: API_TOKEN, fault: 'client', retryable: false, code: 'CredentialFailed' },
            { cause: err },
          ),
      },
    );
  return {
    async get(signal?: AbortSignal): Promise<string> {
      if (fresh(cached)) return cached.token;
      inflight ??= fetchToken(signal).finally(() => (inflight = undefined));
      cached = await inflight;
      if (!fresh(cached)) options.logger.warn('the credential handed out a token that is about to expire');
      return cached.token;
    },
    invalidate(): void {
      cached = undefined;
    },
  };
}

export function createAzureClient(config: AzureConfig, deps: AzureClientDeps): AzureClient {
  const clock = deps.clock ?? (() => new Date());
  const logger = deps.logger.child({ cloud: CLOUD });
  const http =
    deps.http ??
    axios.create({
      baseURL: config.baseUrl,
      allowAbsoluteUrls: false,
      timeout: config.timeoutMs,
      proxy: false,
    });
  const tokens = createTokenCache(deps.credential, {
    scope: config.scope,
    marginMs: config.tokenRefreshMarginMs,
    timeoutMs: config.timeoutMs,
    clock,
    logger,
  });
  const limiters = {
    [API_SUBSCRIPTIONS]:
      deps.limiters?.subscriptions ??
      createRateLimiter({ perSecond: config.requestsPerSecond, burst: config.burst }),
    [API_USAGE_EVENTS]:
      deps.limiters?.usageEvents ??
      createRateLimiter({ perSecond: config.requestsPerSecond, burst: config.burst }),
  };
  const correlationId = randomUUID();
  const retryOptions = {
    ...Object.fromEntries(Object.entries(config.retry).filter(([, v]) => v !== undefined)),
    timeoutMs: config.timeoutMs,
  };

  /** One GET of a path relative to the base URL, with one token refresh on 401/403. */
  async function get(api: keyof typeof limiters, path: string, params: URLSearchParams, signal: AbortSignal) {
    const url = `${path}?${params.toString()}`;
    let refreshed = false;
    for (;;) {
      const token = await tokens.get(signal);
      const res: AxiosResponse<string> = await http.request({
        method: 'GET',
        url,
        baseURL: config.baseUrl,
        allowAbsoluteUrls: false,
        timeout: config.timeoutMs,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        maxRedirects: 0,
        signal,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'x-ms-requestid': randomUUID(),
          'x-ms-correlationid': correlationId,
        },
      });
      if ((res.status === 401 || res.status === 403) && !refreshed) {
        // An expired or revoked token gets one fresh try; a second refusal is the app registration.
        refreshed = true;
        tokens.invalidate();
        logger.info('token refused; refreshing it once', { api, status: res.status });
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res.data;
      throw statusError(api, res, refreshed);
    }
  }

  function statusError(api: string, res: AxiosResponse<string>, refreshed: boolean): AdapterError {
    const header = res.headers['retry-after'];
    const retryAfterMs = parseRetryAfter(typeof header === 'string' ? header : undefined, clock().getTime());
    const code = azureErrorCode(res.data) ?? `HTTP${res.status}`;
    const cls = classifyStatus(res.status, code);
    let message = `HTTP ${res.status} ${code}`;
    if (res.status === 401 || res.status === 403) message += refreshed ? `: ${FORBIDDEN_HINT}` : '';
    else if (res.status === 404) message += ': not found (check baseUrl and apiVersion)';
    return new AdapterError(message, {
      cloud: CLOUD,
      api,
      ...cls,
      status: res.status,
      code,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  const classify = (api: string) => (err: unknown) => {
    if (err instanceof AdapterError) return err;
    const code = (err as { code?: unknown }).code;
    return new AdapterError(
      `request failed: ${typeof code === 'string' ? code + ' ' : ''}${errorMessage(err)}`,
      { cloud: CLOUD, api, fault: 'server', retryable: true, ...(typeof code === 'string' ? { code } : {}) },
      { cause: err },
    );
  };

  const call = <T>(api: keyof typeof limiters, fn: (s: AbortSignal) => Promise<T>, signal?: AbortSignal) =>
    callWithPolicy(fn, {
      cloud: CLOUD,
      api,
      limiter: limiters[api],
      retry: retryOptions,
      classify: classify(api),
      logger,
      ...(signal ? { signal } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    });

  function parseBody(api: string, text: string): unknown {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new AdapterError(
        'the answer is not JSON',
        { cloud: CLOUD, api, fault: 'server', retryable: false, code: 'BadPayload' },
        { cause: err },
      );
    }
  }

  async function subscriptionPage(token: string | undefined, signal?: AbortSignal) {
    const params = new URLSearchParams({ 'api-version': config.apiVersion });
    if (token !== undefined) params.set('continuationToken', token);
    const text = await call(
      API_SUBSCRIPTIONS,
      (s) => get(API_SUBSCRIPTIONS, '/api/saas/subscriptions', params, s),
      signal,
    );
    const body = parseBody(API_SUBSCRIPTIONS, text);
    // "If no purchased SaaS subscriptions are found for this publisher, empty response body is returned."
    if (body === undefined) return { subscriptions: [] as unknown[], next: undefined };
    const envelope = body as { subscriptions?: unknown; '@nextLink'?: unknown };
    if (typeof body !== 'object' || body === null || !Array.isArray(envelope.subscriptions)) {
      throw new AdapterError('the answer has no subscriptions array', {
        cloud: CLOUD,
        api: API_SUBSCRIPTIONS,
        fault: 'server',
        retryable: false,
        code: 'BadPayload',
      });
    }
    const link = envelope['@nextLink'];
    const next = extractContinuationToken(typeof link === 'string' ? link : undefined);
    if (!next.ok) {
      throw new AdapterError(next.reason, {
        cloud: CLOUD,
        api: API_SUBSCRIPTIONS,
        fault: 'server',
        retryable: false,
        code: 'BadNextLink',
      });
    }
    return { subscriptions: envelope.subscriptions as unknown[], next: next.value };
  }

  return {
    async *listSubscriptions(signal) {
      const guard = createPageGuard({ cloud: CLOUD, api: API_SUBSCRIPTIONS, maxPages: config.maxPages });
      // the next page is asked for while the caller handles this one (the chain is the bottleneck)
      const chain = prefetchChain(
        (token, chainSignal) => subscriptionPage(token, chainSignal),
        ({ next }) => (guard.next(next) ? next : undefined),
        { signal },
      );
      let page = 0;
      for await (const step of chain) {
        page++;
        yield { subscriptions: step.page.subscriptions, page, last: !step.more };
      }
    },

    async listUsageEvents(query, signal) {
      const params = new URLSearchParams({ 'api-version': config.apiVersion });
      for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
      const text = await call(
        API_USAGE_EVENTS,
        (s) => get(API_USAGE_EVENTS, '/api/usageEvents', params, s),
        signal,
      );
      const body = parseBody(API_USAGE_EVENTS, text);
      if (body === undefined) return [];
      if (!Array.isArray(body)) {
        throw new AdapterError('the answer is not a JSON array', {
          cloud: CLOUD,
          api: API_USAGE_EVENTS,
          fault: 'server',
          retryable: false,
          code: 'BadPayload',
        });
      }
      return body as unknown[];
    },

    async probe(signal) {
      await subscriptionPage(undefined, signal);
    },
  };
}

/** Azure error bodies vary ({"error":{"code"}} or {"code"}); the code is kept, the text is not echoed. */
function azureErrorCode(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown }; code?: unknown };
    const code = body.error?.code ?? body.code;
    return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

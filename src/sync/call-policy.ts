// How every marketplace call behaves: a per-API rate limiter at the published quota, retries with
// full-jitter back-off that honour Retry-After and stop at a budget, a timeout on every attempt,
// and a page guard that stops on a repeated page token or at a page cap.
import { AdapterError } from '../errors.ts';
import type { Logger } from '../log.ts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface RateLimiter {
  readonly perSecond: number;
  /** resolves when the caller may send one request */
  take(signal?: AbortSignal): Promise<void>;
}

export interface RateLimiterOptions {
  perSecond: number;
  /** requests that may go at once after a quiet spell; default 1 (strict spacing) */
  burst?: number;
  now?: () => number;
  sleep?: Sleep;
}

/**
 * A GCRA token bucket: each caller reserves its slot synchronously, then sleeps until it, so
 * concurrent callers never exceed the rate and never busy-wait.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (!(options.perSecond > 0)) throw new RangeError('perSecond must be > 0');
  const interval = 1000 / options.perSecond;
  const tolerance = (Math.max(1, options.burst ?? 1) - 1) * interval;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? realSleep;
  let tat = -Infinity;
  return {
    perSecond: options.perSecond,
    async take(signal) {
      const t = now();
      const start = Math.max(tat, t);
      const allowAt = start - tolerance;
      tat = start + interval;
      if (allowAt > t) await sleep(allowAt - t, signal);
    },
  };
}

export interface RetryOptions {
  /** attempts in all, the first included */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** give up when the next wait would end later than this after the first attempt */
  budgetMs: number;
  /** per-attempt timeout */
  timeoutMs: number;
  /** the least wait after a throttling answer (Google asks for 30 s) */
  throttleMinDelayMs?: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 20_000,
  budgetMs: 120_000,
  timeoutMs: 30_000,
};

export interface CallOptions {
  cloud: string;
  api: string;
  retry?: Partial<RetryOptions>;
  limiter?: RateLimiter;
  /** turns whatever the call threw into an AdapterError (vendor errors stay in client.ts) */
  classify: (err: unknown) => AdapterError;
  logger?: Logger;
  signal?: AbortSignal;
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
}

/** Runs `fn` under the rate limiter, the timeout and the retry policy; throws an AdapterError. */
export async function callWithPolicy<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  options: CallOptions,
): Promise<T> {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const started = now();
  for (let attempt = 1; ; attempt++) {
    if (options.limiter) await options.limiter.take(options.signal);
    let error: AdapterError;
    try {
      return await withTimeout(fn, retry.timeoutMs, options);
    } catch (err) {
      if (options.signal?.aborted) throw err;
      error = err instanceof AdapterError ? err : options.classify(err);
    }
    if (!error.retryable) throw error;
    if (attempt >= retry.maxAttempts) {
      throw new AdapterError(
        `gave up after ${attempt} attempts: ${bare(error)}`,
        { ...infoOf(error), retryable: true },
        { cause: error },
      );
    }
    const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    let delay = random() * cap;
    if (error.throttled) delay = Math.max(delay, retry.throttleMinDelayMs ?? 0);
    if (error.retryAfterMs !== undefined) delay = Math.max(delay, error.retryAfterMs);
    if (now() + delay - started > retry.budgetMs) {
      throw new AdapterError(
        `retry budget of ${retry.budgetMs} ms spent after ${attempt} attempts: ${bare(error)}`,
        { ...infoOf(error), retryable: true },
        { cause: error },
      );
    }
    options.logger?.debug('retrying', {
      cloud: options.cloud,
      api: options.api,
      attempt,
      delayMs: Math.round(delay),
      status: error.status,
      code: error.code,
    });
    await sleep(delay, options.signal);
  }
}

/** The message without the "cloud api: " prefix AdapterError adds, so wrapping does not repeat it. */
function bare(e: AdapterError): string {
  const prefix = `${e.cloud} ${e.api}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

function infoOf(e: AdapterError) {
  return {
    cloud: e.cloud,
    api: e.api,
    fault: e.fault,
    retryable: e.retryable,
    throttled: e.throttled,
    ...(e.status !== undefined ? { status: e.status } : {}),
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  };
}

async function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  options: CallOptions,
): Promise<T> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new AdapterError(`no answer within ${timeoutMs} ms`, {
        cloud: options.cloud,
        api: options.api,
        fault: 'server',
        retryable: true,
        code: 'Timeout',
      });
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    return await Promise.race([fn(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** Retry-After as seconds or an HTTP date → milliseconds (undefined when absent or unreadable). */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Error names that mean "slow down", across AWS, Google and Azure. */
export const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'BandwidthLimitExceeded',
  'RESOURCE_EXHAUSTED',
  'RATE_LIMIT_EXCEEDED',
  'TooManyRequests',
]);

export interface StatusClass {
  fault: 'client' | 'server';
  retryable: boolean;
  throttled: boolean;
}

/** Classifies by HTTP status and error name together: a throttle is a throttle whatever its status. */
export function classifyStatus(status: number | undefined, code?: string): StatusClass {
  if (status === 429 || (code !== undefined && THROTTLING_NAMES.has(code))) {
    return { fault: 'server', retryable: true, throttled: true };
  }
  if (status === undefined) return { fault: 'server', retryable: true, throttled: false };
  if (status === 408 || status === 500 || status === 502 || status === 503 || status === 504) {
    return { fault: 'server', retryable: true, throttled: false };
  }
  if (status >= 500) return { fault: 'server', retryable: false, throttled: false };
  return { fault: 'client', retryable: false, throttled: false };
}

export interface PageGuard {
  /** call with each page's next token; returns true when there is another page to fetch */
  next(token: string | null | undefined): token is string;
  readonly pages: number;
}

/** Stops on an absent/empty token; throws on a token seen before or when the page cap is reached. */
export function createPageGuard(options: { cloud: string; api: string; maxPages: number }): PageGuard {
  const seen = new Set<string>();
  let pages = 0;
  return {
    get pages() {
      return pages;
    },
    next(token): token is string {
      pages++;
      if (token === null || token === undefined || token === '') return false;
      if (seen.has(token)) {
        throw new AdapterError(
          `the service returned the same page token twice (after ${pages} pages); stopped`,
          {
            cloud: options.cloud,
            api: options.api,
            fault: 'server',
            retryable: false,
            code: 'RepeatedPageToken',
          },
        );
      }
      if (pages >= options.maxPages) {
        throw new AdapterError(`page cap of ${options.maxPages} reached; results are incomplete`, {
          cloud: options.cloud,
          api: options.api,
          fault: 'server',
          retryable: false,
          code: 'PageCapReached',
        });
      }
      seen.add(token);
      return true;
    },
  };
}

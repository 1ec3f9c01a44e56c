// A loopback server speaking the Azure commercial-marketplace wire protocol: SaaS Fulfillment v2
// `GET /api/saas/subscriptions` (100 per page, `@nextLink` with a continuationToken, absolute and on
// ANOTHER host, as Azure sends it) and metering `GET /api/usageEvents`, behind a bearer-token check
// that answers 403 to an expired token. Faults can be injected while it runs. Tests and the demo use it.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';

/** What the fake serves. Subscriptions are cached as JSON once served: change them before start. */
export interface AzureFakeState {
  /** SaaS subscriptions in the Fulfillment v2 wire shape */
  subscriptions: Array<Record<string, unknown>>;
  /** metering usage events in the `GET /api/usageEvents` wire shape */
  usageEvents: Array<Record<string, unknown>>;
  /** Partner Center ISVCustomer rows (column → value), written by writeAzureReports */
  customers: Array<Record<string, string>>;
  /** Partner Center ISVUsage rows */
  usage: Array<Record<string, string>>;
}

export interface AzureFakeFaults {
  /** subscriptions per page (Azure: 100) */
  pageSize: number;
  /** from this page on (>= 2), `@nextLink` repeats the token that fetched the page */
  repeatTokenAtPage?: number;
  /** the next `count` requests get 429 with this Retry-After */
  throttle: { count: number; retryAfterSeconds: number };
  /** the next `count` requests get `status` */
  serverErrors: { count: number; status: number };
  /** every answer waits this long */
  delayMs: number;
  /** bearer tokens answered with 403 as expired */
  expiredTokens: Set<string>;
  /** write `@nextLink` the way the documentation sample does: "https:// https://…" */
  malformedNextLink: boolean;
}

export interface AzureFakeOptions {
  state: AzureFakeState;
  faults?: Partial<AzureFakeFaults>;
  /** the host put in `@nextLink` (Azure's own by default; never this server) */
  nextLinkBase?: string;
}

export interface AzureFake {
  url: string;
  state: AzureFakeState;
  faults: AzureFakeFaults;
  /** every request answered: path, query and status (for assertions about what was asked) */
  requests: Array<{ path: string; query: Record<string, string>; status: number }>;
  close(): Promise<void>;
}

const API_VERSION = '2018-08-31';

/** A token string in the Cosmos-like shape Azure uses, carrying the next offset. */
function pageToken(offset: number, page: number): string {
  const rid = Buffer.from(`page-${page}`).toString('base64');
  return `[{"token":"+RID:~${rid}#RT:${page}#TRC:${offset}#ISV:1#FPC:AgEAAAAQ","range":{"min":"","max":"05C1C9CD673398"}}]`;
}

function parsePageToken(token: string): { offset: number; page: number } | undefined {
  const m = /#RT:(\d+)#TRC:(\d+)#/.exec(token);
  return m ? { page: Number(m[1]), offset: Number(m[2]) } : undefined;
}

export async function startAzureFake(options: AzureFakeOptions): Promise<AzureFake> {
  const state = options.state;
  const faults: AzureFakeFaults = {
    pageSize: 100,
    throttle: { count: 0, retryAfterSeconds: 1 },
    serverErrors: { count: 0, status: 500 },
    delayMs: 0,
    expiredTokens: new Set(),
    malformedNextLink: false,
    ...options.faults,
  };
  const nextLinkBase = (options.nextLinkBase ?? 'https://marketplaceapi.microsoft.com').replace(/\/+$/, '');
  // Pages are cut by offset (the token carries it), so any page is O(page size) to answer, and each
  // subscription is serialised once, when first served (a 300k listing is read twice per sync).
  const all = state.subscriptions;
  const json: string[] = [];
  const itemJson = (i: number) => (json[i] ??= JSON.stringify(all[i]));
  const requests: AzureFake['requests'] = [];

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  };
  const error = (code: string, message: string) => JSON.stringify({ error: { code, message } });

  function subscriptions(query: URLSearchParams): [number, string] {
    const token = query.get('continuationToken');
    let offset = 0;
    let page = 1;
    if (token !== null) {
      const parsed = parsePageToken(token);
      if (!parsed || parsed.offset > all.length) {
        return [400, error('BadRequest', 'The continuation token is not valid.')];
      }
      ({ offset, page } = parsed);
    }
    if (all.length === 0) return [200, ''];
    const end = Math.min(all.length, offset + Math.max(1, faults.pageSize));
    const items: string[] = [];
    for (let i = offset; i < end; i++) items.push(itemJson(i));
    let body = `{"subscriptions":[${items.join(',')}]`;
    let nextToken: string | undefined;
    if (token !== null && faults.repeatTokenAtPage !== undefined && page >= faults.repeatTokenAtPage)
      nextToken = token;
    else if (end < all.length) nextToken = pageToken(end, page + 1);
    if (nextToken !== undefined) {
      const link = `${nextLinkBase}/api/saas/subscriptions/?continuationToken=${encodeURIComponent(nextToken)}&api-version=${API_VERSION}`;
      body += `,"@nextLink":${JSON.stringify(faults.malformedNextLink ? `https:// ${link}` : link)}`;
    }
    return [200, body + '}'];
  }

  function usageEvents(query: URLSearchParams): [number, string] {
    const start = Date.parse(query.get('usageStartDate') ?? '');
    if (Number.isNaN(start)) return [400, error('BadArgument', 'usageStartDate is required.')];
    const endRaw = query.get('usageEndDate') ?? query.get('UsageEndDate');
    const end = endRaw === null ? Infinity : Date.parse(endRaw);
    const filters = ['offerId', 'planId', 'azureSubscriptionId', 'reconStatus', 'dimension']
      .map((k) => [k, query.get(k)] as const)
      .filter((kv): kv is readonly [string, string] => kv[1] !== null);
    const out = state.usageEvents.filter((e) => {
      const t = Date.parse(String(e['usageDate']));
      // The end bound is inclusive here, so a client that slices windows must not read twice.
      return t >= start && t <= end && filters.every(([k, v]) => String(e[k] ?? '') === v);
    });
    return [200, JSON.stringify(out)];
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const answer = (status: number, body: string, headers?: Record<string, string>) => {
      requests.push({ path: url.pathname, query, status });
      send(res, status, body, {
        'x-ms-requestid': String(req.headers['x-ms-requestid'] ?? randomUUID()),
        ...headers,
      });
    };
    if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (res.destroyed) return;
    if (faults.throttle.count > 0) {
      faults.throttle.count--;
      return answer(429, error('TooManyRequests', 'Too many requests.'), {
        'retry-after': String(faults.throttle.retryAfterSeconds),
      });
    }
    if (faults.serverErrors.count > 0) {
      faults.serverErrors.count--;
      return answer(faults.serverErrors.status, error('InternalServerError', 'Retry the API call.'));
    }
    const auth = /^Bearer (\S+)$/i.exec(String(req.headers['authorization'] ?? ''));
    if (!auth || faults.expiredTokens.has(auth[1]!)) {
      return answer(403, error('Forbidden', 'The authorization token is unavailable, invalid, or expired.'));
    }
    if (req.method !== 'GET') return answer(405, error('MethodNotAllowed', 'Only GET is served.'));
    if (url.searchParams.get('api-version') !== API_VERSION) {
      return answer(400, error('BadRequest', 'Invalid api-version.'));
    }
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/api/saas/subscriptions') return answer(...subscriptions(url.searchParams));
    if (path === '/api/usageEvents') return answer(...usageEvents(url.searchParams));
    return answer(404, error('NotFound', 'Not found.'));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, error('InternalServerError', 'fake failed')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    faults,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * A TokenCredential for the fake (ClientSecretCredential refuses a non-https authority, so no
 * fake STS): hands out `tokens` in order, then keeps giving the last. Counts its calls.
 */
export function createFakeCredential(
  tokens: Array<{ token: string; expiresInMs?: number }> = [
    { token: 'eyJ0eXAiOiJKV1QifQ.fake-marketplace-token' },
  ],
  now: () => number = Date.now,
): TokenCredential & { calls: number } {
  let i = 0;
  const credential = {
    calls: 0,
    async getToken(): Promise<AccessToken> {
      credential.calls++;
      const t = tokens[Math.min(i++, tokens.length - 1)]!;
      return {
        token: t.token,
        expiresOnTimestamp: now() + (t.expiresInMs ?? 3_600_000),
        tokenType: 'Bearer',
      };
    },
  };
  return credential;
}

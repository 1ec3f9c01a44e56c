// A loopback server speaking the Cloud Commerce Partner Procurement API's wire protocol (REST/JSON,
// `pageSize`/`pageToken` -> `nextPageToken`, Google's error envelope) and the OAuth token endpoint,
// with fault injection. Pages are sliced from pre-serialised items so 300k+ accounts serve fast.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileFilter, FilterSyntaxError, type Compiled } from './fake-filter.ts';
import type { GcpFakeAccount, GcpFakeEntitlement, GcpFakeState } from './fake-state.ts';
import { createTokenIssuer } from './fake-token.ts';
import type { ServiceAccountKey } from './config.ts';

export { writeGcpReports } from './fake-reports.ts';
export type * from './fake-state.ts';

/** Mutable fault switches; counters count down one per API request. */
export interface GcpFaults {
  /** the server's own page-size cap (Google may return fewer items than asked) */
  pageSize?: number;
  /** from this page on (1-based), the answer repeats the request's page token */
  repeatTokenFromPage?: number;
  /** next N API requests: 429 RESOURCE_EXHAUSTED */
  throttle: number;
  /** Retry-After seconds on those 429s (omitted when undefined) */
  retryAfterSeconds?: number;
  /** next N API requests: 5xx */
  serverErrors: number;
  serverErrorStatus: 500 | 503;
  /** next N API requests wait `slowMs` before answering */
  slowRequests: number;
  slowMs: number;
  /** next N API requests find the token they present expired (401) */
  expireTokens: number;
  /** every API request answers 403 PERMISSION_DENIED */
  forbidden: boolean;
  tokenTtlSeconds: number;
}

export interface GcpFakeStats {
  apiRequests: number;
  tokenRequests: number;
  /** HTTP status -> count, API requests only */
  statuses: Record<number, number>;
  /** request paths with query, in order (kept only when `recordPaths` is set) */
  paths: string[];
}

export interface GcpFakeOptions {
  state: GcpFakeState;
  faults?: Partial<GcpFaults>;
  recordPaths?: boolean;
  now?: () => number;
}

export interface GcpFake {
  url: string;
  state: GcpFakeState;
  faults: GcpFaults;
  stats: GcpFakeStats;
  /** a service-account key JSON whose token_uri is this fake's /token */
  createServiceAccountKey(email?: string): ServiceAccountKey;
  close(): Promise<void>;
}

const ACCOUNTS_DEFAULT_PAGE = 25;
const ENTITLEMENTS_DEFAULT_PAGE = 200;
const MAX_PAGE = 200;

export async function startGcpFake(options: GcpFakeOptions): Promise<GcpFake> {
  const { state } = options;
  const now = options.now ?? Date.now;
  const faults: GcpFaults = {
    throttle: 0,
    serverErrors: 0,
    serverErrorStatus: 503,
    slowRequests: 0,
    slowMs: 0,
    expireTokens: 0,
    forbidden: false,
    tokenTtlSeconds: 3600,
    ...options.faults,
  };
  const stats: GcpFakeStats = { apiRequests: 0, tokenRequests: 0, statuses: {}, paths: [] };
  let url = '';
  const issuer = createTokenIssuer(() => `${url}/token`, now);

  // Serialised once, on first use: the hot path only slices and joins.
  let accountJson: string[] | undefined;
  let entitlementJson: string[] | undefined;
  let byAccount: Map<string, number[]> | undefined;
  const filterCache = new Map<string, number[]>();
  const accountsJson = () =>
    (accountJson ??= state.accounts.map((a) => JSON.stringify(accountWire(state, a))));
  const entitlementsJson = () =>
    (entitlementJson ??= state.entitlements.map((e) => JSON.stringify(entitlementWire(state, e))));
  const accountIndex = () => {
    if (!byAccount) {
      byAccount = new Map();
      state.entitlements.forEach((e, i) => {
        const list = byAccount!.get(e.accountId);
        if (list) list.push(i);
        else byAccount!.set(e.accountId, [i]);
      });
    }
    return byAccount;
  };
  const matching = (filter: string): number[] => {
    const cached = filterCache.get(filter);
    if (cached) return cached;
    const compiled: Compiled = compileFilter(filter);
    let candidates: number[];
    if (compiled.accounts) {
      const index = accountIndex();
      candidates = [...compiled.accounts].flatMap((a) => index.get(a) ?? []).sort((x, y) => x - y);
    } else candidates = state.entitlements.map((_, i) => i);
    const hits = candidates.filter((i) => compiled.test(state.entitlements[i]!));
    if (filterCache.size >= 256) filterCache.delete(filterCache.keys().next().value!);
    filterCache.set(filter, hits);
    return hits;
  };

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    res.end(body);
  };
  const apiError = (
    res: ServerResponse,
    code: number,
    status: string,
    message: string,
    extra: object = {},
  ) => {
    stats.statuses[code] = (stats.statuses[code] ?? 0) + 1;
    const headers: Record<string, string> = {};
    if (code === 429 && faults.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(faults.retryAfterSeconds);
    if (code === 401)
      headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
    send(res, code, JSON.stringify({ error: { code, message, status, ...extra } }), headers);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, u: URL) => {
    stats.apiRequests++;
    if (options.recordPaths) stats.paths.push(u.pathname + u.search);
    if (faults.slowRequests > 0) {
      faults.slowRequests--;
      await new Promise((r) => setTimeout(r, faults.slowMs));
      // The client gave up while we slept: answer nothing, so a late wake-up cannot be counted
      // against faults set up by a later test.
      if (res.destroyed || req.socket.destroyed) return;
    }
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token !== undefined && faults.expireTokens > 0 && issuer.check(token) === 'ok') {
      faults.expireTokens--;
      issuer.expire(token);
    }
    const auth = issuer.check(token);
    if (auth !== 'ok') {
      return apiError(res, 401, 'UNAUTHENTICATED', UNAUTHENTICATED_MESSAGE, {
        details: [errorInfo(auth === 'expired' ? 'ACCESS_TOKEN_EXPIRED' : 'CREDENTIALS_MISSING')],
      });
    }
    if (faults.forbidden) {
      return apiError(res, 403, 'PERMISSION_DENIED', 'The caller does not have permission', {
        details: [errorInfo('IAM_PERMISSION_DENIED')],
      });
    }
    if (faults.throttle > 0) {
      faults.throttle--;
      return apiError(
        res,
        429,
        'RESOURCE_EXHAUSTED',
        "Quota exceeded for quota metric 'Read requests' of service 'cloudcommerceprocurement.googleapis.com'.",
        { details: [errorInfo('RATE_LIMIT_EXCEEDED')] },
      );
    }
    if (faults.serverErrors > 0) {
      faults.serverErrors--;
      const s = faults.serverErrorStatus;
      return apiError(
        res,
        s,
        s === 503 ? 'UNAVAILABLE' : 'INTERNAL',
        s === 503 ? 'The service is currently unavailable.' : 'Internal error encountered.',
      );
    }
    const m = /^\/v1\/providers\/([^/]+)\/(accounts|entitlements)$/.exec(u.pathname);
    if (req.method !== 'GET' || !m)
      return apiError(res, 404, 'NOT_FOUND', `Method not found: ${req.method} ${u.pathname}`);
    if (decodeURIComponent(m[1]!) !== state.providerId) {
      return apiError(res, 403, 'PERMISSION_DENIED', `Permission denied on resource providers/${m[1]}`, {
        details: [errorInfo('IAM_PERMISSION_DENIED')],
      });
    }
    const listing = m[2] as 'accounts' | 'entitlements';
    const filter = u.searchParams.get('filter') ?? '';
    if (listing === 'accounts' && filter !== '')
      return apiError(res, 400, 'INVALID_ARGUMENT', 'Unknown name "filter"');
    const askedSize = Number(u.searchParams.get('pageSize') ?? '0');
    if (!Number.isInteger(askedSize) || askedSize < 0)
      return apiError(res, 400, 'INVALID_ARGUMENT', 'Invalid page size');
    let size =
      askedSize === 0
        ? listing === 'accounts'
          ? ACCOUNTS_DEFAULT_PAGE
          : ENTITLEMENTS_DEFAULT_PAGE
        : Math.min(askedSize, MAX_PAGE);
    if (faults.pageSize !== undefined) size = Math.min(size, faults.pageSize);
    const scope = `${listing}|${filter}`;
    const pageToken = u.searchParams.get('pageToken') ?? '';
    let offset = 0;
    let page = 1;
    if (pageToken !== '') {
      const decoded = decodeToken(pageToken);
      if (!decoded || decoded.scope !== scope)
        return apiError(res, 400, 'INVALID_ARGUMENT', 'Invalid page token');
      offset = decoded.offset;
      page = decoded.page;
    }
    let items: string[];
    let total: number;
    if (listing === 'accounts') {
      const all = accountsJson();
      total = all.length;
      items = all.slice(offset, offset + size);
    } else {
      let hits: number[];
      try {
        hits = filter === '' ? [] : matching(filter);
      } catch (err) {
        if (err instanceof FilterSyntaxError)
          return apiError(res, 400, 'INVALID_ARGUMENT', `Invalid filter: ${err.message}`);
        throw err;
      }
      const all = entitlementsJson();
      const slice =
        filter === ''
          ? all.slice(offset, offset + size)
          : hits.slice(offset, offset + size).map((i) => all[i]!);
      total = filter === '' ? all.length : hits.length;
      items = slice;
    }
    let next = offset + size < total ? encodeToken({ scope, offset: offset + size, page: page + 1 }) : '';
    if (faults.repeatTokenFromPage !== undefined && page >= faults.repeatTokenFromPage && pageToken !== '')
      next = pageToken;
    stats.statuses[200] = (stats.statuses[200] ?? 0) + 1;
    const tail = next === '' ? '' : `,"nextPageToken":${JSON.stringify(next)}`;
    send(res, 200, `{"${listing}":[${items.join(',')}]${tail}}`);
  };

  const handleToken = async (req: IncomingMessage, res: ServerResponse) => {
    stats.tokenRequests++;
    const body = await readBody(req);
    if (req.method !== 'POST') return send(res, 405, JSON.stringify({ error: 'invalid_request' }));
    const answer = issuer.grant(new URLSearchParams(body), faults.tokenTtlSeconds);
    send(res, answer.status, JSON.stringify(answer.body), { 'cache-control': 'no-store' });
  };

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const work = u.pathname === '/token' ? handleToken(req, res) : handleApi(req, res, u);
    work.catch((err: unknown) => {
      send(res, 500, JSON.stringify({ error: { code: 500, message: String(err), status: 'INTERNAL' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    faults,
    stats,
    createServiceAccountKey: (email) => issuer.createServiceAccountKey(email),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const UNAUTHENTICATED_MESSAGE =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.';

const errorInfo = (reason: string) => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
  metadata: { service: 'cloudcommerceprocurement.googleapis.com' },
});

function encodeToken(t: { scope: string; offset: number; page: number }): string {
  return Buffer.from(JSON.stringify([t.scope, t.offset, t.page])).toString('base64url');
}

function decodeToken(token: string): { scope: string; offset: number; page: number } | undefined {
  try {
    const [scope, offset, page] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown[];
    if (typeof scope !== 'string' || !Number.isInteger(offset) || !Number.isInteger(page)) return undefined;
    return { scope, offset: offset as number, page: page as number };
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function accountWire(state: GcpFakeState, a: GcpFakeAccount): Record<string, unknown> {
  return {
    name: a.nameStyle === 'bare' ? `accounts/${a.id}` : `providers/${state.providerId}/accounts/${a.id}`,
    provider: state.providerId,
    state: a.state ?? 'ACCOUNT_ACTIVE',
    approvals: [{ name: 'signup', state: 'APPROVED', updateTime: a.createTime }],
    ...(a.inputProperties ? { inputProperties: a.inputProperties } : {}),
    createTime: a.createTime,
    updateTime: a.updateTime,
  };
}

export function entitlementWire(state: GcpFakeState, e: GcpFakeEntitlement): Record<string, unknown> {
  return {
    name: `providers/${state.providerId}/entitlements/${e.id}`,
    account: `providers/${state.providerId}/accounts/${e.accountId}`,
    provider: state.providerId,
    product: e.productExternalName,
    productExternalName: e.productExternalName,
    plan: e.plan,
    ...(e.offer !== undefined ? { offer: e.offer } : {}),
    ...(e.usageReportingId !== undefined ? { usageReportingId: e.usageReportingId } : {}),
    state: e.state,
    ...(e.consumers.length > 0 ? { consumers: e.consumers.map((project) => ({ project })) } : {}),
    createTime: e.createTime,
    updateTime: e.updateTime,
    ...(e.subscriptionEndTime !== undefined ? { subscriptionEndTime: e.subscriptionEndTime } : {}),
  };
}

// A local AWS that speaks the real wire protocols on 127.0.0.1: the Marketplace Agreement service
// (JSON 1.0, X-Amz-Target AWSMPCommerceService_v20200301.*, `__type` errors, epoch-second times),
// Bedrock (restJson GET /foundation-models, x-amzn-errortype on errors) and S3 path-style
// (ListObjectsV2 XML, GetObject streamed) for the seller data feeds. Real SDK clients point at it.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFaults, faultAnswer } from './fake-faults.ts';
import type { AwsFakeFaults, FakeService, FaultRule } from './fake-faults.ts';

export type { AwsFakeFaults, FaultRule, FaultKind, FakeService } from './fake-faults.ts';

export interface FakeInvoice {
  invoiceId: string;
  year: number;
  month: number;
  amount: string;
  currencyCode: string;
  /** epoch seconds */
  issuedTime: number;
  invoiceType: 'INVOICE' | 'CREDIT_MEMO';
}

export interface FakeAgreement {
  agreementId: string;
  acceptorAccountId: string;
  status: string;
  productId: string;
  productType: string;
  offerId: string;
  /** epoch seconds, as on the wire */
  acceptanceTime: number;
  startTime: number;
  endTime?: number;
  lastUpdateTime: number;
  estimatedCharges?: { currencyCode: string; agreementValue: string };
  invoices?: FakeInvoice[];
}

export interface FakeObject {
  key: string;
  lastModified: Date;
  /** the bytes, or chunks produced on demand so a large feed is never held as one string */
  body: string | (() => Iterable<string>);
}

export interface FakeModel {
  modelId: string;
  modelName: string;
  providerName: string;
}

export interface AwsFakeState {
  proposerAccountId: string;
  agreements: FakeAgreement[];
  bucket: string;
  objects: FakeObject[];
  models: FakeModel[];
  /** the seller's own product -> model map (not served; pass it to the adapter's `productModels`) */
  productModels: Record<string, string>;
}

export interface AwsFakeOptions {
  state: AwsFakeState;
  /** when set, requests signed with any other access key id get UnrecognizedClientException */
  accessKeyIds?: string[];
}

export interface AwsFake {
  url: string;
  state: AwsFakeState;
  faults: AwsFakeFaults;
  /** static credentials the fake accepts (for `deps.credentials`) */
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AWSMPCommerceService_v20200301.';
const AGREEMENT_NS = 'com.amazonaws.marketplaceagreement#';
const CORAL_NS = 'com.amazon.coral.service#';
const MAX_RESULTS = 50;

export async function startAwsFake(options: AwsFakeOptions): Promise<AwsFake> {
  const state = options.state;
  const faults = createFaults();
  const sorted = [...state.agreements].sort(
    (a, b) => a.lastUpdateTime - b.lastUpdateTime || (a.agreementId < b.agreementId ? -1 : 1),
  );
  const byId = new Map(sorted.map((a) => [a.agreementId, a]));
  const byAcceptor = new Map<string, FakeAgreement[]>();
  for (const a of sorted) {
    const list = byAcceptor.get(a.acceptorAccountId);
    if (list) list.push(a);
    else byAcceptor.set(a.acceptorAccountId, [a]);
  }
  const objects = [...state.objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const objectByKey = new Map(objects.map((o) => [o.key, o]));
  const filtered = new Map<string, FakeAgreement[]>();
  const accessKeyIds = options.accessKeyIds ? new Set(options.accessKeyIds) : undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const target = header(req, 'x-amz-target');
    const service: FakeService = target
      ? 'agreement'
      : url.pathname === '/foundation-models'
        ? 'bedrock'
        : 's3';
    const op = target?.startsWith(TARGET_PREFIX)
      ? target.slice(TARGET_PREFIX.length)
      : service === 'bedrock'
        ? 'ListFoundationModels'
        : url.searchParams.get('list-type') === '2'
          ? 'ListObjectsV2'
          : 'GetObject';
    const fail = (status: number, code: string, message: string, extra: Record<string, string> = {}) =>
      sendError(res, service, status, code, message, extra);

    const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\//.exec(header(req, 'authorization') ?? '');
    if (!auth) return fail(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const rule = faults.take(service, op);
    if (rule?.kind === 'slow') await delay(rule.delayMs ?? 1000);
    else if (rule) return injected(service, rule, fail);
    if (accessKeyIds && !accessKeyIds.has(auth[1] ?? '')) {
      return injected(service, { kind: 'invalid-token' }, fail);
    }
    if (service === 'bedrock')
      return sendJson(res, 200, 'application/json', { modelSummaries: state.models.map(modelSummary) });
    if (service === 's3') return s3(req, res, url, op, fail);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body || '{}') as Record<string, unknown>;
    } catch {
      return fail(400, 'SerializationException', 'Malformed JSON');
    }
    switch (op) {
      case 'SearchAgreements':
        return searchAgreements(res, input, fail);
      case 'DescribeAgreement': {
        const a = byId.get(String(input['agreementId']));
        if (!a)
          return fail(
            400,
            'ResourceNotFoundException',
            `Agreement ${String(input['agreementId'])} not found`,
          );
        return sendJson(res, 200, JSON_10, describe(a, state.proposerAccountId));
      }
      case 'ListAgreementInvoiceLineItems':
        return invoiceLines(res, input, fail);
      default:
        return fail(400, 'UnknownOperationException', `Unknown operation ${target ?? ''}`);
    }
  }

  type Fail = (status: number, code: string, message: string, extra?: Record<string, string>) => void;

  function injected(service: FakeService, rule: FaultRule, fail: Fail) {
    const a = faultAnswer(service, rule);
    const extra: Record<string, string> = {};
    if (rule.retryAfterSeconds !== undefined) extra['retry-after'] = String(rule.retryAfterSeconds);
    fail(a.status, a.code, a.message, extra);
  }

  function searchAgreements(res: ServerResponse, input: Record<string, unknown>, fail: Fail) {
    if (input['catalog'] !== 'AWSMarketplace')
      return fail(400, 'ValidationException', 'catalog must be AWSMarketplace');
    const filters = new Map<string, string[]>();
    for (const f of (input['filters'] as Array<{ name?: string; values?: string[] }> | undefined) ?? []) {
      filters.set(f.name ?? '', f.values ?? []);
    }
    if (!filters.has('AgreementType'))
      return fail(400, 'ValidationException', 'The AgreementType filter is required');
    const key = JSON.stringify([...filters].sort());
    let list = filtered.get(key);
    if (!list) {
      const acceptor = filters.get('AcceptorAccountId')?.[0];
      const after = filters.get('AfterLastUpdateTime')?.[0];
      const status = filters.get('Status');
      const proposer = filters.get('PartyType')?.[0] !== 'Acceptor';
      list = (acceptor ? (byAcceptor.get(acceptor) ?? []) : sorted).filter(
        (a) =>
          proposer &&
          filters.get('AgreementType')?.includes('PurchaseAgreement') &&
          (after === undefined || a.lastUpdateTime > Date.parse(after) / 1000) &&
          (status === undefined || status.includes(a.status)),
      );
      if (filtered.size > 16) filtered.clear();
      filtered.set(key, list);
    }
    const page = pageOf(list, input, key, 'SearchAgreements', fail);
    if (!page) return;
    sendJson(res, 200, JSON_10, {
      agreementViewSummaries: page.items.map((a) => summary(a, state.proposerAccountId)),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    });
  }

  function invoiceLines(res: ServerResponse, input: Record<string, unknown>, fail: Fail) {
    if (input['groupBy'] !== 'INVOICE_ID')
      return fail(400, 'ValidationException', 'groupBy must be INVOICE_ID');
    const a = byId.get(String(input['agreementId']));
    if (!a)
      return fail(400, 'ResourceNotFoundException', `Agreement ${String(input['agreementId'])} not found`);
    const after = typeof input['afterIssuedTime'] === 'number' ? input['afterIssuedTime'] : -Infinity;
    const list = (a.invoices ?? []).filter((i) => i.issuedTime > after);
    const page = pageOf(list, input, `${a.agreementId}|${after}`, 'ListAgreementInvoiceLineItems', fail);
    if (!page) return;
    sendJson(res, 200, JSON_10, {
      agreementInvoiceLineItemGroupSummaries: page.items.map((i) => ({
        agreementId: a.agreementId,
        invoiceId: i.invoiceId,
        pricingCurrencyAmount: { amount: i.amount, currencyCode: i.currencyCode },
        invoiceBillingPeriod: { month: i.month, year: i.year },
        issuedTime: i.issuedTime,
        invoiceType: i.invoiceType,
        invoicingEntity: { legalName: 'Amazon Web Services, Inc.' },
      })),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    });
  }

  function pageOf<T>(list: T[], input: Record<string, unknown>, query: string, op: string, fail: Fail) {
    const max = input['maxResults'] === undefined ? MAX_RESULTS : Number(input['maxResults']);
    if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
      fail(400, 'ValidationException', `maxResults must be between 1 and ${MAX_RESULTS}`);
      return undefined;
    }
    const size = Math.min(max, faults.pageSize ?? MAX_RESULTS);
    const token = typeof input['nextToken'] === 'string' ? input['nextToken'] : undefined;
    const offset = token === undefined ? 0 : decodeToken(token, query);
    if (typeof offset !== 'number') {
      fail(400, 'ValidationException', 'Invalid nextToken');
      return undefined;
    }
    const items = list.slice(offset, offset + size);
    const repeat = faults.repeatToken;
    if (token && repeat?.op === op && offset / size >= repeat.afterPages) return { items, nextToken: token };
    const next = offset + size < list.length ? encodeToken(offset + size, query) : undefined;
    return { items, nextToken: next };
  }

  async function s3(req: IncomingMessage, res: ServerResponse, url: URL, op: string, fail: Fail) {
    const [, bucket = '', ...rest] = url.pathname.split('/');
    if (req.method !== 'GET') return fail(405, 'MethodNotAllowed', 'The specified method is not allowed');
    if (decodeURIComponent(bucket) !== state.bucket)
      return fail(404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (op === 'ListObjectsV2') return listObjects(res, url, fail);
    const key = rest.map(decodeURIComponent).join('/');
    const obj = objectByKey.get(key);
    if (!obj) return fail(404, 'NoSuchKey', 'The specified key does not exist.');
    res.writeHead(200, {
      'content-type': 'text/csv',
      'last-modified': obj.lastModified.toUTCString(),
      etag: `"${key.length.toString(16)}${obj.lastModified.getTime().toString(16)}"`,
    });
    const chunks = typeof obj.body === 'string' ? [obj.body] : obj.body();
    let buf = '';
    for (const chunk of chunks) {
      buf += chunk;
      if (buf.length < 65536) continue;
      if (res.destroyed) return;
      if (!res.write(buf)) await once(res, 'drain');
      buf = '';
    }
    res.end(buf);
  }

  function listObjects(res: ServerResponse, url: URL, fail: Fail) {
    const prefix = url.searchParams.get('prefix') ?? '';
    const maxKeys = Math.min(Number(url.searchParams.get('max-keys') ?? 1000), faults.pageSize ?? 1000);
    const token = url.searchParams.get('continuation-token') ?? undefined;
    const startAfter = token === undefined ? '' : decodeToken(token, prefix);
    if (startAfter === undefined)
      return fail(400, 'InvalidArgument', 'The continuation token provided is incorrect');
    const matching = objects.filter((o) => o.key.startsWith(prefix) && o.key > String(startAfter));
    const page = matching.slice(0, maxKeys);
    const last = page[page.length - 1];
    const truncated = matching.length > page.length && last !== undefined;
    const repeat = faults.repeatToken?.op === 'ListObjectsV2' && token !== undefined;
    const next = repeat ? token : truncated ? encodeToken(last.key, prefix) : undefined;
    const contents = page
      .map(
        (o) =>
          `<Contents><Key>${xml(o.key)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified>` +
          `<ETag>&quot;${o.key.length.toString(16)}&quot;</ETag><Size>${typeof o.body === 'string' ? Buffer.byteLength(o.body) : 0}</Size>` +
          `<StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join('');
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Name>${xml(state.bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
      `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${next !== undefined}</IsTruncated>` +
      (token ? `<ContinuationToken>${xml(token)}</ContinuationToken>` : '') +
      (next ? `<NextContinuationToken>${xml(next)}</NextContinuationToken>` : '') +
      `${contents}</ListBucketResult>`;
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(body);
  }

  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    faults,
    credentials: {
      accessKeyId: options.accessKeyIds?.[0] ?? 'AKIDFAKEAWS0000EXAMPLE',
      secretAccessKey: 'fake-secret-for-local-use',
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const JSON_10 = 'application/x-amz-json-1.0';

function summary(a: FakeAgreement, proposer: string) {
  return {
    agreementId: a.agreementId,
    acceptanceTime: a.acceptanceTime,
    startTime: a.startTime,
    ...(a.endTime !== undefined ? { endTime: a.endTime } : {}),
    lastUpdateTime: a.lastUpdateTime,
    agreementType: 'PurchaseAgreement',
    acceptor: { accountId: a.acceptorAccountId },
    proposer: { accountId: proposer },
    proposalSummary: { resources: [{ id: a.productId, type: a.productType }], offerId: a.offerId },
    status: a.status,
  };
}

function describe(a: FakeAgreement, proposer: string) {
  const { lastUpdateTime: _lastUpdate, ...rest } = summary(a, proposer);
  return { ...rest, ...(a.estimatedCharges ? { estimatedCharges: a.estimatedCharges } : {}) };
}

function modelSummary(m: FakeModel) {
  return {
    modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${m.modelId}`,
    modelId: m.modelId,
    modelName: m.modelName,
    providerName: m.providerName,
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['TEXT'],
    responseStreamingSupported: true,
    customizationsSupported: [],
    inferenceTypesSupported: ['INFERENCE_PROFILE'],
    modelLifecycle: { status: 'ACTIVE' },
  };
}

function sendError(
  res: ServerResponse,
  service: FakeService,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string>,
) {
  const requestId = `fake-${Math.random().toString(16).slice(2, 10)}`;
  if (service === 's3') {
    res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId, ...extra });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xml(code)}</Code><Message>${xml(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
    );
    return;
  }
  const coral = /Token|Authentication|UnrecognizedClient/.test(code);
  if (service === 'bedrock') {
    const type = `${code}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
    return sendJson(
      res,
      status,
      'application/json',
      { message },
      { 'x-amzn-errortype': type, 'x-amzn-requestid': requestId, ...extra },
    );
  }
  const type = (coral ? CORAL_NS : AGREEMENT_NS) + code;
  sendJson(res, status, JSON_10, { __type: type, message }, { 'x-amzn-requestid': requestId, ...extra });
}

function sendJson(
  res: ServerResponse,
  status: number,
  type: string,
  body: unknown,
  extra: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function encodeToken(position: number | string, query: string): string {
  return Buffer.from(JSON.stringify({ p: position, q: query })).toString('base64url');
}

function decodeToken(token: string, query: string): number | string | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { p?: unknown; q?: unknown };
    return t.q === query && (typeof t.p === 'number' || typeof t.p === 'string') ? t.p : undefined;
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function xml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

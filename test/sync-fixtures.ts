// Test data and an in-test MarketplaceAdapter (a double of the core-owned seam, not of any SDK):
// deterministic tenants and usage in pages, resumable from its own cursor, with an optional
// delay per page and a failure after N pages.
import type {
  Cloud,
  ListOptions,
  MarketplaceAdapter,
  Page,
  TenantRecord,
  UsageRecord,
} from '../src/adapter.ts';
import { AdapterError } from '../src/errors.ts';

export function tenantRecord(cloud: Cloud, key: string, extra: Partial<TenantRecord> = {}): TenantRecord {
  return {
    cloud,
    tenantKey: key,
    accountIds: [key],
    legalName: `Company ${key}`,
    entitlements: [{ id: `agr-${key}`, state: 'active', product: 'claude' }],
    links: [],
    provenance: [
      { field: 'legalName', source: 'test-feed', recordId: key, retrievedAt: '2026-01-01T00:00:00.000Z' },
    ],
    missing: [],
    partner: cloud,
    ...extra,
  };
}

export function usageRecord(cloud: Cloud, key: string, lineId: string, quantity: number): UsageRecord {
  return {
    cloud,
    tenantKey: key,
    modelId: 'claude-sonnet-4-5',
    dimension: 'inputTokens',
    quantity,
    unit: 'token',
    periodStart: '2026-01-01T00:00:00.000Z',
    periodEnd: '2026-02-01T00:00:00.000Z',
    source: 'test-usage',
    lineId,
  };
}

export interface FakeAdapterOptions {
  cloud: Cloud;
  tenants: number;
  pageSize: number;
  /** usage lines per tenant */
  usagePerTenant?: number;
  delayMs?: number;
  /** throw after this many pages of the given stream */
  failAfterPages?: { stream: 'tenants' | 'usage' | 'both'; pages: number; error?: Error };
  /** the final page carries a cursor (incremental source) instead of none (full refresh) */
  keepFinalCursor?: boolean;
}

export interface FakeAdapterLog {
  /** the cursor each stream call started from */
  startedFrom: Array<{ stream: 'tenants' | 'usage'; cursor: string | undefined }>;
  pagesServed: number;
}

const key = (cloud: Cloud, i: number) => `${cloud}-${String(i).padStart(7, '0')}`;

/** Pages of `pageSize`; the cursor is the index of the next item ("done:N" past the end). */
export function createFakeAdapter(o: FakeAdapterOptions): MarketplaceAdapter & { log: FakeAdapterLog } {
  const log: FakeAdapterLog = { startedFrom: [], pagesServed: 0 };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  async function* pages<T>(
    stream: 'tenants' | 'usage',
    total: number,
    make: (i: number) => T,
    options: ListOptions | undefined,
  ): AsyncGenerator<Page<T>> {
    log.startedFrom.push({ stream, cursor: options?.cursor });
    let at = options?.cursor ? Number(options.cursor.replace('done:', '')) : 0;
    let served = 0;
    while (at < total) {
      const failing = o.failAfterPages && [stream, 'both'].includes(o.failAfterPages.stream);
      if (failing && served >= o.failAfterPages!.pages) {
        throw (
          o.failAfterPages!.error ??
          new AdapterError('503 Service Unavailable', {
            cloud: o.cloud,
            api: `${stream}-api`,
            fault: 'server',
            retryable: true,
            status: 503,
          })
        );
      }
      if (o.delayMs) await sleep(o.delayMs);
      options?.signal?.throwIfAborted();
      const end = Math.min(total, at + o.pageSize);
      const items: T[] = [];
      for (let i = at; i < end; i++) items.push(make(i));
      at = end;
      served++;
      log.pagesServed++;
      const last = at >= total;
      yield {
        source: `${stream}-api`,
        items,
        ...(!last ? { cursor: String(at) } : o.keepFinalCursor ? { cursor: `done:${at}` } : {}),
      };
    }
  }
  const perTenant = o.usagePerTenant ?? 1;
  return {
    cloud: o.cloud,
    sources: ['tenants-api', 'usage-api'],
    log,
    tenants: (options) => pages('tenants', o.tenants, (i) => tenantRecord(o.cloud, key(o.cloud, i)), options),
    usage: (_window, options) =>
      pages(
        'usage',
        o.tenants * perTenant,
        (i) => usageRecord(o.cloud, key(o.cloud, Math.floor(i / perTenant)), `line-${i}`, i + 1),
        options,
      ),
    health: async () => {},
  };
}

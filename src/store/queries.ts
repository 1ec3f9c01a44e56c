// Read side for the audit and reports. Every list is partitioned by partner or cloud and comes
// back in a fixed order; tenant lists stream by keyset pagination, never all in memory.
import type { ChannelLink, ChannelRole, Cloud, TenantRecord } from '../adapter.ts';
import type { Db } from './db.ts';
import type { RunStatus, StreamName } from './sync-state.ts';

export interface StoredTenant extends TenantRecord {
  firstSeen: string;
  lastSeen: string;
  runId: string;
}

interface TenantRow {
  cloud: Cloud;
  tenant_key: string;
  partner: Cloud;
  account_ids: string[];
  legal_name: string | null;
  display_name: string | null;
  country_code: string | null;
  domain: string | null;
  registration_ids: Array<{ scheme: string; id: string }>;
  entitlements: TenantRecord['entitlements'];
  provenance: TenantRecord['provenance'];
  missing: string[];
  first_seen: Date | string;
  last_seen: Date | string;
  run_id: string;
}

interface LinkRow {
  cloud: Cloud;
  from_key: string;
  role: ChannelRole;
  to_key: string;
  source: string;
}

const iso = (v: Date | string | null): string | undefined =>
  v === null ? undefined : v instanceof Date ? v.toISOString() : new Date(v).toISOString();

/** jsonb arrives parsed from both drivers; tolerate a string in case a driver hands text back. */
const parsed = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toTenant(r: TenantRow, links: ChannelLink[]): StoredTenant {
  const regs = parsed(r.registration_ids);
  return {
    cloud: r.cloud,
    tenantKey: r.tenant_key,
    partner: r.partner,
    accountIds: parsed(r.account_ids),
    ...(r.legal_name !== null ? { legalName: r.legal_name } : {}),
    ...(r.display_name !== null ? { displayName: r.display_name } : {}),
    ...(r.country_code !== null ? { countryCode: r.country_code } : {}),
    ...(r.domain !== null ? { domain: r.domain } : {}),
    ...(regs.length ? { registrationIds: regs } : {}),
    entitlements: parsed(r.entitlements),
    links,
    provenance: parsed(r.provenance),
    missing: parsed(r.missing),
    firstSeen: iso(r.first_seen)!,
    lastSeen: iso(r.last_seen)!,
    runId: r.run_id,
  };
}

const toLink = (r: LinkRow): ChannelLink => ({
  cloud: r.cloud,
  fromKey: r.from_key,
  role: r.role,
  toKey: r.to_key,
  source: r.source,
});

export interface StreamTenantsOptions {
  /** rows per query; memory is bounded by this, not by the number of tenants */
  pageSize?: number;
  /** resume after this (cloud, tenantKey), exclusive */
  after?: { cloud: Cloud; tenantKey: string };
  /**
   * only tenants last seen at or after this instant (ISO). Meaningful for full-snapshot sources
   * only: an incremental source re-sends changed tenants alone, so unchanged ones keep an old
   * last_seen and would be dropped.
   */
  seenSince?: string;
}

/** one page of a partner's tenants after a (cloud, tenantKey), as one JSON document */
export const TENANT_PAGE_SQL = `SELECT json_agg(t ORDER BY t.cloud, t.tenant_key)::text AS page FROM (
  SELECT * FROM tenants WHERE partner = $1 AND (cloud, tenant_key) > ($2, $3)
    AND ($4::timestamptz IS NULL OR last_seen >= $4::timestamptz)
  ORDER BY cloud, tenant_key LIMIT $5) t`;

/**
 * Refreshes the planner's statistics of the tables read by key. Without them the planner takes
 * each tenant page by sorting every remaining row of the partner (quadratic over a whole
 * stream); an embedded store has no autovacuum to gather them after a bulk write.
 */
export async function refreshStatistics(db: Db): Promise<void> {
  await db.exec('ANALYZE tenants, channel_links, usage, tenant_flags, outcomes, audit_decisions');
}

/**
 * One partner's tenants in (cloud, tenantKey) order, each with the links that point at it
 * (toKey = tenantKey). Keyset pagination: each page is one query plus one query for its links.
 */
export async function* streamTenants(
  db: Db,
  partner: Cloud,
  options: StreamTenantsOptions = {},
): AsyncGenerator<StoredTenant> {
  for await (const page of streamTenantPages(db, partner, options)) yield* page;
}

/**
 * The same tenants a page at a time (`pageSize` each, the last one shorter), for readers that
 * work in batches: reading ahead by pages costs one promise per page instead of one per tenant.
 */
export async function* streamTenantPages(
  db: Db,
  partner: Cloud,
  options: StreamTenantsOptions = {},
): AsyncGenerator<StoredTenant[]> {
  const pageSize = options.pageSize ?? 1000;
  let after = options.after ? [options.after.cloud, options.after.tenantKey] : ['', ''];
  for (;;) {
    // One JSON document per page: the embedded database hands a page over 2-3x faster as one text
    // value than as rows of a dozen typed columns each.
    const { rows: page } = await db.query<{ page: string | null }>(TENANT_PAGE_SQL, [
      partner,
      after[0],
      after[1],
      options.seenSince ?? null,
      pageSize,
    ]);
    const text = page[0]?.page ?? null;
    if (text === null) return;
    const rows = JSON.parse(text) as TenantRow[];
    const { rows: linkRows } = await db.query<LinkRow>(
      `SELECT l.cloud, l.from_key, l.role, l.to_key, l.source FROM channel_links l
         JOIN jsonb_to_recordset($1::jsonb) AS k(c text, t text) ON l.cloud = k.c AND l.to_key = k.t
       ORDER BY l.cloud, l.to_key, l.role, l.from_key`,
      [JSON.stringify(rows.map((r) => ({ c: r.cloud, t: r.tenant_key })))],
    );
    const links = new Map<string, ChannelLink[]>();
    for (const l of linkRows) {
      const k = `${l.cloud}\u0000${l.to_key}`;
      const list = links.get(k);
      if (list === undefined) links.set(k, [toLink(l)]);
      else list.push(toLink(l));
    }
    yield rows.map((r) => toTenant(r, links.get(`${r.cloud}\u0000${r.tenant_key}`) ?? []));
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = [last.cloud, last.tenant_key];
  }
}

export async function getTenant(db: Db, cloud: Cloud, tenantKey: string): Promise<StoredTenant | undefined> {
  const { rows } = await db.query<TenantRow>('SELECT * FROM tenants WHERE cloud = $1 AND tenant_key = $2', [
    cloud,
    tenantKey,
  ]);
  const row = rows[0];
  if (!row) return undefined;
  const links = (await linksForTenant(db, cloud, tenantKey)).filter((l) => l.toKey === tenantKey);
  return toTenant(row, links);
}

/** Links touching a tenant in either direction (it is served by, or it serves), sorted. */
export async function linksForTenant(db: Db, cloud: Cloud, tenantKey: string): Promise<ChannelLink[]> {
  const { rows } = await db.query<LinkRow>(
    `SELECT cloud, from_key, role, to_key, source FROM channel_links
     WHERE cloud = $1 AND (to_key = $2 OR from_key = $2) ORDER BY to_key, role, from_key`,
    [cloud, tenantKey],
  );
  return rows.map(toLink);
}

export interface UsageTotal {
  modelId: string;
  dimension: string;
  unit: string;
  currency: string | null;
  /** decimal string: exact, as summed by the database */
  quantity: string;
  lines: number;
}

/**
 * A tenant's usage whose period starts in [from, to), summed per model, dimension, unit and
 * currency. Quantities are decimal strings so large token counts and money stay exact.
 */
export async function usageForTenant(
  db: Db,
  q: { cloud: Cloud; tenantKey: string; from: string; to: string },
): Promise<UsageTotal[]> {
  const { rows } = await db.query<{
    model_id: string;
    dimension: string;
    unit: string;
    currency: string | null;
    quantity: string | number;
    lines: string | number;
  }>(
    `SELECT model_id, dimension, unit, currency, sum(quantity)::text AS quantity, count(*) AS lines
     FROM usage WHERE cloud = $1 AND tenant_key = $2 AND period_start >= $3 AND period_start < $4
     GROUP BY model_id, dimension, unit, currency
     ORDER BY model_id, dimension, unit, currency NULLS FIRST`,
    [q.cloud, q.tenantKey, q.from, q.to],
  );
  return rows.map((r) => ({
    modelId: r.model_id,
    dimension: r.dimension,
    unit: r.unit,
    currency: r.currency,
    quantity: String(r.quantity),
    lines: Number(r.lines),
  }));
}

/**
 * Usage totals for many tenants of one cloud at once (one query per call, e.g. per page of
 * streamTenants), keyed by tenant key; tenants without usage in [from, to) are absent.
 */
export async function usageTotalsForTenants(
  db: Db,
  q: { cloud: Cloud; tenantKeys: readonly string[]; from: string; to: string },
): Promise<Map<string, UsageTotal[]>> {
  const out = new Map<string, UsageTotal[]>();
  if (q.tenantKeys.length === 0) return out;
  const { rows } = await db.query<{
    tenant_key: string;
    model_id: string;
    dimension: string;
    unit: string;
    currency: string | null;
    quantity: string | number;
    lines: string | number;
  }>(
    `SELECT tenant_key, model_id, dimension, unit, currency, sum(quantity)::text AS quantity, count(*) AS lines
     FROM usage WHERE cloud = $1 AND tenant_key = ANY($2::text[]) AND period_start >= $3 AND period_start < $4
     GROUP BY tenant_key, model_id, dimension, unit, currency
     ORDER BY tenant_key, model_id, dimension, unit, currency NULLS FIRST`,
    [q.cloud, [...q.tenantKeys], q.from, q.to],
  );
  for (const r of rows) {
    const list = out.get(r.tenant_key) ?? [];
    list.push({
      modelId: r.model_id,
      dimension: r.dimension,
      unit: r.unit,
      currency: r.currency,
      quantity: String(r.quantity),
      lines: Number(r.lines),
    });
    out.set(r.tenant_key, list);
  }
  return out;
}

export interface SourceStatusRow {
  cloud: Cloud;
  source: StreamName;
  lastAttemptAt: string;
  /** the last time this stream was read to its end; undefined if never */
  lastSuccessAt?: string;
  /** the last attempt read everything (no failure, no rejected record) */
  complete: boolean;
  error?: string;
  feeds: string[];
  items: number;
  rejected: number;
  runId: string;
}

/** Freshness and completeness per (cloud, stream), sorted; pass a cloud to get only its rows. */
export async function sourceStatus(db: Db, cloud?: Cloud): Promise<SourceStatusRow[]> {
  const { rows } = await db.query<{
    cloud: Cloud;
    source: StreamName;
    last_attempt_at: Date | string;
    last_success_at: Date | string | null;
    complete: boolean;
    error: string | null;
    feeds: string[] | string;
    items: string | number;
    rejected: string | number;
    run_id: string;
  }>(`SELECT * FROM source_status WHERE $1::text IS NULL OR cloud = $1 ORDER BY cloud, source`, [
    cloud ?? null,
  ]);
  return rows.map((r) => {
    const success = iso(r.last_success_at);
    return {
      cloud: r.cloud,
      source: r.source,
      lastAttemptAt: iso(r.last_attempt_at)!,
      ...(success !== undefined ? { lastSuccessAt: success } : {}),
      complete: r.complete,
      ...(r.error !== null ? { error: r.error } : {}),
      feeds: parsed(r.feeds),
      items: Number(r.items),
      rejected: Number(r.rejected),
      runId: r.run_id,
    };
  });
}

export interface SyncRunRow {
  id: string;
  startedAt: string;
  finishedAt?: string;
  status: RunStatus;
  clouds: Cloud[];
  counts: Record<string, unknown>;
  failures: Array<{ cloud: Cloud; source: string; message: string }>;
}

/** The most recent runs, newest first. */
export async function recentRuns(db: Db, limit = 10): Promise<SyncRunRow[]> {
  const { rows } = await db.query<{
    id: string;
    started_at: Date | string;
    finished_at: Date | string | null;
    status: RunStatus;
    clouds: Cloud[] | string;
    counts: Record<string, unknown> | string;
    failures: SyncRunRow['failures'] | string;
  }>('SELECT * FROM sync_runs ORDER BY started_at DESC, id LIMIT $1', [limit]);
  return rows.map((r) => {
    const finished = iso(r.finished_at);
    return {
      id: r.id,
      startedAt: iso(r.started_at)!,
      ...(finished !== undefined ? { finishedAt: finished } : {}),
      status: r.status,
      clouds: parsed(r.clouds),
      counts: parsed(r.counts),
      failures: parsed(r.failures),
    };
  });
}

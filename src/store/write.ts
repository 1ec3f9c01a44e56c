// Writing adapter pages: tenants (with the channel links their records carry) and usage lines.
// Callers run these inside the transaction that also moves the stream's cursor.
import type { ChannelLink, TenantRecord, UsageRecord } from '../adapter.ts';
import type { Db } from './db.ts';
import { upsertRows, type UpsertSpec } from './upsert.ts';

export interface WriteStamp {
  runId: string;
  /** when the rows were seen (ISO 8601) */
  seenAt: string;
}

const TENANTS: UpsertSpec = {
  table: 'tenants',
  columns: {
    cloud: 'text',
    tenant_key: 'text',
    partner: 'text',
    account_ids: 'jsonb',
    legal_name: 'text',
    display_name: 'text',
    country_code: 'text',
    domain: 'text',
    registration_ids: 'jsonb',
    entitlements: 'jsonb',
    provenance: 'jsonb',
    missing: 'jsonb',
    first_seen: 'timestamptz',
    last_seen: 'timestamptz',
    run_id: 'text',
  },
  key: ['cloud', 'tenant_key'],
  update: [
    'partner',
    'account_ids',
    'legal_name',
    'display_name',
    'country_code',
    'domain',
    'registration_ids',
    'entitlements',
    'provenance',
    'missing',
    'last_seen',
    'run_id',
  ],
};

const LINKS: UpsertSpec = {
  table: 'channel_links',
  columns: {
    cloud: 'text',
    from_key: 'text',
    role: 'text',
    to_key: 'text',
    source: 'text',
    reported_by: 'text',
    first_seen: 'timestamptz',
    last_seen: 'timestamptz',
    run_id: 'text',
  },
  key: ['cloud', 'from_key', 'role', 'to_key'],
  update: ['source', 'reported_by', 'last_seen', 'run_id'],
};

const USAGE: UpsertSpec = {
  table: 'usage',
  columns: {
    cloud: 'text',
    line_id: 'text',
    tenant_key: 'text',
    model_id: 'text',
    raw_model_id: 'text',
    dimension: 'text',
    quantity: 'numeric',
    unit: 'text',
    currency: 'text',
    period_start: 'timestamptz',
    period_end: 'timestamptz',
    source: 'text',
    first_seen: 'timestamptz',
    last_seen: 'timestamptz',
    run_id: 'text',
  },
  key: ['cloud', 'line_id'],
  update: [
    'tenant_key',
    'model_id',
    'raw_model_id',
    'dimension',
    'quantity',
    'unit',
    'currency',
    'period_start',
    'period_end',
    'source',
    'last_seen',
    'run_id',
  ],
};

/**
 * Upserts tenants and replaces the links each tenant's record carries: links it reported before
 * and no longer lists are deleted, so a changed reseller or payer does not linger.
 */
export async function writeTenants(
  tx: Db,
  tenants: readonly TenantRecord[],
  stamp: WriteStamp,
): Promise<{ tenants: number; links: number }> {
  if (tenants.length === 0) return { tenants: 0, links: 0 };
  const rows = tenants.map((t) => ({
    cloud: t.cloud,
    tenant_key: t.tenantKey,
    partner: t.partner,
    account_ids: t.accountIds,
    legal_name: t.legalName ?? null,
    display_name: t.displayName ?? null,
    country_code: t.countryCode ?? null,
    domain: t.domain ?? null,
    registration_ids: t.registrationIds ?? [],
    entitlements: t.entitlements,
    provenance: t.provenance,
    missing: t.missing,
    first_seen: stamp.seenAt,
    last_seen: stamp.seenAt,
    run_id: stamp.runId,
  }));
  const written = await upsertRows(tx, TENANTS, rows);

  const links: Array<ChannelLink & { reportedBy: string }> = [];
  for (const t of tenants) for (const l of t.links) links.push({ ...l, reportedBy: t.tenantKey });
  const byCloud = new Map<string, string[]>();
  for (const t of tenants) byCloud.set(t.cloud, [...(byCloud.get(t.cloud) ?? []), t.tenantKey]);
  for (const [cloud, keys] of byCloud) {
    const mine = links.filter((l) => l.cloud === cloud);
    // delete this page's reporters' links that are not in the new set (one statement per cloud)
    await tx.query(
      `DELETE FROM channel_links c WHERE c.cloud = $1 AND c.reported_by = ANY($2::text[])
         AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($3::jsonb) AS n(f text, r text, t text)
                         WHERE n.f = c.from_key AND n.r = c.role AND n.t = c.to_key)`,
      [cloud, keys, JSON.stringify(mine.map((l) => ({ f: l.fromKey, r: l.role, t: l.toKey })))],
    );
  }
  const linkRows = links.map((l) => ({
    cloud: l.cloud,
    from_key: l.fromKey,
    role: l.role,
    to_key: l.toKey,
    source: l.source,
    reported_by: l.reportedBy,
    first_seen: stamp.seenAt,
    last_seen: stamp.seenAt,
    run_id: stamp.runId,
  }));
  const linked = linkRows.length ? await upsertRows(tx, LINKS, linkRows) : 0;
  return { tenants: written, links: linked };
}

export async function writeUsage(tx: Db, lines: readonly UsageRecord[], stamp: WriteStamp): Promise<number> {
  if (lines.length === 0) return 0;
  const rows = lines.map((u) => ({
    cloud: u.cloud,
    line_id: u.lineId,
    tenant_key: u.tenantKey,
    model_id: u.modelId,
    raw_model_id: u.rawModelId ?? null,
    dimension: u.dimension,
    // a string keeps every digit of the number into numeric
    quantity: String(u.quantity),
    unit: u.unit,
    currency: u.currency ?? null,
    period_start: u.periodStart,
    period_end: u.periodEnd,
    source: u.source,
    first_seen: stamp.seenAt,
    last_seen: stamp.seenAt,
    run_id: stamp.runId,
  }));
  return upsertRows(tx, USAGE, rows);
}

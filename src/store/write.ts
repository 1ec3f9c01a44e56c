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
  columns: [
    'cloud',
    'tenant_key',
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
    'first_seen',
    'last_seen',
    'run_id',
  ],
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
  casts: {
    account_ids: 'jsonb',
    registration_ids: 'jsonb',
    entitlements: 'jsonb',
    provenance: 'jsonb',
    missing: 'jsonb',
  },
};

const LINKS: UpsertSpec = {
  table: 'channel_links',
  columns: [
    'cloud',
    'from_key',
    'role',
    'to_key',
    'source',
    'reported_by',
    'first_seen',
    'last_seen',
    'run_id',
  ],
  key: ['cloud', 'from_key', 'role', 'to_key'],
  update: ['source', 'reported_by', 'last_seen', 'run_id'],
};

const USAGE: UpsertSpec = {
  table: 'usage',
  columns: [
    'cloud',
    'line_id',
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
    'first_seen',
    'last_seen',
    'run_id',
  ],
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

const json = (v: unknown) => JSON.stringify(v ?? []);

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
  const rows = tenants.map((t) => [
    t.cloud,
    t.tenantKey,
    t.partner,
    json(t.accountIds),
    t.legalName ?? null,
    t.displayName ?? null,
    t.countryCode ?? null,
    t.domain ?? null,
    json(t.registrationIds),
    json(t.entitlements),
    json(t.provenance),
    json(t.missing),
    stamp.seenAt,
    stamp.seenAt,
    stamp.runId,
  ]);
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
  const linkRows = links.map((l) => [
    l.cloud,
    l.fromKey,
    l.role,
    l.toKey,
    l.source,
    l.reportedBy,
    stamp.seenAt,
    stamp.seenAt,
    stamp.runId,
  ]);
  const linked = linkRows.length ? await upsertRows(tx, LINKS, linkRows) : 0;
  return { tenants: written, links: linked };
}

export async function writeUsage(tx: Db, lines: readonly UsageRecord[], stamp: WriteStamp): Promise<number> {
  if (lines.length === 0) return 0;
  const rows = lines.map((u) => [
    u.cloud,
    u.lineId,
    u.tenantKey,
    u.modelId,
    u.rawModelId ?? null,
    u.dimension,
    // a string keeps every digit of the number into numeric
    String(u.quantity),
    u.unit,
    u.currency ?? null,
    u.periodStart,
    u.periodEnd,
    u.source,
    stamp.seenAt,
    stamp.seenAt,
    stamp.runId,
  ]);
  return upsertRows(tx, USAGE, rows);
}

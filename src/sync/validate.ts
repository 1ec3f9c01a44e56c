// The store's boundary check on what adapters hand over. A record that could merge tenants or
// double-count usage (an empty or placeholder key, another cloud's record, a non-number) is
// rejected and counted, never written: the others on the page still are, and the run ends partial.
import type { Cloud, TenantRecord, UsageRecord } from '../adapter.ts';
import { CLOUDS } from '../adapter.ts';

/** Values sources use for "no id"; written as keys they would merge unrelated tenants. */
const PLACEHOLDERS = new Set(['', 'n/a', 'na', 'none', 'null', 'undefined', 'unknown', '-', '0', '?']);

export function isPlaceholderKey(key: unknown): boolean {
  return typeof key !== 'string' || PLACEHOLDERS.has(key.trim().toLowerCase()) || key.trim() !== key;
}

const isInstant = (v: unknown): boolean => typeof v === 'string' && v !== '' && !Number.isNaN(Date.parse(v));

/** Why the tenant record must not be written, or undefined when it is fine. */
export function tenantProblem(t: TenantRecord, cloud: Cloud): string | undefined {
  if (t.cloud !== cloud) return `record of cloud ${String(t.cloud)} from the ${cloud} adapter`;
  if (isPlaceholderKey(t.tenantKey))
    return `tenantKey ${JSON.stringify(t.tenantKey)} is empty or a placeholder`;
  if (!CLOUDS.includes(t.partner)) return `partner ${JSON.stringify(t.partner)} is not a cloud`;
  for (const l of t.links) {
    if (l.cloud !== cloud) return `link to another cloud (${String(l.cloud)})`;
    if (isPlaceholderKey(l.fromKey) || isPlaceholderKey(l.toKey)) {
      return `link ${JSON.stringify(l.fromKey)} ${l.role} ${JSON.stringify(l.toKey)} has an empty or placeholder key`;
    }
  }
  return undefined;
}

export function usageProblem(u: UsageRecord, cloud: Cloud): string | undefined {
  if (u.cloud !== cloud) return `record of cloud ${String(u.cloud)} from the ${cloud} adapter`;
  if (isPlaceholderKey(u.lineId)) return `lineId ${JSON.stringify(u.lineId)} is empty or a placeholder`;
  if (isPlaceholderKey(u.tenantKey))
    return `tenantKey ${JSON.stringify(u.tenantKey)} is empty or a placeholder`;
  if (typeof u.quantity !== 'number' || !Number.isFinite(u.quantity)) {
    return `quantity ${String(u.quantity)} is not a finite number`;
  }
  if (!isInstant(u.periodStart) || !isInstant(u.periodEnd)) {
    return `period ${String(u.periodStart)}..${String(u.periodEnd)} is not a pair of dates`;
  }
  return undefined;
}

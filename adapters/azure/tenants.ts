// Azure tenants: every SaaS subscription's beneficiary tenant, joined on subscription id with the
// Partner Center ISVCustomer report for company name and country; a CSP or other purchasing
// tenant becomes a channel link and a tenant record of its own.
import type { ListOptions, Page, TenantRecord } from '../../src/adapter.ts';
import { ConfigError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import type { AzureClient } from './client.ts';
import type { AzureConfig } from './config.ts';
import {
  mapCustomerRow,
  mapSubscription,
  mergeTenantRecords,
  SOURCE_SUBSCRIPTIONS,
  unknownTenantKey,
  type CustomerInfo,
} from './map.ts';
import { readReport } from './reports.ts';

export interface AzureSourceDeps {
  client: AzureClient;
  config: AzureConfig;
  logger: Logger;
  clock: () => Date;
}

interface TenantsCursor {
  v: 1;
  /** the latest real lastModified of any subscription read */
  lastModified?: string;
  /** the latest DateAcquired/DateLost in ISVCustomer */
  customers?: string;
}

export function parseTenantsCursor(cursor: string | undefined): TenantsCursor {
  if (cursor === undefined || cursor === '') return { v: 1 };
  try {
    const c = JSON.parse(cursor) as Partial<TenantsCursor>;
    if (c.v === 1 && (c.lastModified === undefined || typeof c.lastModified === 'string')) {
      return {
        v: 1,
        ...(c.lastModified ? { lastModified: c.lastModified } : {}),
        ...(c.customers ? { customers: c.customers } : {}),
      };
    }
  } catch {
    // fall through to the error below
  }
  throw new ConfigError(
    `azure: tenants cursor ${JSON.stringify(cursor.slice(0, 80))} was not written by this adapter`,
    'cursor',
  );
}

const maxOf = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined || a >= b ? a : b;

/** The ISVCustomer rows indexed by subscription id (only the two fields kept, so memory stays small). */
export async function loadCustomers(
  dir: string,
  logger: Logger,
  signal?: AbortSignal,
): Promise<{ bySubscription: Map<string, CustomerInfo>; latest?: string }> {
  const bySubscription = new Map<string, CustomerInfo>();
  const unmapped = new Set<string>();
  let latest: string | undefined;
  let bad = 0;
  for await (const { row, file, line } of readReport(
    dir,
    'ISVCustomer',
    ['MarketplaceSubscriptionId'],
    signal,
  )) {
    const r = mapCustomerRow(row);
    if (!r.ok) {
      bad++;
      logger.warn('ISVCustomer row skipped', { file, line, reason: r.reason });
      continue;
    }
    const info = r.value;
    if (info.unmappedCountry) unmapped.add(info.unmappedCountry);
    latest = maxOf(latest, info.changedOn);
    const prev = bySubscription.get(info.subscriptionId);
    // A subscription may appear in several monthly files: the most recent row wins.
    if (!prev || (info.changedOn ?? '') >= (prev.changedOn ?? ''))
      bySubscription.set(info.subscriptionId, info);
  }
  if (unmapped.size) {
    logger.warn('ISVCustomer countries not mapped to ISO codes; those tenants have no country', {
      countries: [...unmapped].sort().slice(0, 50),
    });
  }
  if (bySubscription.size === 0) {
    logger.warn('no ISVCustomer rows in reportsDir: Azure tenants will have no company name or country', {
      dir,
    });
  } else logger.info('ISVCustomer loaded', { subscriptions: bySubscription.size, skippedRows: bad });
  return { bySubscription, ...(latest ? { latest } : {}) };
}

/**
 * Subscriptions per beneficiary tenant, from a first pass over the list. The store keeps one
 * record per tenant key (the last written), so a tenant with several subscriptions must be handed
 * over whole; this index (one short string and a number per tenant) says which ones to gather.
 */
export async function countSubscriptions(
  client: AzureClient,
  signal?: AbortSignal,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const page of client.listSubscriptions(signal)) {
    for (const raw of page.subscriptions) {
      const key = beneficiaryKeyOf(raw);
      if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

interface Gathering {
  record: TenantRecord;
  remaining: number;
  changed: boolean;
}

/** Streams tenant pages; the cursor is committed once, on the last page, when every page is read. */
export async function* listAzureTenants(
  deps: AzureSourceDeps,
  options: ListOptions = {},
): AsyncGenerator<Page<TenantRecord>> {
  const { client, config, logger } = deps;
  const since = parseTenantsCursor(options.cursor);
  const customers = config.reportsDir
    ? await loadCustomers(config.reportsDir, logger, options.signal)
    : { bySubscription: new Map<string, CustomerInfo>(), latest: undefined };
  if (!config.reportsDir) {
    logger.warn('no reportsDir: Azure tenants will have no company name or country (ISVCustomer not read)');
  }
  const perTenant = await countSubscriptions(client, options.signal);
  const next: TenantsCursor = { v: 1 };
  const stubs = new Set<string>();
  const gathering = new Map<string, Gathering>();
  let skippedUnchanged = 0;
  let unreadable = 0;
  let listChanged = 0;
  for await (const page of client.listSubscriptions(options.signal)) {
    const retrievedAt = deps.clock().toISOString();
    const items: TenantRecord[] = [];
    for (const raw of page.subscriptions) {
      const id = subscriptionIdOf(raw);
      const customer = id ? customers.bySubscription.get(id) : undefined;
      const mapped = mapSubscription(raw, customer, retrievedAt);
      if (!mapped.ok) {
        unreadable++;
        logger.error('subscription could not be read; its tenant is not reported', {
          subscriptionId: id ?? '(none)',
          page: page.page,
          reason: mapped.reason,
        });
        continue;
      }
      const { tenant, channel, lastModified } = mapped.value;
      const latest = maxOf(next.lastModified, lastModified);
      if (latest) next.lastModified = latest;
      const changed = !unchangedSince(since, lastModified, customer?.changedOn);
      // A channel party that bought for itself gets its full record from its own subscription.
      if (channel && !perTenant.has(channel.tenantKey) && !stubs.has(channel.tenantKey)) {
        stubs.add(channel.tenantKey);
        items.push(channel);
      }
      const expected = perTenant.get(tenant.tenantKey) ?? 1;
      const g = gathering.get(tenant.tenantKey);
      if (expected <= 1 && !g) {
        if (changed) items.push(tenant);
        else skippedUnchanged++;
        if (expected < 1) listChanged++; // new since the first pass
        continue;
      }
      const cur: Gathering = g
        ? {
            record: mergeTenantRecords(g.record, tenant),
            remaining: g.remaining - 1,
            changed: g.changed || changed,
          }
        : { record: tenant, remaining: expected - 1, changed };
      if (cur.remaining > 0) {
        gathering.set(tenant.tenantKey, cur);
        continue;
      }
      gathering.delete(tenant.tenantKey);
      if (cur.changed) items.push(cur.record);
      else skippedUnchanged++;
    }
    if (!page.last) {
      yield { source: SOURCE_SUBSCRIPTIONS, items };
      continue;
    }
    // Subscriptions that vanished between the two passes leave partial gatherings: hand them over.
    for (const g of gathering.values()) {
      listChanged++;
      items.push(g.record);
    }
    if (listChanged) {
      logger.warn('the subscription list changed while it was read; run again for a settled view', {
        listChanged,
      });
    }
    const cursor: TenantsCursor = {
      v: 1,
      ...optional('lastModified', maxOf(since.lastModified, next.lastModified)),
      ...optional('customers', maxOf(since.customers, customers.latest)),
    };
    logger.info('Azure subscriptions read', {
      pages: page.page,
      tenants: perTenant.size,
      skippedUnchanged,
      unreadable,
      channelOnlyParties: stubs.size,
    });
    yield { source: SOURCE_SUBSCRIPTIONS, items, cursor: JSON.stringify(cursor) };
  }
}

/**
 * Skips a subscription only when both its lastModified and its ISVCustomer row are known to be
 * older than the cursor; anything unknown is read again (a stale tenant is worse than a re-read).
 */
function unchangedSince(
  since: TenantsCursor,
  lastModified: string | undefined,
  changedOn: string | undefined,
) {
  if (!since.lastModified || !lastModified || lastModified >= since.lastModified) return false;
  if (changedOn && (!since.customers || changedOn >= since.customers)) return false;
  return true;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** The key mapSubscription will give this item: its beneficiary tenant, or the unknown-tenant key. */
function beneficiaryKeyOf(raw: unknown): string | undefined {
  const tenant = (raw as { beneficiary?: { tenantId?: unknown } | null } | null)?.beneficiary?.tenantId;
  if (typeof tenant === 'string' && tenant.trim()) return tenant.trim();
  const id = subscriptionIdOf(raw);
  return id ? unknownTenantKey(id) : undefined;
}

function subscriptionIdOf(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.trim() ? id.trim() : undefined;
}

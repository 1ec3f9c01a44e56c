// Azure tenants: every SaaS subscription's beneficiary tenant, joined on subscription id with the
// Partner Center ISVCustomer report for company name and country; a CSP or other purchasing
// tenant becomes a channel link and a tenant record of its own.
import type { ListOptions, Page, TenantRecord } from '../../src/adapter.ts';
import { ConfigError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import type { AzureClient } from './client.ts';
import type { AzureConfig } from './config.ts';
import { mapCustomerRow, mapSubscription, SOURCE_SUBSCRIPTIONS, type CustomerInfo } from './map.ts';
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
  logger.info('ISVCustomer loaded', { subscriptions: bySubscription.size, skippedRows: bad });
  return { bySubscription, ...(latest ? { latest } : {}) };
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
  const next: TenantsCursor = { v: 1 };
  const resellers = new Set<string>();
  let skippedUnchanged = 0;
  let unreadable = 0;
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
      if (unchangedSince(since, lastModified, customer?.changedOn)) {
        skippedUnchanged++;
        continue;
      }
      items.push(tenant);
      if (channel && !resellers.has(channel.tenantKey)) {
        resellers.add(channel.tenantKey);
        items.push(channel);
      }
    }
    if (!page.last) {
      yield { source: SOURCE_SUBSCRIPTIONS, items };
      continue;
    }
    const cursor: TenantsCursor = {
      v: 1,
      ...optional('lastModified', maxOf(since.lastModified, next.lastModified)),
      ...optional('customers', maxOf(since.customers, customers.latest)),
    };
    logger.info('Azure subscriptions read', {
      pages: page.page,
      skippedUnchanged,
      unreadable,
      channelParties: resellers.size,
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

function subscriptionIdOf(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.trim() ? id.trim() : undefined;
}

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
  type CustomerInfo,
} from './map.ts';
import { readReport } from './reports.ts';
import { createSpillSorter, groupByKey } from '../../src/sync/spill-sort.ts';
import type { SpillOptions, SpillSorter } from '../../src/sync/spill-sort.ts';

export interface AzureSourceDeps {
  client: AzureClient;
  config: AzureConfig;
  logger: Logger;
  clock: () => Date;
}

interface Marks {
  /** the latest real lastModified of any subscription read */
  lastModified?: string;
  /** the latest DateAcquired/DateLost in ISVCustomer */
  customers?: string;
}

interface TenantsCursor extends Marks {
  v: 1;
  /**
   * A run stopped midway: every tenant up to `after` (in key order) was written as of these
   * marks; the ones after it are still as of the marks above (or never written: `fromStart`).
   */
  partial?: Marks & { after: string; fromStart?: true };
}

const isOptString = (v: unknown) => v === undefined || typeof v === 'string';

export function parseTenantsCursor(cursor: string | undefined): TenantsCursor {
  if (cursor === undefined || cursor === '') return { v: 1 };
  try {
    const c = JSON.parse(cursor) as Partial<TenantsCursor>;
    const p = c.partial;
    const partialOk =
      p === undefined ||
      (typeof p === 'object' &&
        typeof p.after === 'string' &&
        p.after !== '' &&
        isOptString(p.lastModified) &&
        isOptString(p.customers) &&
        (p.fromStart === undefined || p.fromStart === true));
    if (c.v === 1 && isOptString(c.lastModified) && isOptString(c.customers) && partialOk) {
      return {
        v: 1,
        ...(c.lastModified ? { lastModified: c.lastModified } : {}),
        ...(c.customers ? { customers: c.customers } : {}),
        ...(p ? { partial: marks(p, { after: p.after, ...(p.fromStart ? { fromStart: true } : {}) }) } : {}),
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

/** `into` with the marks of `m` that are set. */
function marks<T extends object>(m: Marks, into: T): T & Marks {
  return {
    ...into,
    ...(m.lastModified ? { lastModified: m.lastModified } : {}),
    ...(m.customers ? { customers: m.customers } : {}),
  };
}

const maxOf = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined || a >= b ? a : b;

/** What one subscription (or a channel party it names) contributes to a tenant, staged by tenant key. */
type StagedTenant =
  | { t: 'own'; record: TenantRecord; lastModified?: string; changedOn?: string }
  | { t: 'stub'; record: TenantRecord; lastModified?: string; changedOn?: string };

/** Subscriptions and ISVCustomer rows staged by subscription id, to be joined before mapping. */
type StagedSubscription =
  | { t: 'customer'; info: CustomerInfo }
  | { t: 'subscription'; raw: unknown; page: number; retrievedAt: string };

export interface TenantsRunDeps extends AzureSourceDeps {
  spill?: SpillOptions;
}

/**
 * Streams tenant pages from ONE pass over the subscription list. A tenant may have several
 * subscriptions anywhere in the list and the store keeps one record per tenant key, so every
 * mapped subscription is staged in a spill sorter by tenant key and handed over whole, in key
 * order, once the list is read; with reports, subscriptions and ISVCustomer rows are first joined
 * the same way on subscription id. Memory is bounded by the sorter's run size, not by tenants.
 */
export async function* listAzureTenants(
  deps: TenantsRunDeps,
  options: ListOptions = {},
): AsyncGenerator<Page<TenantRecord>> {
  const { client, config, logger } = deps;
  const since = parseTenantsCursor(options.cursor);
  const signal = options.signal;
  if (!config.reportsDir) {
    logger.warn('no reportsDir: Azure tenants will have no company name or country (ISVCustomer not read)');
  }
  const byTenant = createSpillSorter<StagedTenant>(deps.spill);
  const bySubscription = createSpillSorter<StagedSubscription>(deps.spill);
  const seen: Marks = {};
  let unreadable = 0;
  let pages = 0;
  const stageMapped = async (raw: unknown, customer: CustomerInfo | undefined, page: number, at: string) => {
    const id = subscriptionIdOf(raw);
    const mapped = mapSubscription(raw, customer, at);
    if (!mapped.ok) {
      unreadable++;
      logger.error('subscription could not be read; its tenant is not reported', {
        subscriptionId: id ?? '(none)',
        page,
        reason: mapped.reason,
      });
      return;
    }
    const { tenant, channel, lastModified } = mapped.value;
    const latest = maxOf(seen.lastModified, lastModified);
    if (latest) seen.lastModified = latest;
    const when = {
      ...(lastModified ? { lastModified } : {}),
      ...(customer?.changedOn ? { changedOn: customer.changedOn } : {}),
    };
    await byTenant.add(tenant.tenantKey, { t: 'own', record: tenant, ...when });
    if (channel) await byTenant.add(channel.tenantKey, { t: 'stub', record: channel, ...when });
  };
  try {
    if (config.reportsDir) {
      const latest = await stageCustomers(config.reportsDir, bySubscription, logger, signal);
      if (latest) seen.customers = latest;
    }
    for await (const page of client.listSubscriptions(signal)) {
      pages = page.page;
      const retrievedAt = deps.clock().toISOString();
      for (const raw of page.subscriptions) {
        if (config.reportsDir) {
          await bySubscription.add(subscriptionIdOf(raw) ?? '', {
            t: 'subscription',
            raw,
            page: page.page,
            retrievedAt,
          });
        } else await stageMapped(raw, undefined, page.page, retrievedAt);
      }
    }
    if (config.reportsDir) {
      for await (const { values } of groupByKey(bySubscription.drain())) {
        let customer: CustomerInfo | undefined;
        for (const v of values) {
          // A subscription may appear in several monthly files: the most recent row wins.
          if (v.t === 'customer' && (!customer || (v.info.changedOn ?? '') >= (customer.changedOn ?? '')))
            customer = v.info;
        }
        for (const v of values)
          if (v.t === 'subscription') await stageMapped(v.raw, customer, v.page, v.retrievedAt);
      }
    }

    const runMarks: Marks = {};
    const lm = maxOf(maxOf(since.lastModified, since.partial?.lastModified), seen.lastModified);
    const cu = maxOf(maxOf(since.customers, since.partial?.customers), seen.customers);
    if (lm) runMarks.lastModified = lm;
    if (cu) runMarks.customers = cu;
    const finalCursor = JSON.stringify(marks(runMarks, { v: 1 }));
    const base = marks(since, {});
    const fromStart =
      options.cursor === undefined || options.cursor === '' || since.partial?.fromStart === true;
    const pageCursor = (lastKey: string) => {
      const kept = since.partial;
      const partial =
        kept !== undefined && lastKey <= kept.after
          ? kept
          : marks(runMarks, { after: lastKey, ...(fromStart ? { fromStart: true as const } : {}) });
      return JSON.stringify({ ...marks(base, { v: 1 }), partial });
    };
    const marksFor = (key: string): Marks | undefined => {
      const p = since.partial;
      if (p !== undefined && key <= p.after) return p;
      return fromStart ? undefined : base;
    };

    let tenants = 0;
    let skippedUnchanged = 0;
    let stubs = 0;
    let items: TenantRecord[] = [];
    let held: Page<TenantRecord> | undefined;
    for await (const { key, values } of groupByKey(byTenant.drain())) {
      tenants++;
      const own = values.filter((v) => v.t === 'own');
      const m = marksFor(key);
      const unchanged = (list: StagedTenant[]) =>
        m !== undefined && list.every((o) => unchangedSince(m, o.lastModified, o.changedOn));
      let record: TenantRecord;
      if (own.length > 0) {
        if (unchanged(own)) {
          skippedUnchanged++;
          continue;
        }
        record = own.map((o) => o.record).reduce((a, b) => mergeTenantRecords(a, b));
      } else {
        // A channel party with no subscription of its own: the stub its first purchase names.
        // Incremental runs always hand stubs over; a resumed run skips those it already wrote.
        if (m !== undefined && m === since.partial && unchanged(values)) continue;
        stubs++;
        record = values[0]!.record;
      }
      items.push(record);
      if (items.length < config.tenantPageSize) continue;
      if (held) yield held;
      held = { source: SOURCE_SUBSCRIPTIONS, items, cursor: pageCursor(key) };
      items = [];
    }
    if (items.length > 0) {
      if (held) yield held;
      held = { source: SOURCE_SUBSCRIPTIONS, items };
    }
    logger.info('Azure subscriptions read', {
      pages,
      tenants,
      skippedUnchanged,
      unreadable,
      channelOnlyParties: stubs,
      spilledRuns: byTenant.stats.runs + bySubscription.stats.runs,
      stagedInMemoryPeak: Math.max(byTenant.stats.peakInMemory, bySubscription.stats.peakInMemory),
    });
    yield { ...(held ?? { source: SOURCE_SUBSCRIPTIONS, items: [] }), cursor: finalCursor };
  } finally {
    await Promise.all([byTenant.dispose(), bySubscription.dispose()]);
  }
}

/** Stages the ISVCustomer rows by subscription id; returns the latest DateAcquired/DateLost. */
async function stageCustomers(
  dir: string,
  sorter: SpillSorter<StagedSubscription>,
  logger: Logger,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const unmapped = new Set<string>();
  let latest: string | undefined;
  let bad = 0;
  let rows = 0;
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
    // a short sample is enough for the warning: the set must not grow with the report
    if (info.unmappedCountry && unmapped.size < 50) unmapped.add(info.unmappedCountry);
    latest = maxOf(latest, info.changedOn);
    rows++;
    await sorter.add(info.subscriptionId, { t: 'customer', info });
  }
  if (unmapped.size) {
    logger.warn('ISVCustomer countries not mapped to ISO codes; those tenants have no country', {
      countries: [...unmapped].sort(),
    });
  }
  if (rows === 0) {
    logger.warn('no ISVCustomer rows in reportsDir: Azure tenants will have no company name or country', {
      dir,
    });
  } else logger.info('ISVCustomer loaded', { rows, skippedRows: bad });
  return latest;
}

/**
 * Skips a subscription only when both its lastModified and its ISVCustomer row are known to be
 * older than the cursor; anything unknown is read again (a stale tenant is worse than a re-read).
 */
function unchangedSince(since: Marks, lastModified: string | undefined, changedOn: string | undefined) {
  if (!since.lastModified || !lastModified || lastModified >= since.lastModified) return false;
  if (changedOn && (!since.customers || changedOn >= since.customers)) return false;
  return true;
}

function subscriptionIdOf(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.trim() ? id.trim() : undefined;
}

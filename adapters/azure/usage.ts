// Azure usage lines from the metering API (GET /api/usageEvents: what the publisher submitted and
// how Microsoft reconciled it) and from the Partner Center ISVUsage report (billed usage and
// estimated charges). Both name the SaaS subscription, so every line is staged by subscription id
// beside the subscription list's tenant ids (a spill sorter, not an in-memory index) and keyed by
// the beneficiary tenant when the two meet.
import type { ListOptions, Page, UsageRecord } from '../../src/adapter.ts';
import { ConfigError } from '../../src/errors.ts';
import { createSpillSorter, groupByKey } from '../../src/sync/spill-sort.ts';
import type { SpillOptions, SpillSorter } from '../../src/sync/spill-sort.ts';
import {
  mapIsvUsageRow,
  mapUsageEvent,
  SOURCE_ISV_USAGE,
  SOURCE_USAGE_EVENTS,
  unknownTenantKey,
} from './map.ts';
import { readReport } from './reports.ts';
import type { AzureSourceDeps } from './tenants.ts';

const DAY = 86_400_000;

interface UsageCursor {
  v: 1;
  /** latest line start read per source (ISO) */
  usageEvents?: string;
  ISVUsage?: string;
}

export function parseUsageCursor(cursor: string | undefined): UsageCursor {
  if (cursor === undefined || cursor === '') return { v: 1 };
  try {
    const c = JSON.parse(cursor) as Partial<UsageCursor>;
    if (c.v === 1) {
      const out: UsageCursor = { v: 1 };
      if (typeof c.usageEvents === 'string' && !Number.isNaN(Date.parse(c.usageEvents)))
        out.usageEvents = c.usageEvents;
      if (typeof c.ISVUsage === 'string' && !Number.isNaN(Date.parse(c.ISVUsage))) out.ISVUsage = c.ISVUsage;
      return out;
    }
  } catch {
    // fall through to the error below
  }
  throw new ConfigError(
    `azure: usage cursor ${JSON.stringify(cursor.slice(0, 80))} was not written by this adapter`,
    'cursor',
  );
}

function parseWindow(window: { start: string; end: string }): { start: number; end: number } {
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  if (Number.isNaN(start) || Number.isNaN(end) || start >= end) {
    throw new ConfigError(
      `azure: usage window ${JSON.stringify(window)} must be two ISO dates with start before end`,
      'window',
    );
  }
  return { start, end };
}

/** Re-reads `lateArrivalDays` before the cursor: analytics rows arrive up to 48 h late. */
function effectiveStart(windowStart: number, cursor: string | undefined, lateDays: number): number {
  if (!cursor) return windowStart;
  return Math.max(windowStart, Date.parse(cursor) - lateDays * DAY);
}

/** A usage line staged by subscription id until the subscription list names its tenant. */
type StagedLine = { t: 'tenant'; tenantKey: string } | { t: 'line'; line: UsageRecord };

/** Subscription id → beneficiary tenant id, staged from one pass over the subscription list. */
async function stageTenants(
  deps: AzureSourceDeps,
  sorters: ReadonlyArray<SpillSorter<StagedLine>>,
  signal?: AbortSignal,
): Promise<void> {
  for await (const page of deps.client.listSubscriptions(signal)) {
    for (const raw of page.subscriptions) {
      const s = raw as { id?: unknown; beneficiary?: { tenantId?: unknown } } | null;
      const id = typeof s?.id === 'string' ? s.id.trim() : '';
      const tenant = typeof s?.beneficiary?.tenantId === 'string' ? s.beneficiary.tenantId.trim() : '';
      if (id && tenant)
        for (const sorter of sorters) await sorter.add(id, { t: 'tenant', tenantKey: tenant });
    }
  }
}

export interface UsageRunDeps extends AzureSourceDeps {
  spill?: SpillOptions;
}

/**
 * Usage lines keyed by beneficiary tenant. The sources name subscriptions, so each line is staged
 * by subscription id in a spill sorter next to the subscription list's tenant ids, and handed over
 * per source in subscription order once everything is read: memory does not grow with the number
 * of subscriptions or lines. The cursor goes out once, on the last page.
 */
export async function* listAzureUsage(
  deps: UsageRunDeps,
  window: { start: string; end: string },
  options: ListOptions = {},
): AsyncGenerator<Page<UsageRecord>> {
  const { config, logger } = deps;
  const win = parseWindow(window);
  const since = parseUsageCursor(options.cursor);
  const next: UsageCursor = { ...since };
  const events = createSpillSorter<StagedLine>(deps.spill);
  const isv = createSpillSorter<StagedLine>(deps.spill);
  const size = config.usagePageSize;
  const skipped = new Map<string, number>();
  const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  let unknownSubscriptions = 0;
  // the mappers ask for the tenant of the subscription a line names: answer later, note which one
  let asked = '';
  const noteSubscription = (sub: string) => {
    asked = sub;
    return undefined;
  };
  try {
    // the subscription list is read only when some usage source needs keying to tenants
    const sorters = [...(config.usageEvents ? [events] : []), ...(config.reportsDir ? [isv] : [])];
    if (sorters.length > 0) await stageTenants(deps, sorters, options.signal);

    if (config.usageEvents) {
      const from = effectiveStart(win.start, since.usageEvents, config.lateArrivalDays);
      // No paging is documented for usageEvents, so each request covers a bounded slice of days.
      for (let s = from; s < win.end; s += config.usageEventsSliceDays * DAY) {
        const e = Math.min(win.end, s + config.usageEventsSliceDays * DAY);
        const raws = await deps.client.listUsageEvents(
          {
            usageStartDate: new Date(s).toISOString(),
            usageEndDate: new Date(e).toISOString(),
            ...(config.offerId ? { offerId: config.offerId } : {}),
            ...(config.planId ? { planId: config.planId } : {}),
          },
          options.signal,
        );
        for (const raw of raws) {
          asked = '';
          const r = mapUsageEvent(raw, noteSubscription);
          if (!r.ok) {
            skip(`usageEvents: ${r.reason}`);
            continue;
          }
          const t = Date.parse(r.value.periodStart);
          // Slices are half-open, so an event on a slice boundary is read once even if the API's end is inclusive.
          if (t < s || t >= e) continue;
          next.usageEvents = maxIso(next.usageEvents, r.value.periodStart);
          await events.add(asked, { t: 'line', line: r.value });
        }
      }
    }

    if (config.reportsDir) {
      const from = effectiveStart(win.start, since.ISVUsage, config.lateArrivalDays);
      const required = ['MarketplaceSubscriptionId', 'UsageDate'];
      for await (const { row, file, line } of readReport(
        config.reportsDir,
        'ISVUsage',
        required,
        options.signal,
      )) {
        asked = '';
        const r = mapIsvUsageRow(row, noteSubscription);
        if (!r.ok) {
          skip(`ISVUsage: ${r.reason}`);
          logger.warn('ISVUsage row skipped', { file, line, reason: r.reason });
          continue;
        }
        for (const l of r.value) {
          const t = Date.parse(l.periodStart);
          if (t < from || t >= win.end) continue;
          next.ISVUsage = maxIso(next.ISVUsage, l.periodStart);
          await isv.add(asked, { t: 'line', line: l });
        }
      }
    }

    for (const [source, sorter] of [
      [SOURCE_USAGE_EVENTS, events],
      [SOURCE_ISV_USAGE, isv],
    ] as const) {
      let batch: UsageRecord[] = [];
      for await (const { key, values } of groupByKey(sorter.drain())) {
        const tenant = values.find((v) => v.t === 'tenant');
        for (const v of values) {
          if (v.t !== 'line') continue;
          if (tenant?.t === 'tenant' && v.line.tenantKey === unknownTenantKey(key))
            v.line.tenantKey = tenant.tenantKey;
          if (v.line.tenantKey.startsWith('unknown-tenant:')) unknownSubscriptions++;
          batch.push(v.line);
          if (batch.length >= size) {
            yield { source, items: batch };
            batch = [];
          }
        }
      }
      if (batch.length) yield { source, items: batch };
    }
    logger.info('Azure usage read', {
      lines: events.stats.added + isv.stats.added,
      spilledRuns: events.stats.runs + isv.stats.runs,
      stagedInMemoryPeak: Math.max(events.stats.peakInMemory, isv.stats.peakInMemory),
    });
  } finally {
    await Promise.all([events.dispose(), isv.dispose()]);
  }

  if (skipped.size || unknownSubscriptions) {
    logger.warn('Azure usage lines not taken or not keyed to a known tenant', {
      skipped: Object.fromEntries([...skipped].sort()),
      unknownSubscriptions,
    });
  }
  // The cursor goes out once, after every line of every source has been yielded.
  yield {
    source: config.reportsDir ? SOURCE_ISV_USAGE : SOURCE_USAGE_EVENTS,
    items: [],
    cursor: JSON.stringify(next),
  };
}

function maxIso(a: string | undefined, b: string): string {
  return a === undefined || b > a ? b : a;
}

// Azure usage lines from the metering API (GET /api/usageEvents: what the publisher submitted and
// how Microsoft reconciled it) and from the Partner Center ISVUsage report (billed usage and
// estimated charges). Both name the SaaS subscription, so the subscription list is read first to
// key every line by the beneficiary tenant.
import type { ListOptions, Page, UsageRecord } from '../../src/adapter.ts';
import { ConfigError } from '../../src/errors.ts';
import { mapIsvUsageRow, mapUsageEvent, SOURCE_ISV_USAGE, SOURCE_USAGE_EVENTS } from './map.ts';
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

/** Subscription id → beneficiary tenant id, from one pass over the subscription list. */
async function tenantIndex(deps: AzureSourceDeps, signal?: AbortSignal): Promise<Map<string, string>> {
  const index = new Map<string, string>();
  for await (const page of deps.client.listSubscriptions(signal)) {
    for (const raw of page.subscriptions) {
      const s = raw as { id?: unknown; beneficiary?: { tenantId?: unknown } } | null;
      const id = typeof s?.id === 'string' ? s.id.trim() : '';
      const tenant = typeof s?.beneficiary?.tenantId === 'string' ? s.beneficiary.tenantId.trim() : '';
      if (id && tenant) index.set(id, tenant);
    }
  }
  return index;
}

export async function* listAzureUsage(
  deps: AzureSourceDeps,
  window: { start: string; end: string },
  options: ListOptions = {},
): AsyncGenerator<Page<UsageRecord>> {
  const { config, logger } = deps;
  const win = parseWindow(window);
  const since = parseUsageCursor(options.cursor);
  const next: UsageCursor = { ...since };
  // the subscription list is read only when some usage source needs keying to tenants
  const index =
    config.usageEvents || config.reportsDir
      ? await tenantIndex(deps, options.signal)
      : new Map<string, string>();
  const tenantOf = (sub: string) => index.get(sub);
  const size = config.usagePageSize;
  const skipped = new Map<string, number>();
  const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  let unknownSubscriptions = 0;
  const note = (line: UsageRecord) => {
    if (line.tenantKey.startsWith('unknown-tenant:')) unknownSubscriptions++;
  };

  if (config.usageEvents) {
    const from = effectiveStart(win.start, since.usageEvents, config.lateArrivalDays);
    let batch: UsageRecord[] = [];
    // No paging is documented for usageEvents, so each request covers a bounded slice of days.
    for (let s = from; s < win.end; s += config.usageEventsSliceDays * DAY) {
      const e = Math.min(win.end, s + config.usageEventsSliceDays * DAY);
      const events = await deps.client.listUsageEvents(
        {
          usageStartDate: new Date(s).toISOString(),
          usageEndDate: new Date(e).toISOString(),
          ...(config.offerId ? { offerId: config.offerId } : {}),
          ...(config.planId ? { planId: config.planId } : {}),
        },
        options.signal,
      );
      for (const raw of events) {
        const r = mapUsageEvent(raw, tenantOf);
        if (!r.ok) {
          skip(`usageEvents: ${r.reason}`);
          continue;
        }
        const t = Date.parse(r.value.periodStart);
        // Slices are half-open, so an event on a slice boundary is read once even if the API's end is inclusive.
        if (t < s || t >= e) continue;
        note(r.value);
        next.usageEvents = maxIso(next.usageEvents, r.value.periodStart);
        batch.push(r.value);
        if (batch.length >= size) {
          yield { source: SOURCE_USAGE_EVENTS, items: batch };
          batch = [];
        }
      }
    }
    if (batch.length) yield { source: SOURCE_USAGE_EVENTS, items: batch };
  }

  if (config.reportsDir) {
    const from = effectiveStart(win.start, since.ISVUsage, config.lateArrivalDays);
    let batch: UsageRecord[] = [];
    const required = ['MarketplaceSubscriptionId', 'UsageDate'];
    for await (const { row, file, line } of readReport(
      config.reportsDir,
      'ISVUsage',
      required,
      options.signal,
    )) {
      const r = mapIsvUsageRow(row, tenantOf);
      if (!r.ok) {
        skip(`ISVUsage: ${r.reason}`);
        logger.warn('ISVUsage row skipped', { file, line, reason: r.reason });
        continue;
      }
      for (const l of r.value) {
        const t = Date.parse(l.periodStart);
        if (t < from || t >= win.end) continue;
        note(l);
        next.ISVUsage = maxIso(next.ISVUsage, l.periodStart);
        batch.push(l);
      }
      if (batch.length >= size) {
        yield { source: SOURCE_ISV_USAGE, items: batch };
        batch = [];
      }
    }
    if (batch.length) yield { source: SOURCE_ISV_USAGE, items: batch };
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

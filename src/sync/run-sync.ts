// Runs every adapter into the store: clouds concurrently and isolated from each other (one cloud
// failing is recorded, the others' data is kept, the run ends "partial"); within a cloud the
// tenants stream, then the usage stream for the window.
//
// Several workers may share one PostgreSQL database: each cloud is synced under a per-cloud
// advisory lock held on the connection doing the writes. A worker that finds the lock taken skips
// that cloud (status "skipped") instead of waiting: the holder is syncing it right now, and a
// waiting worker would only re-read what the holder just wrote.
import { randomUUID } from 'node:crypto';
import type { Cloud, MarketplaceAdapter } from '../adapter.ts';
import { AdapterError, StoreError, errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { withCloudLock } from '../store/locks.ts';
import { finishRun, startRun, type StreamName } from '../store/sync-state.ts';
import { syncStream, type StreamCounts } from './sync-stream.ts';

export interface SyncProgress {
  cloud: Cloud;
  stream: StreamName;
  pages: number;
  items: number;
  rejected: number;
}

export interface RunSyncOptions {
  adapters: readonly MarketplaceAdapter[];
  store: Db;
  logger: Logger;
  clock?: () => Date;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** the usage window [start, end); default the previous and the current calendar month (UTC) */
  window?: { start: string; end: string };
  runId?: string;
  /** pages fetched ahead of the database write, per stream (default 64, and at most 8,000 records: memory is bounded by it) */
  readAheadPages?: number;
}

export type FailureKind = 'adapter' | 'store' | 'rejected' | 'aborted';

export interface SyncFailure {
  cloud: Cloud;
  /** "tenants" or "usage" (the stream), or "lock" when the cloud could not be started */
  source: string;
  kind: FailureKind;
  /** redacted */
  message: string;
  /** trying again later may succeed (throttled, timeout, 5xx) */
  retryable: boolean;
}

export interface CloudSummary {
  cloud: Cloud;
  /** skipped: another worker holds this cloud's lock */
  status: 'ok' | 'failed' | 'skipped';
  tenants: number;
  links: number;
  usageLines: number;
  pages: number;
  rejected: number;
  durationMs: number;
}

export interface RunSummary {
  runId: string;
  status: 'ok' | 'partial' | 'failed';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  window: { start: string; end: string };
  clouds: CloudSummary[];
  failures: SyncFailure[];
}

/** The previous and the current calendar month, UTC: late usage for last month still arrives. */
export function defaultWindow(now: Date): { start: string; end: string } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return {
    start: new Date(Date.UTC(y, m - 1, 1)).toISOString(),
    end: new Date(Date.UTC(y, m + 1, 1)).toISOString(),
  };
}

function failureOf(cloud: Cloud, source: string, err: unknown, signal?: AbortSignal): SyncFailure {
  if (signal?.aborted) return { cloud, source, kind: 'aborted', message: 'aborted', retryable: true };
  if (err instanceof AdapterError) {
    return { cloud, source, kind: 'adapter', message: errorMessage(err), retryable: err.retryable };
  }
  if (err instanceof StoreError)
    return { cloud, source, kind: 'store', message: errorMessage(err), retryable: true };
  // an error an adapter did not classify: not known to be temporary
  return { cloud, source, kind: 'adapter', message: errorMessage(err), retryable: false };
}

export async function runSync(options: RunSyncOptions): Promise<RunSummary> {
  const clock = options.clock ?? (() => new Date());
  const started = clock();
  const runId = options.runId ?? randomUUID();
  const window = options.window ?? defaultWindow(started);
  const logger = options.logger.child({ runId });
  const clouds = options.adapters.map((a) => a.cloud);
  if (new Set(clouds).size !== clouds.length)
    throw new RangeError(`one adapter per cloud: got ${clouds.join(', ')}`);
  await startRun(options.store, { id: runId, startedAt: started.toISOString(), clouds });
  logger.info('sync started', { clouds, window });

  const failures: SyncFailure[] = [];
  const results = await Promise.all(
    options.adapters.map((adapter) =>
      syncCloud(adapter, { ...options, clock, runId, window, logger }, failures),
    ),
  );
  const finished = clock();
  const summary: RunSummary = {
    runId,
    status: overallStatus(results, failures),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    window,
    clouds: results.map(({ completed: _, ...r }) => r).sort((a, b) => a.cloud.localeCompare(b.cloud)),
    failures: failures.sort((a, b) => a.cloud.localeCompare(b.cloud) || a.source.localeCompare(b.source)),
  };
  const counts = Object.fromEntries(summary.clouds.map(({ cloud, ...rest }) => [cloud, rest]));
  try {
    await finishRun(options.store, {
      id: runId,
      finishedAt: summary.finishedAt,
      status: summary.status,
      counts,
      failures: summary.failures,
    });
  } catch (err) {
    // the rows are written; only the run record is missing. Say so and report the run as failed.
    logger.error('cannot record the run outcome', { error: errorMessage(err) });
    summary.failures.push(failureOf(clouds[0] ?? 'aws', 'run', err));
    summary.status = 'failed';
  }
  logger.info('sync finished', { status: summary.status, durationMs: summary.durationMs });
  return summary;
}

/** ok: nothing failed; failed: no stream was read to its end; partial: anything in between. */
function overallStatus(
  results: Array<CloudSummary & { completed: number }>,
  failures: SyncFailure[],
): RunSummary['status'] {
  if (failures.length === 0) return 'ok';
  return results.some((r) => r.completed > 0) ? 'partial' : 'failed';
}

type CloudContext = RunSyncOptions & {
  clock: () => Date;
  runId: string;
  window: { start: string; end: string };
};

async function syncCloud(
  adapter: MarketplaceAdapter,
  ctx: CloudContext,
  failures: SyncFailure[],
): Promise<CloudSummary & { completed: number }> {
  const cloud = adapter.cloud;
  const t0 = ctx.clock().getTime();
  const summary: CloudSummary & { completed: number } = {
    completed: 0,
    cloud,
    status: 'ok',
    tenants: 0,
    links: 0,
    usageLines: 0,
    pages: 0,
    rejected: 0,
    durationMs: 0,
  };
  const log = ctx.logger.child({ cloud });
  try {
    const outcome = await withCloudLock(ctx.store, cloud, async (conn) => {
      for (const stream of ['tenants', 'usage'] as const) {
        if (ctx.signal?.aborted) {
          failures.push(failureOf(cloud, stream, ctx.signal.reason, ctx.signal));
          summary.status = 'failed';
          continue;
        }
        const onPage = (c: StreamCounts) =>
          ctx.onProgress?.({ cloud, stream, pages: c.pages, items: c.items, rejected: c.rejected });
        const { counts, error } = await syncStream({
          conn,
          adapter,
          stream,
          window: ctx.window,
          runId: ctx.runId,
          clock: ctx.clock,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          ...(ctx.readAheadPages !== undefined ? { readAhead: ctx.readAheadPages } : {}),
          onPage,
        });
        summary.pages += counts.pages;
        summary.rejected += counts.rejected;
        if (stream === 'tenants') {
          summary.tenants = counts.items;
          summary.links = counts.links;
        } else summary.usageLines = counts.items;
        for (const message of counts.rejections) {
          failures.push({ cloud, source: stream, kind: 'rejected', message, retryable: false });
        }
        if (error !== undefined) {
          // the other stream still runs: usage does not depend on the tenant list being complete
          const f = failureOf(cloud, stream, error, ctx.signal);
          failures.push(f);
          summary.status = 'failed';
          log.warn('stream failed; rows before the failure are kept', {
            stream,
            error: f.message,
            pages: counts.pages,
          });
        } else {
          summary.completed++;
          log.info('stream complete', {
            stream,
            pages: counts.pages,
            items: counts.items,
            rejected: counts.rejected,
          });
        }
      }
    });
    if (!outcome.locked) {
      summary.status = 'skipped';
      log.info('skipped: another worker is syncing this cloud');
    }
  } catch (err) {
    // the lock connection could not be had (database down): this cloud did not start
    failures.push(failureOf(cloud, 'lock', err, ctx.signal));
    summary.status = 'failed';
    log.error('cannot start this cloud', { error: errorMessage(err) });
  }
  summary.durationMs = ctx.clock().getTime() - t0;
  return summary;
}

// Reads one stream (tenants or usage) of one adapter into the store, page by page. Each page's
// rows and the cursor after it commit in one transaction, so a crash at any point loses at most
// the page in flight, and the next run resumes from the last committed cursor.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Cloud, MarketplaceAdapter, Page, TenantRecord, UsageRecord } from '../adapter.ts';
import { errorMessage } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { getCursor, putCursor, putSourceStatus, type StreamName } from '../store/sync-state.ts';
import { writeTenants, writeUsage } from '../store/write.ts';
import { readAheadBatches } from './read-ahead.ts';
import { tenantProblem, usageProblem } from './validate.ts';

export interface StreamCounts {
  pages: number;
  /** records written (tenants or usage lines) */
  items: number;
  links: number;
  rejected: number;
  /** the first few rejection reasons, for the summary */
  rejections: string[];
}

export interface StreamContext {
  conn: Db;
  adapter: MarketplaceAdapter;
  stream: StreamName;
  window: { start: string; end: string };
  runId: string;
  clock: () => Date;
  signal?: AbortSignal;
  onPage?: (counts: StreamCounts) => void;
  /** pages fetched ahead while the current ones are written (default 64, and 8,000 records) */
  readAhead?: number;
}

const MAX_REJECTIONS_LISTED = 5;
/** records per write transaction when several fetched pages are waiting */
const BATCH_ITEMS = 2000;
/** at most this many pages, and records up to READ_AHEAD_ITEMS, wait for the writer */
const READ_AHEAD_PAGES = 64;
const READ_AHEAD_ITEMS = 8000;
/** records per write statement on an in-process PGlite (about 5 ms of blocked thread for tenants) */
const PGLITE_SLICE = 50;

/** Where the stream's cursor lives: a usage cursor is only valid for the window it was read with. */
export function cursorKey(stream: StreamName, window: { start: string; end: string }): string {
  return stream === 'tenants' ? 'tenants' : `usage:${window.start}/${window.end}`;
}

export interface StreamResult {
  counts: StreamCounts;
  /** why the stream stopped before its end (adapter, store or abort); the pages before it stay */
  error?: unknown;
}

/** Syncs one stream; never throws: a failure comes back in `error`, and source status is written either way. */
export async function syncStream(ctx: StreamContext): Promise<StreamResult> {
  const { conn, adapter, stream, runId, clock } = ctx;
  const cloud: Cloud = adapter.cloud;
  const key = cursorKey(stream, ctx.window);
  const counts: StreamCounts = { pages: 0, items: 0, links: 0, rejected: 0, rejections: [] };
  const feeds = new Set<string>();
  const status = (complete: boolean, error?: string) => ({
    cloud,
    source: stream,
    runId,
    at: clock().toISOString(),
    complete,
    ...(error !== undefined ? { error } : {}),
    feeds: [...feeds],
    items: counts.items,
    rejected: counts.rejected,
  });
  try {
    const cursor = await getCursor(conn, cloud, key);
    const options = {
      ...(cursor !== undefined ? { cursor } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    };
    const pages: AsyncIterable<Page<TenantRecord | UsageRecord>> =
      stream === 'tenants' ? adapter.tenants(options) : adapter.usage(ctx.window, options);
    let lastCursor: string | undefined = cursor;
    // until a write shows otherwise, an embedded store is taken to block this thread
    // several pages that have already arrived are written in one transaction (fewer commits);
    // the cursor stored is the last one among them, so a crash still loses work, never skips it
    // read ahead by records, not pages: a source of small pages keeps reading through a slow
    // stretch of writes (another cloud's large batch), within the same memory as a few large pages
    const batches = readAheadBatches(
      pages,
      ctx.readAhead ?? READ_AHEAD_PAGES,
      (p) => p.items.length,
      BATCH_ITEMS,
      READ_AHEAD_ITEMS,
    );
    for await (const batch of batches) {
      ctx.signal?.throwIfAborted();
      const good: Array<TenantRecord | UsageRecord> = [];
      let batchCursor: string | undefined;
      for (const page of batch) {
        feeds.add(page.source);
        good.push(...keepValid(page, stream, cloud, counts));
        // a page without a cursor mid-stream keeps the last one: resuming re-reads, never skips
        if (page.cursor !== undefined) batchCursor = page.cursor;
      }
      const stamp = { runId, seenAt: clock().toISOString() };
      await conn.transaction(async (tx) => {
        // An in-process PGlite runs each statement on this thread: short statements with a turn
        // of the event loop between them keep the sources' rate limiters on time while a batch is
        // written. A store on another thread (PGlite's worker, a server) takes the batch whole.
        const slice = conn.onCallerThread ? PGLITE_SLICE : Math.max(1, good.length);
        for (let at = 0; at < good.length; at += slice) {
          const part = good.slice(at, at + slice);
          if (stream === 'tenants') {
            const n = await writeTenants(tx, part as TenantRecord[], stamp);
            counts.items += n.tenants;
            counts.links += n.links;
          } else {
            counts.items += await writeUsage(tx, part as UsageRecord[], stamp);
          }
          if (at + slice < good.length) await nextTurn();
        }
        if (batchCursor !== undefined)
          await putCursor(tx, cloud, key, batchCursor, { runId, at: stamp.seenAt });
      });
      lastCursor = batch[batch.length - 1]!.cursor;
      counts.pages += batch.length;
      ctx.onPage?.(counts);
      // PGlite answers without real I/O: let timers and signals (progress, SIGINT) run between commits
      await nextTurn();
    }
    const complete = counts.rejected === 0;
    await conn.transaction(async (tx) => {
      // read to the end with no final cursor: the source is a full snapshot, so the next run starts
      // over rather than resuming from a page token that has expired
      if (counts.pages > 0 && lastCursor === undefined) {
        await putCursor(tx, cloud, key, undefined, { runId, at: clock().toISOString() });
      }
      await putSourceStatus(
        tx,
        status(
          complete,
          complete ? undefined : `${counts.rejected} record(s) rejected: ${counts.rejections[0]}`,
        ),
      );
    });
    return { counts };
  } catch (err) {
    // best effort: when the database itself failed this cannot be written either, and the run says so
    await putSourceStatus(conn, status(false, errorMessage(err))).catch(() => {});
    return { counts, error: err };
  }
}

function keepValid(
  page: Page<TenantRecord | UsageRecord>,
  stream: StreamName,
  cloud: Cloud,
  counts: StreamCounts,
): Array<TenantRecord | UsageRecord> {
  const good: Array<TenantRecord | UsageRecord> = [];
  for (const item of page.items) {
    const problem =
      stream === 'tenants'
        ? tenantProblem(item as TenantRecord, cloud)
        : usageProblem(item as UsageRecord, cloud);
    if (problem === undefined) {
      good.push(item);
      continue;
    }
    counts.rejected++;
    if (counts.rejections.length < MAX_REJECTIONS_LISTED)
      counts.rejections.push(`${page.source}: ${problem}`);
  }
  return good;
}

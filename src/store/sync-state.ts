// Cursors, run records and per-source status: what the sync has durably reached and how it ended.
import type { Cloud } from '../adapter.ts';
import type { Db } from './db.ts';

export type StreamName = 'tenants' | 'usage';
export type RunStatus = 'running' | 'ok' | 'partial' | 'failed';

export async function getCursor(db: Db, cloud: Cloud, source: string): Promise<string | undefined> {
  const { rows } = await db.query<{ value: string }>(
    'SELECT value FROM cursors WHERE cloud = $1 AND source = $2',
    [cloud, source],
  );
  return rows[0]?.value;
}

/** Sets the cursor, or deletes it when `value` is undefined (the next read starts from the beginning). */
export async function putCursor(
  db: Db,
  cloud: Cloud,
  source: string,
  value: string | undefined,
  stamp: { runId: string; at: string },
): Promise<void> {
  if (value === undefined) {
    await db.query('DELETE FROM cursors WHERE cloud = $1 AND source = $2', [cloud, source]);
    return;
  }
  await db.query(
    `INSERT INTO cursors (cloud, source, value, updated_at, run_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (cloud, source) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at,
       run_id = EXCLUDED.run_id`,
    [cloud, source, value, stamp.at, stamp.runId],
  );
}

export async function startRun(
  db: Db,
  run: { id: string; startedAt: string; clouds: Cloud[] },
): Promise<void> {
  await db.query(
    `INSERT INTO sync_runs (id, started_at, status, clouds) VALUES ($1, $2, 'running', $3::jsonb)`,
    [run.id, run.startedAt, JSON.stringify(run.clouds)],
  );
}

export async function finishRun(
  db: Db,
  run: {
    id: string;
    finishedAt: string;
    status: Exclude<RunStatus, 'running'>;
    counts: unknown;
    failures: unknown;
  },
): Promise<void> {
  await db.query(
    `UPDATE sync_runs SET finished_at = $2, status = $3, counts = $4::jsonb, failures = $5::jsonb WHERE id = $1`,
    [run.id, run.finishedAt, run.status, JSON.stringify(run.counts), JSON.stringify(run.failures)],
  );
}

export interface SourceOutcome {
  cloud: Cloud;
  source: StreamName;
  runId: string;
  at: string;
  complete: boolean;
  error?: string;
  feeds: string[];
  items: number;
  rejected: number;
}

/** Records how a stream's read ended; last_success_at moves only when it was read completely. */
export async function putSourceStatus(db: Db, o: SourceOutcome): Promise<void> {
  await db.query(
    `INSERT INTO source_status
       (cloud, source, last_attempt_at, last_success_at, complete, error, feeds, items, rejected, run_id)
     VALUES ($1, $2, $3, CASE WHEN $4::boolean THEN $3::timestamptz END, $4, $5, $6::jsonb, $7, $8, $9)
     ON CONFLICT (cloud, source) DO UPDATE SET
       last_attempt_at = EXCLUDED.last_attempt_at,
       last_success_at = COALESCE(EXCLUDED.last_success_at, source_status.last_success_at),
       complete = EXCLUDED.complete, error = EXCLUDED.error, feeds = EXCLUDED.feeds,
       items = EXCLUDED.items, rejected = EXCLUDED.rejected, run_id = EXCLUDED.run_id`,
    [
      o.cloud,
      o.source,
      o.at,
      o.complete,
      o.error ?? null,
      JSON.stringify([...o.feeds].sort()),
      o.items,
      o.rejected,
      o.runId,
    ],
  );
}

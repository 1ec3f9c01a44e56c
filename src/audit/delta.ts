// The guard against bulk surprises: when more than a configured share of the decisions changed
// since the last accepted run, stop before any report is written.
import type { Db } from '../store/index.ts';
import type { DeltaSummary } from './types.ts';

/** The last run whose decisions were accepted (reports written or at least decided past the guard). */
export async function previousRun(db: Db, runId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ run_id: string }>(
    `SELECT run_id FROM audit_runs WHERE run_id <> $1 AND status IN ('ok', 'partial', 'stale')
     ORDER BY started_at DESC, run_id DESC LIMIT 1`,
    [runId],
  );
  return rows[0]?.run_id;
}

/** Compares this run's decisions with the previous accepted run's, tenant by tenant. */
export async function compareRuns(
  db: Db,
  runId: string,
  previous: string,
  limit: number,
): Promise<DeltaSummary> {
  const { rows } = await db.query<{ before: string; after: string; n: string | number }>(
    `SELECT p.decision AS before, c.decision AS after, count(*) AS n
     FROM audit_decisions c JOIN audit_decisions p
       ON p.run_id = $2 AND p.partner = c.partner AND p.tenant_key = c.tenant_key
     WHERE c.run_id = $1 GROUP BY p.decision, c.decision ORDER BY 1, 2`,
    [runId, previous],
  );
  let compared = 0;
  let changed = 0;
  const transitions: Record<string, number> = {};
  for (const r of rows) {
    const n = Number(r.n);
    compared += n;
    if (r.before !== r.after) {
      changed += n;
      transitions[`${r.before}->${r.after}`] = n;
    }
  }
  const share = compared === 0 ? 0 : changed / compared;
  return { previousRun: previous, compared, changed, share, limit, transitions, blocked: share > limit };
}

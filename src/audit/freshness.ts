// Data freshness and completeness per partner, from the sync's source status.
import type { Cloud } from '../adapter.ts';
import type { SnapshotRef } from '../report/index.ts';
import { sourceStatus, type Db } from '../store/index.ts';

export interface Freshness {
  /** no source read to its end within its maximum age (or never) */
  stale: boolean;
  /** every stream's last attempt read everything */
  complete: boolean;
  snapshots: SnapshotRef[];
  problems: string[];
}

export async function partnerFreshness(
  db: Db,
  cloud: Cloud,
  maxAgeHours: number,
  now: Date,
): Promise<Freshness> {
  const rows = await sourceStatus(db, cloud);
  const problems: string[] = [];
  const limit = now.getTime() - maxAgeHours * 3_600_000;
  let stale = false;
  let complete = true;
  for (const stream of ['tenants', 'usage'] as const) {
    const row = rows.find((r) => r.source === stream);
    if (!row || row.lastSuccessAt === undefined) {
      stale = true;
      problems.push(`${cloud} ${stream}: never read to its end`);
      continue;
    }
    if (Date.parse(row.lastSuccessAt) < limit) {
      stale = true;
      problems.push(
        `${cloud} ${stream}: last complete read ${row.lastSuccessAt}, older than ${maxAgeHours} h`,
      );
    }
    if (!row.complete) {
      complete = false;
      problems.push(
        `${cloud} ${stream}: the last attempt did not complete${row.error ? `: ${row.error}` : ''}`,
      );
    }
  }
  const snapshots: SnapshotRef[] = rows
    .map((r) => ({
      source: `${cloud}:${r.source}`,
      cloud,
      retrievedAt: r.lastSuccessAt ?? r.lastAttemptAt,
      complete: r.complete && r.lastSuccessAt !== undefined,
    }))
    .sort((a, b) => (a.source < b.source ? -1 : 1));
  return { stale, complete, snapshots, problems };
}

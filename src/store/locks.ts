// One sync worker per cloud at a time. A session-level pg_advisory_lock held on a dedicated
// connection: released by the server the moment that connection ends, so a killed worker never
// leaves a stale lease behind. A second worker does not wait: it skips the cloud (the holder is
// already syncing it) and says so in its summary.
import type { Cloud } from '../adapter.ts';
import type { Db } from './db.ts';

/** Distinct from the migration lock; one key per cloud. */
const LOCK_BASE = 0x63677300; // "cgs\0"
const CLOUD_INDEX: Record<Cloud, number> = { aws: 1, gcp: 2, azure: 3 };

export const cloudLockKey = (cloud: Cloud): number => LOCK_BASE + CLOUD_INDEX[cloud];

/**
 * Runs fn with the cloud's lock on one dedicated connection (fn's writes should use `conn`).
 * Returns `{ locked: false }` without calling fn when another worker holds the lock.
 * PGlite is a single process with one connection: the lock is always granted.
 */
export async function withCloudLock<T>(
  db: Db,
  cloud: Cloud,
  fn: (conn: Db) => Promise<T>,
): Promise<{ locked: true; value: T } | { locked: false }> {
  return db.session(async (conn) => {
    if (conn.kind !== 'postgres') return { locked: true as const, value: await fn(conn) };
    const { rows } = await conn.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      cloudLockKey(cloud),
    ]);
    if (!rows[0]?.ok) return { locked: false as const };
    try {
      return { locked: true as const, value: await fn(conn) };
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [cloudLockKey(cloud)]).catch(() => {});
    }
  });
}

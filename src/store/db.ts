// The store's one seam: a PostgreSQL-dialect connection. PGlite (embedded, a directory) is the
// default; a PostgreSQL server is used when DATABASE_URL is set.
import type { PoolClient } from 'pg';
import { StoreError } from '../errors.ts';

export interface QueryResult<R> {
  rows: R[];
}

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Statements run on the caller's thread (PGlite in-process): a long statement stalls timers and
   * rate limiters, so writers should cut their batches short. False for PGlite on its worker
   * thread and for a server.
   */
  readonly onCallerThread: boolean;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** several statements, no parameters (migrations) */
  exec(sql: string): Promise<void>;
  /** runs fn in one transaction on one connection */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * runs fn on one dedicated connection (held from the pool until fn settles), so session-level
   * state such as pg_advisory_lock lives exactly as long as fn; transactions started on it use it.
   * PGlite has one connection: fn gets the same handle.
   */
  session<T>(fn: (conn: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… ; when absent, PGlite at `dataDir` (or in memory when dataDir is "memory://") */
  databaseUrl?: string;
  dataDir?: string;
  /**
   * PGlite on a worker thread (the default), so database work overlaps the main thread's; false
   * runs it in-process (CHANNELGUARD_PGLITE_THREAD=0 does the same).
   */
  thread?: boolean;
}

function wrap(err: unknown, what: string): StoreError {
  return new StoreError(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** Runs fn; a driver error becomes a StoreError saying what failed. */
async function guarded(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    throw wrap(err, what);
  }
}

async function runQuery<R>(
  conn: { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }> },
  sql: string,
  params?: unknown[],
): Promise<QueryResult<R>> {
  try {
    const r = await conn.query(sql, params);
    return { rows: r.rows as R[] };
  } catch (err) {
    throw wrap(err, 'query failed');
  }
}

export async function openDb(options: OpenOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  const dataDir = options.dataDir ?? 'memory://';
  if (options.thread ?? process.env.CHANNELGUARD_PGLITE_THREAD !== '0') {
    const { openPgliteThread } = await import('./pglite-thread.ts');
    return openPgliteThread(dataDir === 'memory://' ? undefined : dataDir, wrap);
  }
  return openPglite(dataDir);
}

async function openPglite(dataDir: string): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  let pg: InstanceType<typeof PGlite>;
  try {
    pg = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir);
  } catch (err) {
    throw wrap(err, `cannot open the embedded database at ${dataDir}`);
  }
  type Queryable = {
    query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
    exec: (sql: string) => Promise<unknown>;
  };
  const make = (conn: Queryable, inTx: boolean): Db => ({
    kind: 'pglite',
    onCallerThread: true,
    query: (sql, params) => runQuery(conn, sql, params),
    exec: (sql) => guarded('statement failed', () => conn.exec(sql)),
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (inTx) return fn(make(conn, true));
      return pg.transaction((tx) => fn(make(tx as unknown as Queryable, true)));
    },
    async session<T>(fn: (conn: Db) => Promise<T>): Promise<T> {
      return fn(make(conn, inTx));
    },
    async close() {
      if (!inTx) await pg.close();
    },
  });
  return make(pg as unknown as Queryable, false);
}

async function openPostgres(url: string): Promise<Db> {
  const { default: pgModule } = await import('pg');
  const pool = new pgModule.Pool({ connectionString: url, max: 8 });
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw wrap(err, 'cannot connect to the PostgreSQL server in DATABASE_URL');
  }
  type Client = { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }> };
  // mode: 'pool' takes a connection per query/transaction; 'session' is one held connection whose
  // transactions run BEGIN/COMMIT on itself; 'tx' is inside BEGIN already (nested calls join it).
  const make = (conn: Client, mode: 'pool' | 'session' | 'tx'): Db => ({
    kind: 'postgres',
    onCallerThread: false,
    query: (sql, params) => runQuery(conn, sql, params),
    exec: (sql) => guarded('statement failed', () => conn.query(sql)),
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (mode === 'tx') return fn(make(conn, 'tx'));
      const client = mode === 'session' ? null : await pool.connect();
      const c: Client = client ?? conn;
      try {
        await c.query('BEGIN');
        const out = await fn(make(c, 'tx'));
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client?.release();
      }
    },
    async session<T>(fn: (conn: Db) => Promise<T>): Promise<T> {
      if (mode !== 'pool') return fn(make(conn, mode));
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw wrap(err, 'cannot get a database connection');
      }
      let broken: unknown;
      try {
        return await fn(make(client, 'session'));
      } catch (err) {
        broken = err;
        throw err;
      } finally {
        // a connection whose session failed may hold locks or an open transaction: destroy it
        client.release(broken !== undefined ? true : undefined);
      }
    },
    async close() {
      if (mode === 'pool') await pool.end();
    },
  });
  return make(pool, 'pool');
}

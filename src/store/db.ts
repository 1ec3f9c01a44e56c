// The store's one seam: a PostgreSQL-dialect connection. PGlite (embedded, a directory) is the
// default; a PostgreSQL server is used when DATABASE_URL is set.
import { StoreError } from '../errors.ts';

export interface QueryResult<R> {
  rows: R[];
}

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** several statements, no parameters (migrations) */
  exec(sql: string): Promise<void>;
  /** runs fn in one transaction on one connection */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… ; when absent, PGlite at `dataDir` (or in memory when dataDir is "memory://") */
  databaseUrl?: string;
  dataDir?: string;
}

function wrap(err: unknown, what: string): StoreError {
  return new StoreError(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

export async function openDb(options: OpenOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(options.dataDir ?? 'memory://');
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
    async query<R>(sql: string, params?: unknown[]) {
      try {
        const r = await conn.query(sql, params);
        return { rows: r.rows as R[] };
      } catch (err) {
        throw wrap(err, 'query failed');
      }
    },
    async exec(sql: string) {
      try {
        await conn.exec(sql);
      } catch (err) {
        throw wrap(err, 'statement failed');
      }
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (inTx) return fn(make(conn, true));
      return pg.transaction((tx) => fn(make(tx as unknown as Queryable, true)));
    },
    async close() {
      if (!inTx) await pg.close();
    },
  });
  return make(pg as unknown as Queryable, false);
}

async function openPostgres(url: string): Promise<Db> {
  const { default: pgModule } = await import('pg');
  const pool = new pgModule.Pool({ connectionString: url, max: 4 });
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw wrap(err, 'cannot connect to the PostgreSQL server in DATABASE_URL');
  }
  type Client = { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }> };
  const make = (conn: Client, inTx: boolean): Db => ({
    kind: 'postgres',
    async query<R>(sql: string, params?: unknown[]) {
      try {
        const r = await conn.query(sql, params);
        return { rows: r.rows as R[] };
      } catch (err) {
        throw wrap(err, 'query failed');
      }
    },
    async exec(sql: string) {
      try {
        await conn.query(sql);
      } catch (err) {
        throw wrap(err, 'statement failed');
      }
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (inTx) return fn(make(conn, true));
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(make(client, true));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      if (!inTx) await pool.end();
    },
  });
  return make(pool, false);
}

// The two store backends every store/sync test runs against: embedded PGlite and the PostgreSQL
// server (a fresh schema per use, dropped afterwards). The server is required unless
// CHANNELGUARD_SKIP_PG=1: a missing server fails the tests loudly instead of skipping them.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Db } from '../src/store/index.ts';

export const PG_URL = process.env['CHANNELGUARD_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const SKIP_PG = process.env['CHANNELGUARD_SKIP_PG'] === '1';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** a fresh, empty database location: options for openStore */
  create(): Promise<{ databaseUrl?: string; dataDir?: string; drop(): Promise<void> }>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `these tests need the PostgreSQL server at ${PG_URL} (set CHANNELGUARD_SKIP_PG=1 to run PGlite only): ${
        (err as Error).message
      }`,
      { cause: err },
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export const pgliteBackend: Backend = {
  name: 'pglite',
  async create() {
    return { dataDir: 'memory://', drop: async () => {} };
  },
};

export const postgresBackend: Backend = {
  name: 'postgres',
  async create() {
    const schema = `cg_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const sep = PG_URL.includes('?') ? '&' : '?';
    return {
      databaseUrl: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      drop: () => adminQuery(`DROP SCHEMA ${schema} CASCADE`),
    };
  },
};

export const backends: Backend[] = SKIP_PG ? [pgliteBackend] : [pgliteBackend, postgresBackend];

/**
 * Mocha hooks giving each test of the enclosing describe a fresh, migrated store on `backend`,
 * closed and dropped afterwards. Returns the accessor for the current test's store.
 */
export function useFreshStore(backend: Backend): () => Db {
  let db: Db | undefined;
  let drop: () => Promise<void> = async () => {};
  beforeEach(async () => {
    const loc = await backend.create();
    drop = loc.drop;
    db = await openStore(loc.databaseUrl ? { databaseUrl: loc.databaseUrl } : { dataDir: loc.dataDir! });
  });
  afterEach(async () => {
    await db?.close();
    await drop();
  });
  return () => db!;
}

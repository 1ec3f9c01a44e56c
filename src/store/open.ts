// Opening the store: a PostgreSQL server when a URL is given, otherwise embedded PGlite in a
// directory; migrated before it is handed out.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StoreError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { openDb, type Db } from './db.ts';
import { migrate } from './migrate.ts';

export const DEFAULT_DATA_DIR = '.channelguard/db';

export interface StoreOptions {
  /** postgres://… (DATABASE_URL); wins over dataDir */
  databaseUrl?: string;
  /** PGlite directory, relative to cwd; "memory://" for a throw-away in-memory store */
  dataDir?: string;
  cwd?: string;
  logger?: Logger;
  /** migrations folder (tests); default src/store/migrations */
  migrationsDir?: string;
}

export async function openStore(options: StoreOptions = {}): Promise<Db> {
  let db: Db;
  if (options.databaseUrl) {
    db = await openDb({ databaseUrl: options.databaseUrl });
  } else {
    const dir = options.dataDir ?? DEFAULT_DATA_DIR;
    const dataDir = dir === 'memory://' ? dir : resolve(options.cwd ?? process.cwd(), dir);
    if (dataDir !== 'memory://') {
      try {
        await mkdir(dataDir, { recursive: true });
      } catch (err) {
        throw new StoreError(`cannot create the database directory ${dataDir}`, { cause: err });
      }
    }
    db = await openDb({ dataDir });
  }
  try {
    await migrate(db, {
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.migrationsDir ? { dir: options.migrationsDir } : {}),
    });
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}

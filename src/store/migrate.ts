// Applies src/store/migrations/NNN-name.sql in order, once each, each in its own transaction,
// recorded in schema_migrations. Ranges: 001–099 core (store/sync), 100–199 resolve/review,
// 200–299 reports/audit; every file in the folder is picked up.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { StoreError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Db } from './db.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** pg_advisory_lock key for migrations ("cgmg"): two processes starting at once apply each file once. */
const MIGRATION_LOCK_KEY = 0x63676d67;
const FILE_NAME = /^(\d{3})-[a-z0-9][a-z0-9-]*\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Reads the migration files; a .sql file with a bad name or a duplicate number is an error, not skipped. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new StoreError(`cannot read the migrations folder ${dir}`, { cause: err });
  }
  const out: Migration[] = [];
  const seen = new Map<number, string>();
  for (const name of names.filter((n) => n.endsWith('.sql')).sort()) {
    const m = FILE_NAME.exec(name);
    if (!m) throw new StoreError(`migration file ${name}: name must be NNN-kebab-name.sql`);
    const version = Number(m[1]);
    const other = seen.get(version);
    if (other) throw new StoreError(`migrations ${other} and ${name} share the number ${m[1]}`);
    seen.set(version, name);
    const sql = await readFile(`${dir}/${name}`, 'utf8');
    out.push({ version, name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return out.sort((a, b) => a.version - b.version);
}

/** Brings the database up to date; returns the names of the migrations it applied. */
export async function migrate(db: Db, options: { dir?: string; logger?: Logger } = {}): Promise<string[]> {
  const logger = options.logger ?? silentLogger;
  const migrations = await readMigrations(options.dir);
  return db.session(async (conn) => {
    // PGlite is one process with one connection: no lock needed (nor available across processes).
    if (conn.kind === 'postgres') await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await conn.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await conn.query<{ version: number; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      const applied = new Map(rows.map((r) => [Number(r.version), r]));
      const done: string[] = [];
      for (const m of migrations) {
        const prior = applied.get(m.version);
        if (prior) {
          if (prior.checksum !== m.checksum) {
            throw new StoreError(
              `migration ${m.name} was changed after it was applied as ${prior.name}; add a new migration instead`,
            );
          }
          continue;
        }
        await conn.transaction(async (tx) => {
          try {
            await tx.exec(m.sql);
          } catch (err) {
            throw new StoreError(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
          }
          await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            m.checksum,
          ]);
        });
        logger.info('migration applied', { migration: m.name });
        done.push(m.name);
      }
      return done;
    } finally {
      if (conn.kind === 'postgres') {
        await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
      }
    }
  });
}

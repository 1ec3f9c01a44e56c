// Multi-row INSERT … ON CONFLICT DO UPDATE, in batches. Idempotent: writing the same rows twice
// leaves one copy. Rows repeating a key inside one statement are collapsed first (last wins),
// because PostgreSQL refuses to update one row twice in a single statement.
//
// The rows travel as one JSON parameter expanded by jsonb_to_recordset: one parameter instead of
// rows × columns, measured faster than a VALUES list on PGlite, and clear of
// the 65,535-parameter limit whatever the batch size.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Db } from './db.ts';

export const UPSERT_BATCH = 250;

export interface UpsertSpec {
  table: string;
  /** every column written, with its SQL type (jsonb columns take the JSON value itself) */
  columns: Readonly<Record<string, string>>;
  /** the unique key columns */
  key: readonly string[];
  /** columns set from EXCLUDED on conflict (others, e.g. first_seen, keep the stored value) */
  update: readonly string[];
}

const statements = new WeakMap<UpsertSpec, string>();

function statement(spec: UpsertSpec): string {
  let sql = statements.get(spec);
  if (sql) return sql;
  const names = Object.keys(spec.columns);
  const defs = names.map((c) => `${c} ${spec.columns[c]}`).join(', ');
  const set = spec.update.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  sql =
    `INSERT INTO ${spec.table} (${names.join(', ')}) ` +
    `SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${defs}) ` +
    `ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${set}`;
  statements.set(spec, sql);
  return sql;
}

/** Upserts rows (objects keyed by column); returns the number of distinct keys written. */
export async function upsertRows(
  db: Db,
  spec: UpsertSpec,
  rows: ReadonlyArray<Record<string, unknown>>,
  batchSize = UPSERT_BATCH,
): Promise<number> {
  const unique = new Map<string, Record<string, unknown>>();
  for (const row of rows) unique.set(JSON.stringify(spec.key.map((k) => row[k])), row);
  const all = [...unique.values()];
  const sql = statement(spec);
  for (let at = 0; at < all.length; at += batchSize) {
    await db.query(sql, [JSON.stringify(all.slice(at, at + batchSize))]);
    // PGlite runs each statement synchronously on this thread: between statements, let network
    // replies and timers in, so a large write does not stall the sources being read meanwhile
    if (db.kind === 'pglite' && at + batchSize < all.length) await nextTurn();
  }
  return all.length;
}

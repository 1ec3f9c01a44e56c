// Multi-row INSERT … ON CONFLICT DO UPDATE, in batches. Idempotent: writing the same rows twice
// leaves one copy. Rows repeating a key inside one statement are collapsed first (last wins),
// because PostgreSQL refuses to update one row twice in a single statement.
import type { Db } from './db.ts';

export const UPSERT_BATCH = 500;

export interface UpsertSpec {
  table: string;
  columns: readonly string[];
  /** the unique key columns */
  key: readonly string[];
  /** columns set from EXCLUDED on conflict (others, e.g. first_seen, keep the stored value) */
  update: readonly string[];
  /** per-column SQL cast for the placeholder, e.g. { entitlements: 'jsonb' } */
  casts?: Readonly<Record<string, string>>;
}

/** Builds the statement for `rows` rows once per (spec, size). */
function statement(spec: UpsertSpec, rows: number): string {
  const width = spec.columns.length;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const ph = spec.columns.map((c, i) => {
      const cast = spec.casts?.[c];
      return `$${r * width + i + 1}${cast ? `::${cast}` : ''}`;
    });
    tuples.push(`(${ph.join(', ')})`);
  }
  const set = spec.update.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  return (
    `INSERT INTO ${spec.table} (${spec.columns.join(', ')}) VALUES ${tuples.join(', ')} ` +
    `ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${set}`
  );
}

/** Upserts rows (each an array in `spec.columns` order); returns the number of distinct keys written. */
export async function upsertRows(
  db: Db,
  spec: UpsertSpec,
  rows: readonly unknown[][],
  batchSize = UPSERT_BATCH,
): Promise<number> {
  const keyIdx = spec.key.map((k) => spec.columns.indexOf(k));
  const unique = new Map<string, unknown[]>();
  for (const row of rows) unique.set(JSON.stringify(keyIdx.map((i) => row[i])), row);
  const all = [...unique.values()];
  const cache = new Map<number, string>();
  for (let at = 0; at < all.length; at += batchSize) {
    const chunk = all.slice(at, at + batchSize);
    let sql = cache.get(chunk.length);
    if (!sql) {
      sql = statement(spec, chunk.length);
      cache.set(chunk.length, sql);
    }
    await db.query(sql, chunk.flat());
  }
  return all.length;
}

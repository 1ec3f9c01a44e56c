// Reads the partner report CSV exports from a local folder (a `gs://` bucket is out of scope:
// sync the bucket to a folder first). Streams rows with their file and line for error messages.
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse';
import { InputError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import { buildInsightsIndex, type InsightsIndex, type InsightsIndexOptions } from './insights-index.ts';
import { mapInsightsRow, normaliseHeader, type InsightsInfo } from './map.ts';

export const INSIGHTS_FILE = /^customer_insights.*\.csv$/i;
export const CHARGES_FILE = /^charges_and_usage.*\.csv$/i;

export const INSIGHTS_REQUIRED = [
  'external_account_id',
  'customer_name',
  'customer_country',
  'customer_domain',
  'billing_account_id',
];
export const CHARGES_REQUIRED = [
  'month',
  'insights_account_id',
  'sku_id',
  'sku_description',
  'usage',
  'usage_unit',
  'charges',
  'currency',
];

/** Report files in `dir` whose names match, sorted (names carry dates, so later files come later). */
export async function reportFiles(dir: string, pattern: RegExp): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new InputError('cannot read the reports folder', { file: dir }, { cause: err });
  }
  return names
    .filter((n) => pattern.test(n))
    .sort()
    .map((n) => join(dir, n));
}

export interface CsvRow {
  row: Record<string, string | undefined>;
  file: string;
  line: number;
}

/** Rows of one CSV file keyed by normalised header; checks the required columns first. */
export async function* csvRows(path: string, required: readonly string[]): AsyncGenerator<CsvRow> {
  const file = basename(path);
  const parser = createReadStream(path).pipe(
    parse({
      columns: (h: string[]) => h.map(normaliseHeader),
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }),
  );
  let checked = false;
  try {
    for await (const rec of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      if (!checked) {
        const missing = required.filter((c) => !(c in rec.record));
        if (missing.length > 0)
          throw new InputError(`missing column(s) ${missing.join(', ')}`, { file, line: 1 });
        checked = true;
      }
      yield { row: rec.record, file, line: rec.info.lines };
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const line = (err as { lines?: number }).lines;
    throw new InputError(
      `not a readable CSV: ${(err as Error).message}`,
      line !== undefined ? { file, line } : { file },
      { cause: err },
    );
  } finally {
    parser.destroy();
  }
}

/**
 * Customer Insights rows by account id, indexed on disk (see insights-index.ts). Later files (and
 * later rows) win, as daily and incremental reports restate earlier days. Memory holds a sparse
 * index, not a record per account.
 */
export async function loadInsights(
  dir: string,
  logger: Logger,
  options: InsightsIndexOptions = {},
): Promise<InsightsIndex> {
  const files = await reportFiles(dir, INSIGHTS_FILE);
  if (files.length === 0)
    logger.warn('no Customer Insights report in the reports folder; names and countries will be missing', {
      dir,
    });
  async function* rows(): AsyncGenerator<InsightsInfo> {
    for (const path of files) {
      for await (const { row, file, line } of csvRows(path, INSIGHTS_REQUIRED)) {
        const info = mapInsightsRow(row, { file, line });
        if (info.rejected.length > 0)
          logger.warn('unusable Customer Insights values ignored', { file, line, values: info.rejected });
        yield info;
      }
    }
  }
  return buildInsightsIndex(rows(), options);
}

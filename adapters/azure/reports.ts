// Reads downloaded Partner Center analytics report files (ISVCustomer*.csv, ISVUsage*.csv) from a
// local folder, streaming rows with csv-parse. File I/O lives here so client.ts stays the HTTP seam.
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { InputError } from '../../src/errors.ts';

export type ReportName = 'ISVCustomer' | 'ISVUsage';

export interface ReportRow {
  row: Record<string, string>;
  file: string;
  /** 1-based line of the record in the file */
  line: number;
}

/** The report files of one dataset in `dir`, sorted by name so runs read them in the same order. */
export async function reportFiles(dir: string, report: ReportName): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new InputError('the Partner Center reports folder cannot be read', { file: dir }, { cause: err });
  }
  const re = new RegExp(`^${report}(?:[^A-Za-z].*)?\\.csv$`, 'i');
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** Streams the rows of every file of `report`; a file without `required` columns is refused. */
export async function* readReport(
  dir: string,
  report: ReportName,
  required: readonly string[],
  signal?: AbortSignal,
): AsyncGenerator<ReportRow> {
  for (const file of await reportFiles(dir, report)) {
    const parser = createReadStream(file).pipe(
      parse({
        columns: (header: string[]) => {
          const cols = header.map((h) => h.trim());
          const absent = required.filter((c) => !cols.includes(c));
          if (absent.length) {
            throw new InputError(`${report} file lacks column(s) ${absent.join(', ')}`, { file, line: 1 });
          }
          return cols;
        },
        bom: true,
        skip_empty_lines: true,
        relax_quotes: false,
        info: true,
      }),
    );
    try {
      for await (const rec of parser as AsyncIterable<{
        record: Record<string, string>;
        info: { lines: number };
      }>) {
        if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
        yield { row: rec.record, file, line: rec.info.lines };
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      const line = (err as { lines?: unknown }).lines;
      throw new InputError(
        `${report} file is not valid CSV: ${(err as Error).message}`,
        { file, ...(typeof line === 'number' ? { line } : {}) },
        { cause: err },
      );
    } finally {
      parser.destroy();
    }
  }
}

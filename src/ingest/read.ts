// One entry point for every ownership input: detects the format of each file and streams the
// statements and issues of all of them, file after file. Duplicates across files are left to the
// evaluator's graph builder, which counts a statementId once (every reader makes stable ids).
import { parse as parseCsvSync } from 'csv-parse/sync';
import { InputError } from '../errors.ts';
import type { IngestItem } from '../model/types.ts';
import { readBods } from './bods-read.ts';
import { csvTable, readProjectCsv } from './csv-read.ts';
import { readGleif } from './gleif-read.ts';
import { firstChar } from './json-stream.ts';

export type OwnershipFormat = 'bods' | 'gleif' | 'csv';
export const OWNERSHIP_FORMATS: readonly OwnershipFormat[] = ['bods', 'gleif', 'csv'];

const GLEIF_NAMESPACE = /www\.gleif\.org\/data\/schema\/(leidata|rr|repex)\//;
const GLEIF_JSON = /"(LEI|Relationship|ExceptionCategory|LEIRecord|RelationshipRecord)"\s*:/;
const GLEIF_CSV = /^"?(LEI|Relationship\.StartNode\.NodeID)"?,/;

function csvHeader(head: string): string[] {
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  try {
    const rows = parseCsvSync(firstLine, { bom: true }) as string[][];
    return (rows[0] ?? []).map((c) => c.trim());
  } catch {
    return [];
  }
}

/** The format of a file, from its first 64 KiB. */
export async function detectFormat(file: string): Promise<OwnershipFormat> {
  const { char, head } = await firstChar(file);
  if (char === '') throw new InputError('empty file', { file, line: 1 });
  if (char === '<') {
    if (GLEIF_NAMESPACE.test(head)) return 'gleif';
    throw new InputError(
      'an XML file that is not a GLEIF golden-copy file (LEI-CDF, RR-CDF, reporting exceptions)',
      {
        file,
        line: 1,
      },
    );
  }
  if (char === '[' || char === '{') {
    // BODS statements name their statementId; GLEIF's JSON rendering uses its XML element names.
    if (/"statementId"\s*:/.test(head) || /^\[\s*\]/.test(head)) return 'bods';
    if (GLEIF_JSON.test(head)) return 'gleif';
    throw new InputError('JSON that is neither BODS statements nor a GLEIF golden-copy file', {
      file,
      line: 1,
    });
  }
  if (GLEIF_CSV.test(head)) return 'gleif';
  if (csvTable(csvHeader(head)) !== undefined) return 'csv';
  throw new InputError(
    'unrecognised format: expected BODS JSON, GLEIF golden copy (XML, JSON, CSV) or a channelguard CSV (use --ownership-format)',
    { file, line: 1 },
  );
}

function readerFor(format: OwnershipFormat, file: string): AsyncGenerator<IngestItem> {
  switch (format) {
    case 'bods':
      return readBods(file);
    case 'gleif':
      return readGleif(file);
    case 'csv':
      return readProjectCsv(file);
  }
}

/**
 * Streams every statement and issue of the given files, in file order. A file that cannot be
 * read or parsed at all throws InputError (file and line); bad records are yielded as issues.
 */
export async function* readOwnership(
  files: readonly string[],
  options: { format?: OwnershipFormat } = {},
): AsyncGenerator<IngestItem> {
  for (const file of files) {
    const format = options.format ?? (await detectFormat(file));
    yield* readerFor(format, file);
  }
}

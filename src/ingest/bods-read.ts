// Streams a BODS 0.4 file: a JSON array of statements, or JSON Lines (one statement per line).
import { InputError } from '../errors.ts';
import type { IngestItem } from '../model/types.ts';
import { mapBodsStatement } from './bods-map.ts';
import { affectedByBrokenBods, issueItem } from './issues.ts';
import { firstChar, jsonArrayRecords, jsonLines, type RawRecord } from './json-stream.ts';

/** JSON Lines lines that fail before any line parses: past this, the file is not JSON Lines. */
const MAX_LEADING_BAD_LINES = 20;

function parse(rec: RawRecord): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(rec.text) as unknown };
  } catch (err) {
    return { ok: false, reason: `not valid JSON: ${(err as Error).message}` };
  }
}

function badJson(file: string, rec: RawRecord, reason: string): IngestItem {
  const affects = affectedByBrokenBods(rec.text);
  return issueItem({ file, line: rec.line }, reason, affects ? { affects } : {});
}

/**
 * Reads every statement of a BODS file. A bad statement becomes a RecordIssue (file, line, the
 * statement and field) and the rest is read; a file that is not BODS JSON at all throws InputError.
 */
export async function* readBods(file: string): AsyncGenerator<IngestItem> {
  const { char } = await firstChar(file);
  if (char === '[') {
    for await (const rec of jsonArrayRecords(file)) {
      const parsed = parse(rec);
      if (parsed.ok) yield* mapBodsStatement(parsed.value, { file, line: rec.line });
      else yield badJson(file, rec, parsed.reason);
    }
    return;
  }
  if (char !== '{') {
    throw new InputError(
      char === '' ? 'empty file' : 'not BODS JSON: expected a JSON array of statements or JSON Lines',
      { file, line: 1 },
    );
  }
  yield* readJsonLines(file);
}

async function* readJsonLines(file: string): AsyncGenerator<IngestItem> {
  // Bad lines before the first good one are held back: if no line parses at all, the file is not
  // JSON Lines (a pretty-printed object, say) and is refused whole rather than as N bad records.
  let held: IngestItem[] | undefined = [];
  let firstBad: { line: number; reason: string } | undefined;
  for await (const rec of jsonLines(file)) {
    const parsed = parse(rec);
    if (!parsed.ok) {
      const issue = badJson(file, rec, parsed.reason);
      if (held === undefined) {
        yield issue;
        continue;
      }
      firstBad ??= { line: rec.line, reason: parsed.reason };
      held.push(issue);
      if (held.length > MAX_LEADING_BAD_LINES) break;
      continue;
    }
    if (held !== undefined) {
      yield* held;
      held = undefined;
    }
    yield* mapBodsStatement(parsed.value, { file, line: rec.line });
  }
  if (held !== undefined && firstBad !== undefined) {
    throw new InputError(
      `not BODS JSON: neither a JSON array of statements nor JSON Lines (${firstBad.reason})`,
      { file, line: firstBad.line },
    );
  }
}

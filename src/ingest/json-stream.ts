// Splits a JSON file into its records without parsing the file whole, so a multi-GB file reads
// in bounded memory: the elements of a top-level array, the elements of the first array member
// of a top-level object (GLEIF's `{"records": [...]}`), or one value per line (JSON Lines).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.ts';

export interface RawRecord {
  /** the record's JSON text */
  text: string;
  /** 1-based line the record starts on */
  line: number;
}

/** A single record larger than this is a broken file, not a record (an unclosed bracket). */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d, 0xfeff]);

/** The first significant character of a file ('[' / '{' / '<' / ...), or '' for an empty file. */
export async function firstChar(file: string): Promise<{ char: string; head: string }> {
  const stream = createReadStream(file, { encoding: 'utf8', start: 0, end: 64 * 1024 - 1 });
  let head = '';
  try {
    for await (const chunk of stream) head += chunk as string;
  } catch (err) {
    throw unreadable(file, err);
  }
  for (let i = 0; i < head.length; i++) {
    if (!WS.has(head.charCodeAt(i))) return { char: head[i]!, head: head.slice(i) };
  }
  return { char: '', head: '' };
}

export function unreadable(file: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  return new InputError(`cannot read file${code ? ` (${code})` : ''}`, { file }, { cause: err });
}

/** State of the scan between chunks. */
interface Scan {
  depth: number;
  inString: boolean;
  escape: boolean;
  line: number;
  /** before the record array, between records, in a record, after the record array */
  phase: 'before' | 'between' | 'in' | 'after';
  /** the top-level value is an object whose first array member holds the records */
  wrapped: boolean;
  /** depth inside the record array (1 for a top-level array, 2 when wrapped) */
  recordDepth: number;
  parts: string[];
  size: number;
  start: number;
}

/**
 * Yields the elements of the record array of a JSON document ('[' ... ']' at the top, or the first
 * array member of a top-level object). Structural damage (text after the end, an unclosed array)
 * throws InputError naming the file and line; a malformed element is yielded as is, for the caller
 * to report as one bad record.
 */
export async function* jsonArrayRecords(file: string, chunkSize = 1 << 20): AsyncGenerator<RawRecord> {
  const s: Scan = {
    depth: 0,
    inString: false,
    escape: false,
    line: 1,
    phase: 'before',
    wrapped: false,
    recordDepth: 1,
    parts: [],
    size: 0,
    start: 1,
  };
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: chunkSize });
  try {
    for await (const chunk of stream) yield* scanChunk(s, chunk as string, file);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw unreadable(file, err);
  }
  if (s.phase !== 'after' || s.depth !== 0 || s.inString) {
    throw new InputError(
      s.phase === 'in'
        ? `unexpected end of file inside the record that starts on line ${s.start}`
        : s.phase === 'after'
          ? 'unexpected end of file: the enclosing object is not closed'
          : 'unexpected end of file: the array of records is not closed',
      { file, line: s.line },
    );
  }
}

const structural = (file: string, line: number, reason: string) => new InputError(reason, { file, line });

function* scanChunk(s: Scan, chunk: string, file: string): Generator<RawRecord> {
  let from = s.phase === 'in' ? 0 : -1;
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk.charCodeAt(i);
    if (c === 0x0a) s.line++;
    if (s.inString) {
      if (s.escape) s.escape = false;
      else if (c === 0x5c) s.escape = true;
      else if (c === 0x22) s.inString = false;
      continue;
    }
    if (s.phase === 'between' && !WS.has(c)) {
      if (c === 0x5d) {
        // `[]`, or `]` after a trailing comma
        s.depth--;
        s.phase = 'after';
        continue;
      }
      if (c === 0x2c) throw structural(file, s.line, 'a comma with no record before it');
      s.phase = 'in';
      s.start = s.line;
      from = i;
    }
    if (s.phase === 'in') {
      if (c === 0x22) s.inString = true;
      else if (c === 0x7b || c === 0x5b) s.depth++;
      else if (s.depth === s.recordDepth && (c === 0x2c || c === 0x5d)) {
        s.parts.push(chunk.slice(from, i));
        yield { text: s.parts.join(''), line: s.start };
        s.parts = [];
        s.size = 0;
        from = -1;
        if (c === 0x2c) s.phase = 'between';
        else {
          s.depth--;
          s.phase = 'after';
        }
      } else if (c === 0x7d || c === 0x5d) s.depth--;
      continue;
    }
    if (WS.has(c)) continue;
    if (s.depth === 0) {
      if (s.phase === 'before' && c === 0x5b) {
        s.depth = 1;
        s.phase = 'between';
      } else if (s.phase === 'before' && c === 0x7b) {
        s.depth = 1;
        s.wrapped = true;
        s.recordDepth = 2;
      } else if (s.phase === 'before') throw structural(file, s.line, 'expected a JSON array of records');
      else throw structural(file, s.line, 'unexpected text after the end of the records');
      continue;
    }
    // Inside the wrapping object, before or after the record array: skip its other members.
    if (c === 0x22) s.inString = true;
    else if (c === 0x5b && s.depth === 1 && s.phase === 'before') {
      s.depth = 2;
      s.phase = 'between';
    } else if (c === 0x7b || c === 0x5b) s.depth++;
    else if (c === 0x7d || c === 0x5d) {
      s.depth--;
      if (s.depth === 0 && s.phase === 'before')
        throw structural(file, s.line, 'a JSON object with no array of records');
    }
  }
  if (s.phase === 'in' && from !== -1) {
    s.parts.push(chunk.slice(from));
    s.size += chunk.length - from;
    if (s.size > MAX_RECORD_CHARS)
      throw structural(
        file,
        s.start,
        `a record larger than ${MAX_RECORD_CHARS >> 20} MB (is a bracket left open?)`,
      );
  }
}

/** Yields each non-empty line of a JSON Lines file (not parsed). */
export async function* jsonLines(file: string): AsyncGenerator<RawRecord> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() !== '') yield { text, line };
    }
  } catch (err) {
    throw unreadable(file, err);
  }
}

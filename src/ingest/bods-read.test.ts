import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { InputError } from '../errors.ts';
import type { IngestItem } from '../model/types.ts';
import { readBods } from './bods-read.ts';
import { jsonArrayRecords } from './json-stream.ts';

const BODS = fileURLToPath(new URL('../../../shared/standards/bods-0.4/', import.meta.url));
const VALID = join(BODS, 'tests/data/valid-statements');
const INVALID = join(BODS, 'tests/data/invalid-statements');
const EXAMPLES = join(BODS, 'examples');
const dir = mkdtempSync(join(tmpdir(), 'cg-bods-'));

async function collect(file: string): Promise<IngestItem[]> {
  const out: IngestItem[] = [];
  for await (const item of readBods(file)) out.push(item);
  return out;
}

async function refusal(file: string): Promise<InputError> {
  try {
    await collect(file);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  assert.fail(`${file} was read`);
}

const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

const statement = (i: number, name = `Company ${i}`) => ({
  statementId: `statement-${String(i).padStart(30, '0')}`,
  declarationSubject: 'x',
  statementDate: '2024-01-01',
  recordId: `e${i}`,
  recordType: 'entity',
  recordDetails: { isComponent: false, entityType: { type: 'registeredEntity' }, name },
});

describe('readBods on the BODS 0.4 test corpus', () => {
  it('reads every valid statement file without an issue', async () => {
    const files = readdirSync(VALID).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 100);
    for (const f of files) {
      const items = await collect(join(VALID, f));
      assert.deepEqual(
        items.filter((i) => i.kind === 'issue'),
        [],
        f,
      );
    }
  });

  it('refuses every invalid statement file, naming the statement and the field the standard names', async () => {
    const expected = readFileSync(join(INVALID, 'expected_errors.csv'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    assert.ok(expected.length > 150);
    for (const [file, , path, field] of expected) {
      const full = join(INVALID, file!);
      if (path === '$') {
        // not an array at all: the file is refused whole, with its name and line
        const err = await refusal(full);
        assert.equal(err.location.file, full);
        assert.equal(err.location.line, 1);
        continue;
      }
      const issues = (await collect(full)).flatMap((i) => (i.kind === 'issue' ? [i.issue] : []));
      assert.ok(issues.length > 0, `${file} read without an issue`);
      const issue = issues[0]!;
      assert.ok(issue.field?.includes(field!.trim()), `${file}: field ${issue.field} does not name ${field}`);
      assert.ok(issue.record, `${file}: no statement named`);
      assert.equal(issue.source.file, full);
      assert.equal(issue.source.line, 2, `${file}: the statement starts on line 2`);
    }
  });

  it('reads every published example with statements and no refusal', async () => {
    for (const f of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
      const items = await collect(join(EXAMPLES, f));
      assert.ok(
        items.some((i) => i.kind === 'statement'),
        f,
      );
      assert.deepEqual(
        items.filter((i) => i.kind === 'issue'),
        [],
        f,
      );
    }
  });
});

describe('readBods file shapes', () => {
  it('reads JSON Lines and reports a bad line with its number, reading the rest', async () => {
    const lines = [JSON.stringify(statement(1)), '{"statementId": broken', '', JSON.stringify(statement(2))];
    const items = await collect(write('a.jsonl', lines.join('\n') + '\n'));
    assert.deepEqual(
      items.map((i) => (i.kind === 'statement' ? i.statement.recordId : `${i.issue.source.line}`)),
      ['e1', '2', 'e2'],
    );
  });

  it('refuses a pretty-printed single object as not BODS, naming line 1', async () => {
    const err = await refusal(write('pretty.json', JSON.stringify(statement(1), null, 2)));
    assert.match(err.message, /pretty\.json:1: not BODS JSON/);
  });

  it('refuses an unclosed array naming the line of the record left open', async () => {
    const text = `[\n${JSON.stringify(statement(1))},\n${JSON.stringify(statement(2)).slice(0, -1)}\n`;
    const err = await refusal(write('open.json', text));
    assert.match(err.message, /open\.json:4: unexpected end of file inside the record that starts on line 3/);
  });

  it('refuses text after the array and an empty file', async () => {
    assert.match((await refusal(write('after.json', '[]\n]'))).message, /after\.json:2: unexpected text/);
    assert.match((await refusal(write('empty.json', '  \n'))).message, /empty\.json:1: empty file/);
  });

  it('reports a record that is not valid JSON inside an array and reads the others', async () => {
    const text = `[${JSON.stringify(statement(1))},\n{"statementId": tru},\n${JSON.stringify(statement(2))}]`;
    const items = await collect(write('badrec.json', text));
    assert.deepEqual(
      items.map((i) => (i.kind === 'statement' ? i.statement.recordId : `line ${i.issue.source.line}`)),
      ['e1', 'line 2', 'e2'],
    );
  });
});

describe('jsonArrayRecords', () => {
  it('splits the same records whatever the chunk size (strings with brackets, escapes, nesting)', async () => {
    const record = fc.record({
      a: fc.string(),
      b: fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant('}],{"[\\'))),
      c: fc.dictionary(fc.string(), fc.oneof(fc.boolean(), fc.constant(null))),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        async (recs, size) => {
          const file = write('prop.json', JSON.stringify(recs, null, size % 2 === 0 ? 1 : undefined));
          const out: unknown[] = [];
          for await (const r of jsonArrayRecords(file, size)) out.push(JSON.parse(r.text));
          assert.deepEqual(out, JSON.parse(JSON.stringify(recs)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('finds the record array inside a wrapping object (GLEIF JSON) and skips other members', async () => {
    const file = write(
      'wrapped.json',
      '{"header": {"n": [1, 2]}, "records": [{"x": 1},\n {"x": "]"}], "tail": [3]}',
    );
    const out: Array<[unknown, number]> = [];
    for await (const r of jsonArrayRecords(file, 3)) out.push([JSON.parse(r.text), r.line]);
    assert.deepEqual(out, [
      [{ x: 1 }, 1],
      [{ x: ']' }, 2],
    ]);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.ts';
import type { AnyStatement, IngestItem, RecordIssue } from '../model/types.ts';
import { affectedIds, isWarning } from './issues.ts';
import { detectFormat, readOwnership } from './read.ts';

const dir = mkdtempSync(join(tmpdir(), 'cg-read-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const SAMPLES = fileURLToPath(
  new URL('../../../shared/standards/gleif-golden-copy-samples/', import.meta.url),
);
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CASE = fileURLToPath(new URL('../../../shared/cases/01-direct-majority.json', import.meta.url));

async function read(files: string[]): Promise<{ statements: AnyStatement[]; issues: RecordIssue[] }> {
  const items: IngestItem[] = [];
  for await (const item of readOwnership(files)) items.push(item);
  return {
    statements: items.flatMap((i) => (i.kind === 'statement' ? [i.statement] : [])),
    issues: items.flatMap((i) => (i.kind === 'issue' ? [i.issue] : [])),
  };
}

const PARTIES = `id,kind,name,headquarters,incorporation,residence,nationality,listed,identifiers
acme-sg,entity,Acme Pte Ltd,SG,SG,,,no,XI-LEI:5493001KJTIIGC8Y1R12
acme-holdings,,Acme Holdings,cn,KY,,,,
bad-kind,company,Nope,,,,,,
"li-wei",person,"Li, Wei",,,CN,CN;SG,,
bad-code,entity,Bad,China,,,,,
`;

const RELATIONSHIPS = `id,subject,interested_party,interest_type,share_exact,share_min,share_exclusive_min,start_date,end_date
rel-1,acme-sg,acme-holdings,shareholding,60,,,2020-01-01,
rel-1,acme-sg,acme-holdings,votingRights,,,50,,
rel-2,acme-sg,li-wei,shareholding,forty,,,,
rel-3,acme-sg,unspecified:subjectExemptFromDisclosure,,,,,,
rel-4,acme-holdings,li-wei,shareholding,10,,,2020-02-31x,
rel-5,acme-holdings,unspecified:nobody,,,,,,
rel-1,acme-sg,acme-holdings,shareholding,60,,,,
`;

describe('detectFormat', () => {
  const table: Array<[string, string, string]> = [
    ['bods array', '[\n  {"statementId": "x"}]', 'bods'],
    ['bods lines', '{"statementId": "x"}\n', 'bods'],
    ['bods empty array', '[]', 'bods'],
    ['gleif json', '{"records": [{"LEI": {"$": "X"}}]}', 'gleif'],
    ['gleif csv', '"LEI","Entity.LegalName"\n', 'gleif'],
    ['gleif rr csv', 'Relationship.StartNode.NodeID,Relationship.EndNode.NodeID\n', 'gleif'],
    ['parties csv', 'id,kind,name\n', 'csv'],
    ['relationships csv', 'id,subject,interested_party\n', 'csv'],
  ];
  for (const [name, text, format] of table) {
    it(`detects ${name}`, async () => assert.equal(await detectFormat(write(`${name}.txt`, text)), format));
  }
  it('detects the GLEIF XML samples by namespace', async () => {
    for (const f of ['lei-data.xml', 'rr-data.xml', 'repex-data.xml'])
      assert.equal(await detectFormat(join(SAMPLES, f)), 'gleif');
  });
  const refused: Array<[string, string, RegExp]> = [
    ['other xml', '<?xml version="1.0"?><html/>', /not a GLEIF/],
    ['other json', '{"hello": 1}', /neither BODS/],
    ['other csv', 'a,b,c\n', /unrecognised format/],
    ['empty', '', /empty file/],
  ];
  for (const [name, text, message] of refused) {
    it(`refuses ${name} naming the file and line 1`, async () => {
      const file = write(`${name}.in`, text);
      await assert.rejects(
        detectFormat(file),
        (err: unknown) =>
          err instanceof InputError && err.location.file === file && message.test(err.message),
      );
    });
  }
  it('refuses a missing file as unreadable', async () => {
    await assert.rejects(
      read([join(dir, 'nope.json')]),
      (err: unknown) =>
        err instanceof InputError && /nope\.json: cannot read file \(ENOENT\)/.test(err.message),
    );
  });
});

describe('project CSV', () => {
  it('reads parties: kinds, codes upper case, lists, identifiers, listing', async () => {
    const { statements } = await read([write('parties.csv', PARTIES)]);
    const records = Object.fromEntries(statements.map((s) => [s.recordId, s.record]));
    assert.deepEqual(records['acme-sg'], {
      id: 'acme-sg',
      kind: 'entity',
      name: 'Acme Pte Ltd',
      identifiers: [{ scheme: 'XI-LEI', id: '5493001KJTIIGC8Y1R12' }],
      headquarters: ['SG'],
      incorporation: ['SG'],
      listed: false,
    });
    assert.deepEqual(records['acme-holdings'], {
      id: 'acme-holdings',
      kind: 'entity',
      name: 'Acme Holdings',
      headquarters: ['CN'],
      incorporation: ['KY'],
    });
    assert.deepEqual(records['li-wei'], {
      id: 'li-wei',
      kind: 'person',
      name: 'Li, Wei',
      residence: ['CN'],
      nationality: ['CN', 'SG'],
    });
  });

  it('refuses bad party rows with file:line and the column, and reads the rest', async () => {
    const file = write('parties2.csv', PARTIES);
    const { statements, issues } = await read([file]);
    assert.equal(statements.length, 3);
    assert.deepEqual(
      issues.map((i) => [i.source.line, i.field, affectedIds(i)]),
      [
        [4, 'kind', ['bad-kind']],
        [6, 'headquarters', ['bad-code']],
      ],
    );
    assert.match(issues[1]!.reason, /"CHINA" is not an ISO 3166 code/);
  });

  it('reads relationships: consecutive rows are one relationship, shares kept as stated', async () => {
    const file = write('relationships.csv', RELATIONSHIPS);
    const { statements, issues } = await read([file]);
    const rels = Object.fromEntries(statements.map((s) => [s.recordId, s.record]));
    assert.deepEqual(rels['rel-1'], {
      id: 'rel-1',
      subject: 'acme-sg',
      interestedParty: 'acme-holdings',
      interests: [
        { type: 'shareholding', share: { exact: 60 }, startDate: '2020-01-01' },
        { type: 'votingRights', share: { exclusiveMinimum: 50 } },
      ],
    });
    assert.deepEqual(rels['rel-2'], {
      id: 'rel-2',
      subject: 'acme-sg',
      interestedParty: 'li-wei',
      interests: [{ type: 'shareholding', share: { exact: 'forty' } }],
    });
    assert.deepEqual(rels['rel-3'], {
      id: 'rel-3',
      subject: 'acme-sg',
      interestedParty: { reason: 'subjectExemptFromDisclosure' },
      interests: [{}],
    });
    assert.deepEqual(
      issues.map((i) => [i.source.line, i.field, isWarning(i), affectedIds(i)]),
      [
        [4, 'share_exact', true, ['acme-sg']],
        [6, 'start_date', false, ['acme-holdings']],
        [7, 'interested_party', false, ['acme-holdings']],
        [8, 'id', false, ['acme-sg']],
      ],
    );
    assert.ok(issues.every((i) => i.source.file === file));
  });

  it('refuses a CSV with an unknown column (a misspelt share must not vanish)', async () => {
    const file = write('typo.csv', 'id,subject,interested_party,sahre_exact\nr,a,b,60\n');
    await assert.rejects(
      read([file]),
      (err: unknown) =>
        err instanceof InputError && /typo\.csv:1: unknown column sahre_exact/.test(err.message),
    );
  });

  it('refuses a CSV that does not parse, naming the line', async () => {
    const file = write('quote.csv', 'id,kind\na,entity\n"b,entity\n');
    await assert.rejects(
      read([file]),
      (err: unknown) => err instanceof InputError && /quote\.csv:\d+: not readable CSV/.test(err.message),
    );
  });
});

describe('readOwnership over several files', () => {
  it('reads BODS, GLEIF and CSV files together with stable statement ids', async () => {
    const bods = write(
      'case.json',
      JSON.stringify((JSON.parse(readFileSync(CASE, 'utf8')) as { statements: unknown[] }).statements),
    );
    const files = [
      bods,
      join(SAMPLES, 'lei-data.xml'),
      join(FIXTURES, 'gleif-rr.csv'),
      write('p.csv', PARTIES),
    ];
    const first = await read(files);
    const second = await read(files);
    assert.deepEqual(
      first.statements.map((s) => s.statementId),
      second.statements.map((s) => s.statementId),
    );
    assert.ok(first.statements.length > 20);
    assert.ok(new Set(first.statements.map((s) => s.statementId)).size === first.statements.length);
  });
});

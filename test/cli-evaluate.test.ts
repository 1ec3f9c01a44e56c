// `channelguard evaluate` and `explain` end to end, in-process: formats, exit statuses, input issues.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';

const EXAMPLE = fileURLToPath(new URL('../data/example/ownership.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cg-cli-evaluate-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

interface Run {
  status: number;
  out: string;
  err: string;
}

async function run(args: string[], tty = false): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    env: {},
    stdoutIsTTY: tty,
    stderrIsTTY: false,
    cwd: dir,
    now: () => new Date('2025-10-01T23:59:59Z'),
  };
  const status = await main(args, io);
  return { status, out: out.join(''), err: err.join('') };
}

const ex = ['--ownership', EXAMPLE];
const lines = (r: Run) => r.out.split('\n').filter((l) => l !== '');
const parsed = (r: Run) =>
  lines(r).map((l) => JSON.parse(l) as { id: string; decision: string; reasons: string[]; asOf: string });

describe('channelguard evaluate', () => {
  it('writes jsonl sorted by id when stdout is not a terminal, as of today (UTC) by default', async () => {
    const r = await run(['evaluate', ...ex]);
    assert.equal(r.status, 0, r.err);
    const ds = parsed(r);
    assert.deepEqual(
      ds.map((d) => [d.id, d.decision]),
      [
        ['cn-zhiyuan', 'restricted'],
        ['de-nordwind', 'allowed'],
        ['de-rhinelake', 'allowed'],
        ['gb-atlas', 'review'],
        ['ky-harbourpeak', 'restricted'],
        ['sg-lioncity', 'restricted'],
        ['undisclosed-holder', 'review'],
        ['us-cedar', 'allowed'],
      ],
    );
    assert.ok(ds.every((d) => d.asOf === '2025-10-01'));
  });

  it('gives byte-identical output on repeated runs and with the input statements reversed', async () => {
    const reversed = write(
      'reversed.json',
      JSON.stringify((JSON.parse(readFileSync(EXAMPLE, 'utf8')) as unknown[]).reverse()),
    );
    const a = await run(['evaluate', ...ex, '--as-of', '2025-10-01']);
    const b = await run(['evaluate', ...ex, '--as-of', '2025-10-01']);
    const c = await run(['evaluate', '--ownership', reversed, '--as-of', '2025-10-01']);
    assert.equal(a.out, b.out);
    assert.equal(a.out, c.out);
  });

  it('counts the same statements from two files once', async () => {
    const a = await run(['evaluate', ...ex, '--as-of', '2025-10-01']);
    const b = await run(['evaluate', ...ex, ...ex, '--as-of', '2025-10-01']);
    assert.equal(b.out, a.out);
  });

  it('prints an aligned table on a terminal', async () => {
    const r = await run(['evaluate', ...ex, '--as-of', '2025-10-01'], true);
    const [header, first] = r.out.split('\n');
    assert.match(header!, /^ID\s+NAME\s+DECISION\s+CASCADE\s+LOOK-THROUGH\s+REASONS$/);
    assert.equal(first!.indexOf('RESTRICTED'), header!.indexOf('DECISION'));
    assert.match(r.out, /8 entities: 3 restricted, 2 review, 3 allowed/);
  });

  it('writes CSV with a header, quoting and no formula injection', async () => {
    const hostile = write(
      'hostile.json',
      JSON.stringify([
        {
          statementId: 'hostile-statement-0000000000000000000000',
          declarationSubject: 'x',
          statementDate: '2025-01-01',
          recordId: 'x1',
          recordType: 'entity',
          recordDetails: {
            isComponent: false,
            entityType: { type: 'registeredEntity' },
            name: '=HYPERLINK("http://evil"), "Ltd"',
          },
        },
      ]),
    );
    const r = await run(['evaluate', '--ownership', hostile, '--format', 'csv', '--as-of', '2025-10-01']);
    const [header, row] = r.out.split('\n');
    assert.match(header!, /^id,name,kind,decision,reasons,cascade_verdict,/);
    assert.ok(row!.startsWith(`x1,"'=HYPERLINK(""http://evil""), ""Ltd""",entity,`), row);
  });

  it('writes to --out and evaluates only --entity ids', async () => {
    const out = join(dir, 'out.jsonl');
    const r = await run([
      'evaluate',
      ...ex,
      '--entity',
      'sg-lioncity',
      '--entity',
      'us-cedar',
      '--out',
      out,
      '--as-of',
      '2025-10-01',
    ]);
    assert.equal(r.status, 0);
    assert.equal(r.out, '');
    assert.deepEqual(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id),
      ['sg-lioncity', 'us-cedar'],
    );
  });

  const statuses: Array<[string, string[], number, RegExp]> = [
    ['--fail-on restricted with a restricted entity', ['--fail-on', 'restricted'], 1, /^$/],
    ['--fail-on review with only allowed entities', ['--fail-on', 'review', '--entity', 'us-cedar'], 0, /^$/],
    ['--fail-on review with a review entity', ['--fail-on', 'review', '--entity', 'gb-atlas'], 1, /^$/],
    ['a bad --as-of', ['--as-of', '2025-13-01'], 2, /--as-of "2025-13-01": expected a date/],
    ['a bad --format', ['--format', 'xml'], 2, /argument 'xml' is invalid/],
    ['an unknown --entity', ['--entity', 'nobody'], 2, /no entity "nobody"/],
    ['an unknown option', ['--frobnicate'], 2, /unknown option/],
  ];
  for (const [name, extra, status, stderr] of statuses) {
    it(`exits ${status} for ${name}`, async () => {
      const r = await run(['evaluate', ...ex, ...extra]);
      assert.equal(r.status, status, r.err);
      assert.match(r.err, stderr);
    });
  }

  it('uses --ownership-format instead of detection', async () => {
    const asCsvName = write('statements.csv', readFileSync(EXAMPLE, 'utf8'));
    const ok = await run([
      'evaluate',
      '--ownership',
      asCsvName,
      '--ownership-format',
      'bods',
      '--as-of',
      '2025-10-01',
    ]);
    assert.equal(ok.status, 0, ok.err);
    assert.equal(lines(ok).length, 8);
    const wrong = await run(['evaluate', ...ex, '--ownership-format', 'csv']);
    assert.equal(wrong.status, 65);
    assert.match(wrong.err, /ownership\.json:\d+: not readable CSV/);
  });

  it('exits 2 without --ownership', async () => {
    const r = await run(['evaluate']);
    assert.equal(r.status, 2);
    assert.match(r.err, /--ownership/);
  });

  it('exits 65 naming the file and line when an ownership file cannot be parsed', async () => {
    const broken = write('broken.json', '[\n{"statementId": "a"},\n{"statementId": \n');
    const r = await run(['evaluate', '--ownership', broken]);
    assert.equal(r.status, 65);
    assert.match(r.err, /broken\.json:4: unexpected end of file inside the record that starts on line 3/);
  });

  it('exits 65 when an ownership file does not exist', async () => {
    const r = await run(['evaluate', '--ownership', 'missing.json']);
    assert.equal(r.status, 65);
    assert.match(r.err, /missing\.json: cannot read file \(ENOENT\)/);
  });

  it('exits 78 naming the key for a bad policy key', async () => {
    const policy = write('policy.yaml', 'id: p\nversion: "1"\nthreshold:\n  percnt: 50\n');
    const r = await run(['evaluate', ...ex, '--policy', policy]);
    assert.equal(r.status, 78);
    assert.match(r.err, /policy key threshold\.percnt: unknown key/);
  });

  it('reports a refused record on stderr with file:line and never lets its subject look cleaner', async () => {
    const statements = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Array<Record<string, unknown>>;
    // Refuse the Beijing group's stake in the Cayman holding (a bad interest type): without the
    // marking, the holding and the Singapore company below it would come out allowed.
    const bad = statements.map((s) =>
      s['recordId'] === 'rel-zhiyuan-harbourpeak'
        ? { ...s, recordDetails: { ...(s['recordDetails'] as object), interests: [{ type: 'ownsALot' }] } }
        : s,
    );
    const file = write('bad-record.json', JSON.stringify(bad, null, 1));
    const r = await run(['evaluate', '--ownership', file, '--as-of', '2025-10-01']);
    assert.equal(r.status, 0);
    assert.match(
      r.err,
      /bad-record\.json:\d+: BODS statement refused: recordDetails\.interests\[0\]\.type must be one of/,
    );
    const ds = new Map(parsed(r).map((d) => [d.id, d]));
    for (const id of ['ky-harbourpeak', 'sg-lioncity']) {
      assert.equal(ds.get(id)?.decision, 'review', id);
      assert.ok(ds.get(id)?.reasons.includes('input-issue'), id);
    }
    assert.equal(ds.get('us-cedar')?.decision, 'allowed');
  });
});

describe('channelguard evaluate on GLEIF golden-copy CSV', () => {
  it('consolidation by a Chinese parent restricts; reporting exceptions: dispersed is clear, undisclosed is review', async () => {
    const lei = write(
      'lei.csv',
      [
        'LEI,Entity.LegalName,Entity.HeadquartersAddress.Country,Entity.HeadquartersAddress.Region,Entity.LegalJurisdiction,Registration.LastUpdateDate',
        'AAAAAAAAAAAAAAAAAA01,Dispersed Plc,GB,,GB,2024-01-01T00:00:00Z',
        'AAAAAAAAAAAAAAAAAA02,Private Parent Holdings,US,US-DE,US-DE,2024-01-01T00:00:00Z',
        'AAAAAAAAAAAAAAAAAA03,Shanghai Parent Co,CN,CN-SH,CN,2024-01-01T00:00:00Z',
        'AAAAAAAAAAAAAAAAAA04,Rotterdam Subsidiary BV,NL,,NL,2024-01-01T00:00:00Z',
      ].join('\n') + '\n',
    );
    const rr = write(
      'rr.csv',
      [
        'Relationship.StartNode.NodeID,Relationship.EndNode.NodeID,Relationship.RelationshipType,Relationship.RelationshipStatus,Relationship.Period.1.startDate,Relationship.Period.1.periodType,Registration.LastUpdateDate',
        'AAAAAAAAAAAAAAAAAA04,AAAAAAAAAAAAAAAAAA03,IS_DIRECTLY_CONSOLIDATED_BY,ACTIVE,2020-01-01,RELATIONSHIP_PERIOD,2024-01-01T00:00:00Z',
      ].join('\n') + '\n',
    );
    const repex = write(
      'repex.csv',
      [
        'LEI,Exception.Category,Exception.Reason.1',
        'AAAAAAAAAAAAAAAAAA01,DIRECT_ACCOUNTING_CONSOLIDATION_PARENT,NO_KNOWN_PERSON',
        'AAAAAAAAAAAAAAAAAA02,DIRECT_ACCOUNTING_CONSOLIDATION_PARENT,NON_CONSOLIDATING',
      ].join('\n') + '\n',
    );
    const r = await run([
      'evaluate',
      '--ownership',
      lei,
      '--ownership',
      rr,
      '--ownership',
      repex,
      '--as-of',
      '2025-01-01',
    ]);
    assert.equal(r.status, 0, r.err);
    assert.deepEqual(
      parsed(r).map((d) => [d.id, d.decision]),
      [
        ['AAAAAAAAAAAAAAAAAA01', 'allowed'],
        ['AAAAAAAAAAAAAAAAAA02', 'review'],
        ['AAAAAAAAAAAAAAAAAA03', 'restricted'],
        ['AAAAAAAAAAAAAAAAAA04', 'restricted'],
      ],
    );
  });
});

describe('channelguard explain', () => {
  it('explains a restricted company: the chain, each hop with its share and record, the sums', async () => {
    const r = await run(['explain', 'sg-lioncity', ...ex, '--as-of', '2025-10-01']);
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /^sg-lioncity {2}Lion City AI Pte\. Ltd\. {2}\(entity\)/);
    assert.match(r.out, /RESTRICTED: it is controlled from a restricted region/);
    assert.match(r.out, /Threshold: more than 50%; method: either/);
    assert.match(r.out, /held 100% \(shareholding\) by ky-harbourpeak {3}\[record rel-harbourpeak-lioncity/);
    assert.match(r.out, /held 70% \(shareholding\) by cn-zhiyuan {3}\[record rel-zhiyuan-harbourpeak/);
    assert.match(r.out, /controlled \(appointmentOfBoard\) by cn-zhiyuan/);
    assert.match(r.out, /its headquarters is CN, a restricted region/);
  });

  it('explains the 50/50 case as allowed, and restricted with an inclusive threshold', async () => {
    const a = await run(['explain', 'de-rhinelake', ...ex, '--as-of', '2025-10-01']);
    assert.match(a.out, /ALLOWED/);
    assert.match(a.out, /held by restricted parties: exactly 50%/);
    const policy = write(
      'inclusive.json',
      JSON.stringify({ id: 'ofac', version: '1', threshold: { inclusive: true } }),
    );
    const b = await run(['explain', 'de-rhinelake', ...ex, '--as-of', '2025-10-01', '--policy', policy]);
    assert.match(b.out, /RESTRICTED/);
    assert.match(b.out, /Threshold: 50% or more/);
  });

  it('gives the structured form with --json', async () => {
    const r = await run(['explain', 'gb-atlas', ...ex, '--as-of', '2025-10-01', '--json']);
    const doc = JSON.parse(r.out) as { decision: { decision: string }; holders: Array<{ holder: string }> };
    assert.equal(doc.decision.decision, 'review');
    assert.deepEqual(
      doc.holders.map((h) => h.holder),
      ['undisclosed-holder'],
    );
  });

  it('exits 2 for an id that is not in the data', async () => {
    const r = await run(['explain', 'nobody', ...ex]);
    assert.equal(r.status, 2);
  });
});

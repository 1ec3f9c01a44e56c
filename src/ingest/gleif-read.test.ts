import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.ts';
import type { AnyStatement, IngestItem, RecordIssue } from '../model/types.ts';
import { readGleif } from './gleif-read.ts';
import { isWarning } from './issues.ts';

const SAMPLES = fileURLToPath(
  new URL('../../../shared/standards/gleif-golden-copy-samples/', import.meta.url),
);
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

async function read(file: string): Promise<{ statements: AnyStatement[]; issues: RecordIssue[] }> {
  const items: IngestItem[] = [];
  for await (const item of readGleif(file)) items.push(item);
  return {
    statements: items.flatMap((i) => (i.kind === 'statement' ? [i.statement] : [])),
    issues: items.flatMap((i) => (i.kind === 'issue' ? [i.issue] : [])),
  };
}

const byId = (sts: AnyStatement[], id: string) => sts.find((s) => s.recordId === id);
const withoutSource = ({ source: _source, ...rest }: AnyStatement) => rest;

describe('readGleif: golden-copy XML samples', () => {
  it('reads Level 1 LEI records: name, headquarters region, jurisdiction, status', async () => {
    const { statements, issues } = await read(join(SAMPLES, 'lei-data.xml'));
    assert.equal(statements.length, 13);
    assert.deepEqual(issues, []);
    const fund = byId(statements, '001GPB6A9XPE8XJICC14');
    assert.deepEqual(fund && withoutSource(fund), {
      statementId: 'gleif-lei-001GPB6A9XPE8XJICC14-2023-05-18T15:41:20.212Z',
      statementDate: '2023-05-18T15:41:20.212Z',
      recordId: '001GPB6A9XPE8XJICC14',
      recordStatus: 'new',
      recordType: 'party',
      record: {
        id: '001GPB6A9XPE8XJICC14',
        kind: 'entity',
        identifiers: [{ scheme: 'XI-LEI', id: '001GPB6A9XPE8XJICC14' }],
        name: 'Fidelity Advisor Leveraged Company Stock Fund',
        alternateNames: ['FIDELITY ADVISOR SERIES I - Fidelity Advisor Leveraged Company Stock Fund'],
        headquarters: ['US-MA'],
        incorporation: ['US-MA'],
        status: 'ACTIVE / ISSUED',
      },
    });
    assert.equal(fund?.source?.line, 10);
  });

  it('reads Level 2 relationships: child is the subject, the relationship period bounds the interest', async () => {
    const { statements, issues } = await read(join(SAMPLES, 'rr-data.xml'));
    const rel = byId(
      statements,
      'gleif-rr-010CMKZ3VON21WF2ZD45-IS_DIRECTLY_CONSOLIDATED_BY-ZZG38T0MDR3QY1ETUA76',
    );
    assert.ok(rel?.recordType === 'relationship');
    assert.deepEqual(rel.record, {
      id: 'gleif-rr-010CMKZ3VON21WF2ZD45-IS_DIRECTLY_CONSOLIDATED_BY-ZZG38T0MDR3QY1ETUA76',
      subject: '010CMKZ3VON21WF2ZD45',
      interestedParty: 'ZZG38T0MDR3QY1ETUA76',
      interests: [
        { type: 'consolidation', directOrIndirect: 'direct', startDate: '2018-02-06T00:00:00.000Z' },
      ],
    });
    const types = new Set(
      statements.flatMap((s) =>
        s.recordType === 'relationship' ? s.record.interests.map((i) => i.type) : [],
      ),
    );
    assert.deepEqual([...types].sort(), ['consolidation', 'fundManagement']);
    // IS_SUBFUND_OF is not in the control rule: ignored, said so, as a warning
    assert.equal(issues.length, 3);
    assert.ok(issues.every((i) => isWarning(i) && /IS_SUBFUND_OF/.test(i.reason)));
  });

  it('reads reporting exceptions: an undisclosed parent, or clear for NO_KNOWN_PERSON', async () => {
    const { statements } = await read(join(SAMPLES, 'repex-data.xml'));
    assert.equal(statements.length, 10);
    const reasons = statements.map((s) =>
      s.recordType === 'relationship' && typeof s.record.interestedParty === 'object'
        ? `${s.record.interestedParty.reason} ${s.record.interests[0]?.type}`
        : 'named',
    );
    assert.equal(reasons.filter((r) => r === 'subjectExemptFromDisclosure consolidation').length, 3);
    assert.equal(reasons.filter((r) => r === 'interestedPartyExemptFromDisclosure consolidation').length, 7);
    assert.ok(
      statements.every((s) => s.statementDate === '2023-06-09T09:03:29Z'),
      'dated by the file header',
    );
  });

  it('reads the delta files too', async () => {
    for (const f of ['lei-updates-data2.xml', 'rr-updates-data2.xml', 'repex-updates-data2.xml']) {
      const { statements } = await read(join(SAMPLES, f));
      assert.ok(statements.length > 5, f);
    }
  });

  it('refuses XML that is not well formed, naming file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-gleif-'));
    const file = join(dir, 'broken.xml');
    writeFileSync(file, '<?xml version="1.0"?>\n<lei:LEIData xmlns:lei="x">\n<lei:LEIRecord>\n</lei:Oops>\n');
    await assert.rejects(
      read(file),
      (err: unknown) => err instanceof InputError && /broken\.xml:4: not well-formed XML/.test(err.message),
    );
  });
});

describe('readGleif: JSON and CSV renderings map like the XML', () => {
  it('Level 1 JSON and CSV give the same statements as the XML record', async () => {
    const xml = byId((await read(join(SAMPLES, 'lei-data.xml'))).statements, '001GPB6A9XPE8XJICC14')!;
    for (const f of ['gleif-lei.json', 'gleif-lei.csv']) {
      const { statements, issues } = await read(join(FIXTURES, f));
      assert.deepEqual(withoutSource(byId(statements, '001GPB6A9XPE8XJICC14')!), withoutSource(xml), f);
      const sz = byId(statements, '5493000SHAHQH1ZZWX15');
      assert.ok(sz?.recordType === 'party');
      assert.deepEqual([sz.record.headquarters, sz.record.incorporation], [['CN-GD'], ['KY']], f);
      assert.equal(issues.length, 1, f);
      assert.equal(issues[0]?.field, 'LEI');
      // the line where the record without an LEI starts, whatever the fixture's layout
      const badLine =
        readFileSync(join(FIXTURES, f), 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('no LEI here')) + 1;
      assert.equal(issues[0]?.source.line, badLine);
    }
  });

  it('Level 2 CSV: types, periods, inactive relationships, ignored types', async () => {
    const { statements, issues } = await read(join(FIXTURES, 'gleif-rr.csv'));
    const xml = (await read(join(SAMPLES, 'rr-data.xml'))).statements;
    for (const s of statements.slice(0, 2))
      assert.deepEqual(withoutSource(s), withoutSource(byId(xml, s.recordId)!));
    const branch = byId(statements, 'gleif-rr-A-IS_INTERNATIONAL_BRANCH_OF-B');
    assert.ok(branch?.recordType === 'relationship');
    assert.deepEqual(branch.record.interests, [
      { type: 'branch', directOrIndirect: 'direct', startDate: '2010-01-01', endDate: '2020-06-30' },
    ]);
    assert.equal(branch.recordStatus, 'new');
    assert.equal(byId(statements, 'gleif-rr-C-IS_ULTIMATELY_CONSOLIDATED_BY-D')?.recordStatus, 'closed');
    assert.deepEqual(
      issues.map((i) => [i.source.line, isWarning(i)]),
      [[6, true]],
    );
  });

  it('reporting exceptions CSV gives the same statements as the XML, but undated', async () => {
    const { statements } = await read(join(FIXTURES, 'gleif-repex.csv'));
    const xml = (await read(join(SAMPLES, 'repex-data.xml'))).statements;
    for (const s of statements.slice(0, 2)) assert.deepEqual(s.record, byId(xml, s.recordId)?.record);
    assert.ok(statements.every((s) => s.statementDate === undefined));
    const noLei = byId(
      statements,
      'gleif-repex-01370W6ZIY66KQ4J3570-ULTIMATE_ACCOUNTING_CONSOLIDATION_PARENT',
    );
    assert.ok(noLei?.recordType === 'relationship');
    assert.deepEqual(noLei.record.interestedParty, {
      reason: 'informationUnknownToPublisher',
      description: 'GLEIF reporting exception ULTIMATE_ACCOUNTING_CONSOLIDATION_PARENT NO_LEI',
    });
  });
});

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnyStatement, IngestItem, RecordIssue } from '../model/types.ts';
import { mapBodsStatement } from './bods-map.ts';

const CASES = fileURLToPath(new URL('../../../shared/cases/', import.meta.url));
const src = { file: 'test.json', line: 1 };

const statements = (items: IngestItem[]): AnyStatement[] =>
  items.flatMap((i) => (i.kind === 'statement' ? [i.statement] : []));
const issues = (items: IngestItem[]): RecordIssue[] =>
  items.flatMap((i) => (i.kind === 'issue' ? [i.issue] : []));

const header = (recordId: string, recordType: string) => ({
  statementId: `${recordId}-statement-0000000000000000000000000`.slice(0, 40),
  declarationSubject: 'subject',
  statementDate: '2025-01-15',
  recordId,
  recordStatus: 'new',
  recordType,
});

describe('mapBodsStatement', () => {
  it('maps every statement of the conformance cases without an issue', () => {
    let count = 0;
    for (const file of readdirSync(CASES).filter((f) => f.endsWith('.json'))) {
      const doc = JSON.parse(readFileSync(CASES + file, 'utf8')) as { statements: unknown[] };
      for (const raw of doc.statements) {
        const items = mapBodsStatement(raw, { file });
        assert.deepEqual(issues(items), [], `${file}`);
        count += statements(items).length;
      }
    }
    assert.ok(count > 100, `only ${count} statements read`);
  });

  it('maps an entity: kind, headquarters, incorporation (subdivision kept), listing, identifiers', () => {
    const [st] = statements(
      mapBodsStatement(
        {
          ...header('ky-holding', 'entity'),
          recordDetails: {
            isComponent: false,
            entityType: { type: 'arrangement' },
            name: 'KY Holding',
            alternateNames: ['KYH'],
            jurisdiction: { name: 'Crimea', code: 'UA-43' },
            addresses: [
              { type: 'registered', country: { name: 'Cayman', code: 'KY' } },
              { type: 'business', country: { name: 'China', code: 'cn' } },
            ],
            identifiers: [{ scheme: 'XI-LEI', id: '5493001KJTIIGC8Y1R12' }],
            publicListing: { hasPublicListing: true },
          },
        },
        src,
      ),
    );
    assert.deepEqual(st, {
      statementId: header('ky-holding', 'entity').statementId,
      statementDate: '2025-01-15',
      recordId: 'ky-holding',
      recordStatus: 'new',
      source: src,
      recordType: 'party',
      record: {
        id: 'ky-holding',
        kind: 'entity',
        name: 'KY Holding',
        alternateNames: ['KYH'],
        identifiers: [{ id: '5493001KJTIIGC8Y1R12', scheme: 'XI-LEI' }],
        headquarters: ['CN'],
        incorporation: ['UA-43'],
        listed: true,
      },
    });
  });

  const entityKinds: Array<[string, string]> = [
    ['registeredEntity', 'entity'],
    ['legalEntity', 'entity'],
    ['arrangement', 'entity'],
    ['state', 'state'],
    ['stateBody', 'stateBody'],
    ['unknownEntity', 'unknownEntity'],
    ['anonymousEntity', 'anonymousEntity'],
  ];
  for (const [type, kind] of entityKinds) {
    it(`maps entityType ${type} to kind ${kind}`, () => {
      const [st] = statements(
        mapBodsStatement(
          { ...header('e', 'entity'), recordDetails: { isComponent: false, entityType: { type } } },
          src,
        ),
      );
      assert.equal(st?.recordType === 'party' && st.record.kind, kind);
    });
  }

  it('maps a person: residence, nationalities, tax residencies, legal name', () => {
    const [st] = statements(
      mapBodsStatement(
        {
          ...header('p1', 'person'),
          recordDetails: {
            isComponent: false,
            personType: 'knownPerson',
            names: [
              { type: 'alternative', fullName: 'Bob' },
              { type: 'legal', fullName: 'Robert Roe' },
            ],
            addresses: [
              { type: 'service', country: { name: 'UK', code: 'GB' } },
              { type: 'residence', country: { name: 'Russia', code: 'RU' } },
            ],
            nationalities: [{ name: 'Belarus', code: 'BY' }],
            taxResidencies: [{ name: 'Cyprus', code: 'CY' }],
          },
        },
        src,
      ),
    );
    assert.ok(st?.recordType === 'party');
    assert.deepEqual(st.record, {
      id: 'p1',
      kind: 'person',
      name: 'Robert Roe',
      alternateNames: ['Bob'],
      residence: ['RU'],
      nationality: ['BY'],
      taxResidency: ['CY'],
    });
  });

  it('maps a relationship with an unspecified interested party and keeps share values raw', () => {
    const items = mapBodsStatement(
      {
        ...header('r1', 'relationship'),
        recordDetails: {
          isComponent: false,
          subject: 't',
          interestedParty: { reason: 'subjectExemptFromDisclosure', description: 'listed' },
          interests: [
            {
              type: 'shareholding',
              share: { exact: 120 },
              startDate: '2020-01-01',
              directOrIndirect: 'indirect',
            },
          ],
        },
      },
      src,
    );
    const [st] = statements(items);
    assert.ok(st?.recordType === 'relationship');
    assert.deepEqual(st.record, {
      id: 'r1',
      subject: 't',
      interestedParty: { reason: 'subjectExemptFromDisclosure', description: 'listed' },
      interests: [
        {
          type: 'shareholding',
          share: { exact: 120 },
          directOrIndirect: 'indirect',
          startDate: '2020-01-01',
        },
      ],
    });
    // Read as stated, and still reported: the evaluator flags it, the user sees why.
    assert.equal(issues(items)[0]?.field, 'recordDetails.interests[0].share.exact');
  });

  const refusals: Array<[string, Record<string, unknown>, string]> = [
    [
      'bad entity type',
      { ...header('e', 'entity'), recordDetails: { isComponent: false, entityType: { type: 'x' } } },
      'recordDetails.entityType.type',
    ],
    [
      'missing statementDate',
      {
        ...header('e', 'entity'),
        statementDate: undefined,
        recordDetails: { isComponent: false, entityType: { type: 'state' } },
      },
      'statementDate',
    ],
    [
      'bad record status',
      {
        ...header('e', 'entity'),
        recordStatus: 'gone',
        recordDetails: { isComponent: false, entityType: { type: 'state' } },
      },
      'recordStatus',
    ],
    [
      'person details on an entity',
      { ...header('e', 'entity'), recordDetails: { isComponent: false, personType: 'knownPerson' } },
      'recordDetails.entityType',
    ],
    [
      'share not an object',
      {
        ...header('r', 'relationship'),
        recordDetails: {
          isComponent: false,
          subject: 's',
          interestedParty: 'p',
          interests: [{ type: 'shareholding', share: 50 }],
        },
      },
      'recordDetails.interests[0].share',
    ],
    [
      'bad date',
      {
        ...header('r', 'relationship'),
        recordDetails: {
          isComponent: false,
          subject: 's',
          interestedParty: 'p',
          interests: [{ startDate: '2020-13-01' }],
        },
      },
      'recordDetails.interests[0].startDate',
    ],
  ];
  for (const [name, raw, field] of refusals) {
    it(`refuses a statement with ${name}, naming the statement and ${field}`, () => {
      const items = mapBodsStatement(JSON.parse(JSON.stringify(raw)), src);
      assert.deepEqual(statements(items), []);
      const [issue] = issues(items);
      assert.equal(issue?.field, field);
      assert.equal(issue?.record, raw['statementId']);
      assert.match(issue?.reason ?? '', /refused/);
    });
  }
});

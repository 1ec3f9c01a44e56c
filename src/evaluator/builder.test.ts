import assert from 'node:assert/strict';
import { InputError } from '../errors.ts';
import { createPerson, partyStatement, relationshipStatement } from '../model/factories.ts';
import type { AnyStatement } from '../model/types.ts';
import { createGraphBuilder } from './builder.ts';
import { company, rel } from './test-graph.ts';

function graphOf(statements: AnyStatement[], asOf = '2025-10-01') {
  const b = createGraphBuilder();
  for (const s of statements) b.add(s);
  return b.build(asOf);
}

describe('GraphBuilder (Step 1: what is in force)', () => {
  const cn = company('cn', 'CN');
  const sg = company('sg', 'SG');

  it('keeps the latest statement made on or before the as-of day (a date-time late that day counts)', () => {
    const table: Array<[string, string | undefined]> = [
      ['2025-10-01T23:59:59Z', 'CN'],
      ['2025-10-01T23:59:59', 'CN'],
      ['2025-10-02T00:00:00Z', 'SG'],
      ['2025-10-02', 'SG'],
      ['2025-10-01T23:00:00-02:00', 'SG'], // 2025-10-02T01:00Z
    ];
    for (const [date, hq] of table) {
      const g = graphOf([
        partyStatement(company('x', 'SG'), { statementId: 'a', statementDate: '2025-01-01' }),
        partyStatement(company('x', 'CN'), {
          statementId: 'b',
          statementDate: date,
          recordStatus: 'updated',
        }),
      ]);
      assert.deepEqual(g.party('x')?.headquarters, [hq], date);
    }
  });

  it('breaks a tie by the largest statementId, whatever the order, and notes it', () => {
    const a = partyStatement(company('x', 'CN'), { statementId: 'zz', statementDate: '2025-01-01' });
    const b = partyStatement(company('x', 'SG'), { statementId: 'aa', statementDate: '2025-01-01' });
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const g = graphOf(order);
      assert.deepEqual(g.party('x')?.headquarters, ['CN']);
      assert.deepEqual(
        g.notes.map((n) => [n.recordId, n.flag]),
        [['x', 'conflicting-statements']],
      );
    }
  });

  it('counts the same statement read twice once (no conflict)', () => {
    const a = partyStatement(cn, { statementId: 's1', statementDate: '2025-01-01' });
    const g = graphOf([a, structuredClone(a)]);
    assert.equal(g.notes.length, 0);
    assert.equal(g.partyCount, 1);
  });

  it('drops closed records; a relationship naming a gone party names an undescribed one', () => {
    const g = graphOf([
      partyStatement(cn, { statementId: 'p1', statementDate: '2025-01-01' }),
      partyStatement(cn, { statementId: 'p2', statementDate: '2025-02-01', recordStatus: 'closed' }),
      partyStatement(sg, { statementId: 'p3', statementDate: '2025-01-01' }),
      relationshipStatement(rel('cn', 'sg', 60, 'r1'), { statementId: 'r1a', statementDate: '2025-01-01' }),
      relationshipStatement(rel('sg', 'cn', 10, 'r2'), { statementId: 'r2a', statementDate: '2025-01-01' }),
      relationshipStatement(rel('sg', 'cn', 10, 'r2'), {
        statementId: 'r2b',
        statementDate: '2025-03-01',
        recordStatus: 'closed',
      }),
    ]);
    assert.equal(g.party('cn'), undefined);
    assert.deepEqual(g.entityIds(), ['cn', 'sg']);
    assert.equal(g.relationshipCount, 1);
    assert.deepEqual(g.holdersOf('cn'), []);
    assert.deepEqual(
      g.holdersOf('sg').map((h) => h.relationshipId),
      ['r1'],
    );
  });

  it('keeps interests in force by start and end day (endDate is the day it ceased)', () => {
    const i = (startDate?: string, endDate?: string) => ({
      type: 'shareholding',
      share: { exact: 10 },
      ...(startDate ? { startDate } : {}),
      ...(endDate ? { endDate } : {}),
    });
    const table: Array<[string | undefined, string | undefined, boolean]> = [
      [undefined, undefined, true],
      ['2025-10-01', undefined, true],
      ['2025-10-01T23:00:00Z', undefined, true],
      ['2025-10-02', undefined, false],
      [undefined, '2025-10-01', false],
      [undefined, '2025-10-02', true],
      ['2020-01-01', '2025-09-30', false],
    ];
    for (const [start, end, inForce] of table) {
      const g = graphOf([
        partyStatement(sg, { statementId: 'p' }),
        relationshipStatement(rel('cn', 'sg', [i(start, end)], 'r'), { statementId: 'r' }),
      ]);
      assert.equal(g.holdersOf('sg').length, inForce ? 1 : 0, `${start} ${end}`);
      // the statement ids alone follow the same rule
      assert.deepEqual(g.holderStatementIds('sg'), inForce ? ['r'] : [], `${start} ${end}`);
    }
  });

  it('lists the statement ids of holdersOf, in its order, dormant and unknown ids left out', () => {
    const later = { type: 'shareholding', share: { exact: 5 }, startDate: '2030-01-01' };
    const g = graphOf([
      partyStatement(sg, { statementId: 'p' }),
      relationshipStatement(rel('cn', 'sg', 30, 'r1'), { statementId: 's1' }),
      relationshipStatement(rel('hk', 'sg', [later], 'r2'), { statementId: 's2' }),
      relationshipStatement(rel({ reason: 'unknown' }, 'sg', 20, 'r3'), { statementId: 's3' }),
      relationshipStatement(rel('us', 'sg', 10, 'r4'), { statementId: 's4' }),
    ]);
    assert.deepEqual(
      g.holderStatementIds('sg'),
      g.holdersOf('sg').map((h) => h.statementId),
    );
    assert.deepEqual(g.holderStatementIds('sg'), ['s1', 's3', 's4']);
    assert.deepEqual(g.holderStatementIds('nobody'), []);
  });

  it('restates parties and interests as given', () => {
    const p = {
      ...company('t', 'SG'),
      name: 'T Ltd',
      listed: true,
      identifiers: [{ scheme: 'XI-LEI', id: 'L1' }],
    };
    const interests = [
      {
        type: 'shareholding',
        share: { exclusiveMinimum: 50, maximum: 75.5 },
        directOrIndirect: 'direct' as const,
      },
      { type: 'votingRights', share: { exact: 'lots' }, details: 'as written' } as never,
      { type: 'appointmentOfBoard', beneficialOwnershipOrControl: true, startDate: '2020-01-01' },
    ];
    const g = graphOf([
      partyStatement(p, { statementId: 'p' }),
      relationshipStatement(rel({ reason: 'unknown', description: 'nominee' }, 't', interests, 'r9'), {
        statementId: 'st9',
      }),
    ]);
    assert.deepEqual(g.party('t'), p);
    assert.deepEqual(g.holdersOf('t'), [
      {
        relationshipId: 'r9',
        statementId: 'st9',
        holder: { reason: 'unknown', description: 'nominee' },
        interests,
      },
    ]);
  });

  it('lists decision ids sorted, without natural persons or unspecified parties', () => {
    const g = graphOf([
      partyStatement(company('b', 'SG')),
      partyStatement(createPerson({ id: 'a-person', nationality: ['SG'] })),
      partyStatement(company('a', 'SG')),
      relationshipStatement(rel({ reason: 'unknown' }, 'b', 10)),
      relationshipStatement(rel('named-only', 'b', 10)),
    ]);
    assert.deepEqual(g.entityIds(), ['a', 'b', 'named-only']);
    assert.equal(g.asOf, '2025-10-01');
  });

  it('refuses an as-of that is not a calendar date', () => {
    for (const bad of ['2025-13-01', '2025-02-30', '01/10/2025', '2025-10-01T00:00:00Z'])
      assert.throws(() => createGraphBuilder().build(bad), InputError, bad);
  });

  it('ignores a statement whose date cannot be read, and notes it', () => {
    const g = graphOf([partyStatement(cn, { statementId: 'bad', statementDate: 'yesterday' })]);
    assert.equal(g.party('cn'), undefined);
    assert.deepEqual(
      g.notes.map((n) => n.flag),
      ['invalid-statement-date'],
    );
  });
});

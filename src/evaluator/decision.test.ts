import assert from 'node:assert/strict';
import { partyStatement, relationshipStatement } from '../model/factories.ts';
import { createGraphBuilder } from './builder.ts';
import { evaluate } from './evaluate.ts';
import { MAX_PATHS } from './paths.ts';
import { company, policy, rel, run } from './test-graph.ts';

const T = company('T', 'SG');
const cn = (id: string) => company(id, 'CN');
const us = (id: string) => company(id, 'US');
const sg = (id: string) => company(id, 'SG');

describe('evaluate: flags and parties of unknown origin', () => {
  const table: Array<{
    name: string;
    parties: Parameters<typeof run>[0];
    rels: Parameters<typeof run>[1];
    policy?: Record<string, unknown>;
    decision: string;
    flags: string[];
    reasons?: string[];
  }> = [
    {
      name: 'a share outside [0, 100] is [0, 100] and flags invalid-share',
      parties: [us('U'), T],
      rels: [rel('U', 'T', 150)],
      decision: 'review',
      flags: ['invalid-share'],
    },
    {
      name: 'lower bounds past 100% flag inconsistent-shares',
      parties: [us('U'), us('V'), T],
      rels: [rel('U', 'T', 60), rel('V', 'T', 60)],
      decision: 'review',
      flags: ['inconsistent-shares'],
    },
    {
      name: 'an open lower bound at exactly 100 is past 100',
      parties: [us('U'), us('V'), T],
      rels: [rel('U', 'T', 60), rel('V', 'T', { share: { exclusiveMinimum: 40 } })],
      decision: 'review',
      flags: ['inconsistent-shares'],
    },
    {
      name: 'stand-ins take no part in the 100% check',
      parties: [us('U'), us('V'), T],
      rels: [rel('U', 'T', 60), rel('V', 'T', { share: { exact: 60 }, directOrIndirect: 'indirect' })],
      decision: 'allowed',
      flags: [],
    },
    {
      name: 'a self-holding is ignored and flagged',
      parties: [cn('C1'), T],
      rels: [rel('T', 'T', 60), rel('C1', 'T', 30)],
      decision: 'allowed',
      flags: ['self-holding'],
    },
    {
      name: 'an undescribed holder is of unknown origin',
      parties: [T],
      rels: [rel('ghost', 'T', 60)],
      decision: 'review',
      flags: [],
    },
    {
      name: 'an unspecified holder is of unknown origin',
      parties: [T],
      rels: [rel({ reason: 'informationUnknownToPublisher' }, 'T', 60)],
      decision: 'review',
      flags: [],
    },
    {
      name: 'noBeneficialOwners is no owner at all',
      parties: [T],
      rels: [rel({ reason: 'noBeneficialOwners' }, 'T', [])],
      decision: 'allowed',
      flags: [],
    },
    {
      name: 'an entity with no country is of unknown origin itself',
      parties: [{ id: 'T', kind: 'entity' }],
      rels: [],
      decision: 'review',
      flags: ['unknown-origin'],
      reasons: ['cascade', 'look-through', 'unknown-origin'],
    },
    {
      name: 'an anonymous entity stating a restricted value is a root',
      parties: [{ id: 'X', kind: 'anonymousEntity', incorporation: ['RU'] }, T],
      rels: [rel('X', 'T', 60)],
      decision: 'restricted',
      flags: [],
    },
    {
      name: 'a restricting control held by a possibly restricted party sends to review',
      parties: [{ id: 'X', kind: 'unknownEntity' }, us('U'), T],
      rels: [rel('X', 'T', [{ type: 'appointmentOfBoard' }]), rel('U', 'T', 100)],
      decision: 'review',
      flags: [],
      reasons: ['cascade', 'look-through', 'control:appointmentOfBoard'],
    },
  ];
  for (const row of table)
    it(row.name, () => {
      const d = run(row.parties, row.rels, row.policy).get('T')!;
      assert.equal(d.decision, row.decision);
      assert.deepEqual(d.flags, row.flags);
      if (row.reasons) assert.deepEqual(d.reasons, row.reasons);
    });

  it('flags conflicting statements on the subject, which alone changes nothing', () => {
    const b = createGraphBuilder();
    b.add(partyStatement(cn('C1')));
    b.add(partyStatement(T));
    b.add(relationshipStatement(rel('C1', 'T', 30, 'r'), { statementId: 'b', statementDate: '2025-01-01' }));
    b.add(relationshipStatement(rel('C1', 'T', 20, 'r'), { statementId: 'a', statementDate: '2025-01-01' }));
    const d = evaluate(b.build('2025-10-01'), policy()).find((x) => x.id === 'T')!;
    assert.equal(d.decision, 'allowed');
    assert.deepEqual(d.flags, ['conflicting-statements']);
    assert.equal(d.cascade.min, 30);
  });
});

describe('evaluate: declared indirect interests (stand-ins)', () => {
  it('stand in for a chain the graph does not hold', () => {
    const d = run(
      [cn('C1'), T],
      [rel('C1', 'T', { share: { exact: 60 }, directOrIndirect: 'indirect' })],
    ).get('T')!;
    assert.equal(d.decision, 'restricted');
  });
  it('are evidence only where a chain exists: the chain is computed', () => {
    const d = run(
      [cn('C1'), sg('H'), us('U'), T],
      [
        rel('C1', 'H', 10),
        rel('H', 'T', 100),
        rel('C1', 'T', { share: { exact: 60 }, directOrIndirect: 'indirect' }),
      ],
    ).get('T')!;
    assert.equal(d.decision, 'allowed');
    assert.deepEqual([d.lookThrough.min, d.lookThrough.max], [10, 10]);
  });
  it('never lower the cap when held by a clear holder', () => {
    const d = run(
      [cn('C1'), us('U'), T],
      [rel('C1', 'T', {}), rel('U', 'T', { share: { exact: 60 }, directOrIndirect: 'indirect' })],
    ).get('T')!;
    assert.equal(d.decision, 'review');
    assert.equal(d.cascade.max, 100);
  });
  it('count with the holder in the cascade cap when the holder may be restricted', () => {
    const d = run(
      [cn('C1'), us('U'), T],
      [rel('C1', 'T', { share: { exact: 30 }, directOrIndirect: 'indirect' }), rel('U', 'T', 60)],
    ).get('T')!;
    assert.deepEqual([d.cascade.min, d.cascade.max], [30, 30]);
    assert.equal(d.decision, 'allowed');
  });
});

describe('evaluate: witness paths and the decision record', () => {
  it('walks from the subject up to the root, each hop with its share and source', () => {
    const d = run(
      [cn('C1'), sg('H'), T],
      [rel('C1', 'H', 60, 'r1'), rel('H', 'T', 40, 'r2'), rel('C1', 'T', 15, 'r3')],
    ).get('T')!;
    assert.deepEqual(d.paths, [
      {
        root: 'C1',
        rootReason: 'origin:headquarters:CN',
        hops: [
          {
            holder: 'H',
            subject: 'T',
            interestType: 'shareholding',
            share: { min: 40, max: 40 },
            source: 'r2',
            statementId: 's-r2',
          },
          {
            holder: 'C1',
            subject: 'H',
            interestType: 'shareholding',
            share: { min: 60, max: 60 },
            source: 'r1',
            statementId: 's-r1',
          },
        ],
      },
      {
        root: 'C1',
        rootReason: 'origin:headquarters:CN',
        hops: [
          {
            holder: 'C1',
            subject: 'T',
            interestType: 'shareholding',
            share: { min: 15, max: 15 },
            source: 'r3',
            statementId: 's-r3',
          },
        ],
      },
    ]);
    assert.deepEqual(d.reasons, ['cascade']);
    assert.equal(d.asOf, '2025-10-01');
    assert.deepEqual(d.policy, policy().ref);
  });

  it('caps the paths and says so', () => {
    const holders = Array.from({ length: MAX_PATHS + 2 }, (_, i) => cn(`C${i}`));
    const d = run(
      [...holders, T],
      holders.map((h, i) => rel(h.id, 'T', 12 - i)),
    ).get('T')!;
    assert.equal(d.paths.length, MAX_PATHS);
    assert.deepEqual(
      d.paths.map((p) => p.root),
      ['C0', 'C1', 'C2', 'C3', 'C4'],
    );
    assert.ok(d.reasons.includes('paths-truncated'));
  });

  it('serialises with the field order of the API, name omitted when absent', () => {
    const d = run([cn('C1'), { id: 'T', kind: 'entity', headquarters: ['SG'] }], [rel('C1', 'T', 60)]).get(
      'T',
    )!;
    assert.deepEqual(Object.keys(d), [
      'id',
      'kind',
      'decision',
      'reasons',
      'cascade',
      'lookThrough',
      'paths',
      'flags',
      'policy',
      'asOf',
    ]);
    const named = run([cn('C1'), T], []).get('C1')!;
    assert.deepEqual(Object.keys(named).slice(0, 3), ['id', 'name', 'kind']);
  });
});

describe('evaluate: options.ids', () => {
  const parties = [cn('C1'), sg('A'), sg('B'), sg('C'), sg('H'), us('U'), T];
  const rels = [
    rel('C1', 'A', 40),
    rel('A', 'B', 30),
    rel('B', 'A', 30),
    rel('C1', 'B', 40),
    rel('B', 'H', 60),
    rel('H', 'T', 55),
    rel('U', 'T', 45),
    rel('U', 'C', 100),
  ];
  it('gives for each id what the whole evaluation gives', () => {
    const b = createGraphBuilder();
    for (const p of parties) b.add(partyStatement(p));
    for (const r of rels) b.add(relationshipStatement(r));
    const g = b.build('2025-10-01');
    const all = new Map(evaluate(g, policy()).map((d) => [d.id, d]));
    const some = evaluate(g, policy(), { ids: ['T', 'A', 'C'] });
    assert.deepEqual(
      some.map((d) => d.id),
      ['A', 'C', 'T'],
    );
    for (const d of some) assert.deepEqual(d, all.get(d.id));
  });
  it('fails closed on an id the graph does not know', () => {
    const b = createGraphBuilder();
    b.add(partyStatement(T));
    const [d] = evaluate(b.build('2025-10-01'), policy(), { ids: ['nobody'] });
    assert.equal(d?.decision, 'review');
    assert.ok(d?.reasons.includes('not-in-graph'));
  });
});

describe('evaluate: witness paths of allowed decisions', () => {
  it('an allowed decision at the threshold carries the path to the restricted holder', () => {
    const d = run([cn('C'), us('U'), T], [rel('C', 'T', 50), rel('U', 'T', 50)]).get('T')!;
    assert.equal(d.decision, 'allowed');
    assert.deepEqual(
      d.paths.map((p) => [p.root, p.hops.map((h) => [h.holder, h.share.min])]),
      [['C', [['C', 50]]]],
    );
  });

  it('an entity no restricted party comes near has no path', () => {
    const small = run([cn('C'), us('U'), T], [rel('C', 'T', 10), rel('U', 'T', 90)]).get('T')!;
    assert.equal(small.decision, 'allowed');
    assert.deepEqual(small.paths, []);
    const clean = run([us('U'), T], [rel('U', 'T', 100)]).get('T')!;
    assert.deepEqual(clean.paths, []);
  });
});

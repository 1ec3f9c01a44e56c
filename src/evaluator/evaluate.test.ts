import assert from 'node:assert/strict';
import type { Party, Relationship, Verdict } from '../model/types.ts';
import { company, rel, run } from './test-graph.ts';

interface Row {
  name: string;
  parties: Party[];
  rels: Relationship[];
  policy?: Record<string, unknown>;
  /** the decision of T */
  cascade: Verdict;
  lookThrough: Verdict;
  decision: Verdict;
  /** look-through [min, max], percent */
  lt?: [number, number];
  /** cascade [min, max], percent */
  c?: [number, number];
}

const T = company('T', 'SG');
const cn = (id: string) => company(id, 'CN');
const us = (id: string) => company(id, 'US');
const sg = (id: string) => company(id, 'SG');

// The spec's worked examples (default policy), as a table.
const worked: Row[] = [
  {
    name: 'CN1 60% -> T',
    parties: [cn('CN1'), T],
    rels: [rel('CN1', 'T', 60)],
    cascade: 'restricted',
    lookThrough: 'restricted',
    decision: 'restricted',
    lt: [60, 60],
  },
  {
    name: 'CN1 50% + US1 50% -> T',
    parties: [cn('CN1'), us('US1'), T],
    rels: [rel('CN1', 'T', 50), rel('US1', 'T', 50)],
    cascade: 'allowed',
    lookThrough: 'allowed',
    decision: 'allowed',
    lt: [50, 50],
  },
  {
    name: 'CN1 50% + US1 50% -> T, inclusive',
    policy: { threshold: { inclusive: true } },
    parties: [cn('CN1'), us('US1'), T],
    rels: [rel('CN1', 'T', 50), rel('US1', 'T', 50)],
    cascade: 'restricted',
    lookThrough: 'restricted',
    decision: 'restricted',
  },
  {
    name: 'CN1 30% + CN2 25% -> T',
    parties: [cn('CN1'), cn('CN2'), T],
    rels: [rel('CN1', 'T', 30), rel('CN2', 'T', 25)],
    cascade: 'restricted',
    lookThrough: 'restricted',
    decision: 'restricted',
    c: [55, 55],
    lt: [55, 55],
  },
  {
    name: 'CN1 60% -> H(SG) 40% -> T, CN1 15% -> T',
    parties: [cn('CN1'), sg('H'), T],
    rels: [rel('CN1', 'H', 60), rel('H', 'T', 40), rel('CN1', 'T', 15)],
    cascade: 'restricted',
    lookThrough: 'allowed',
    decision: 'restricted',
    c: [55, 55],
    lt: [39, 39],
  },
  {
    name: 'CN1 51% -> A 51% -> B 51% -> C 51% -> T',
    parties: [cn('CN1'), sg('A'), sg('B'), sg('C'), T],
    rels: [rel('CN1', 'A', 51), rel('A', 'B', 51), rel('B', 'C', 51), rel('C', 'T', 51)],
    cascade: 'restricted',
    lookThrough: 'allowed',
    decision: 'restricted',
    lt: [6.765201, 6.765201],
  },
  {
    name: 'CN1 49% -> H 100% -> T',
    parties: [cn('CN1'), sg('H'), T],
    rels: [rel('CN1', 'H', 49), rel('H', 'T', 100)],
    cascade: 'allowed',
    lookThrough: 'allowed',
    decision: 'allowed',
    lt: [49, 49],
  },
  {
    name: 'X(CN) 25% -> A and -> B, A 50% + B 50% -> T',
    parties: [cn('X'), sg('A'), sg('B'), T],
    rels: [rel('X', 'A', 25), rel('X', 'B', 25), rel('A', 'T', 50), rel('B', 'T', 50)],
    cascade: 'allowed',
    lookThrough: 'allowed',
    decision: 'allowed',
    lt: [25, 25],
  },
  {
    name: 'ring A, B, C each 30% of the other two, CN1 40% of each; T = A',
    parties: [cn('CN1'), sg('A'), sg('B'), sg('C')],
    rels: [
      rel('CN1', 'A', 40),
      rel('CN1', 'B', 40),
      rel('CN1', 'C', 40),
      rel('A', 'B', 30),
      rel('A', 'C', 30),
      rel('B', 'A', 30),
      rel('B', 'C', 30),
      rel('C', 'A', 30),
      rel('C', 'B', 30),
    ],
    cascade: 'allowed',
    lookThrough: 'restricted',
    decision: 'restricted',
  },
  {
    name: 'KY holding with a CN headquarters 100% -> T',
    parties: [createKy(), T],
    rels: [rel('KY', 'T', 100)],
    cascade: 'restricted',
    lookThrough: 'restricted',
    decision: 'restricted',
  },
  {
    name: 'CN1 holds {exclusiveMinimum: 50} of T',
    parties: [cn('CN1'), T],
    rels: [rel('CN1', 'T', { share: { exclusiveMinimum: 50 } })],
    cascade: 'restricted',
    lookThrough: 'restricted',
    decision: 'restricted',
  },
  {
    name: 'CN1 holds T with no share stated',
    parties: [cn('CN1'), T],
    rels: [rel('CN1', 'T', {})],
    cascade: 'review',
    lookThrough: 'review',
    decision: 'review',
    lt: [0, 100],
  },
  {
    name: 'CN1 no share stated, US1 exactly 60%',
    parties: [cn('CN1'), us('US1'), T],
    rels: [rel('CN1', 'T', {}), rel('US1', 'T', 60)],
    cascade: 'allowed',
    lookThrough: 'allowed',
    decision: 'allowed',
    c: [0, 40],
    lt: [0, 40],
  },
  {
    name: 'CN1 30% equity and appointmentOfBoard in T',
    parties: [cn('CN1'), us('US1'), T],
    rels: [
      rel('CN1', 'T', [{ type: 'shareholding', share: { exact: 30 } }, { type: 'appointmentOfBoard' }]),
      rel('US1', 'T', 70),
    ],
    cascade: 'restricted',
    lookThrough: 'restricted',
    decision: 'restricted',
  },
  {
    name: 'CN1 60% + US1 60% -> T (inconsistent)',
    parties: [cn('CN1'), us('US1'), T],
    rels: [rel('CN1', 'T', 60), rel('US1', 'T', 60)],
    cascade: 'review',
    lookThrough: 'review',
    decision: 'review',
  },
];

function createKy(): Party {
  return company('KY', 'KY', { headquarters: ['CN'] });
}

const target = (row: Row) => (row.parties.some((p) => p.id === 'T') ? 'T' : 'A');

function check(rows: Row[]): void {
  for (const row of rows)
    it(row.name, () => {
      const d = run(row.parties, row.rels, row.policy).get(target(row));
      assert.ok(d, 'no decision');
      assert.equal(d.cascade.verdict, row.cascade, 'cascade');
      assert.equal(d.lookThrough.verdict, row.lookThrough, 'look-through');
      assert.equal(d.decision, row.decision, 'decision');
      if (row.lt) assert.deepEqual([d.lookThrough.min, d.lookThrough.max], row.lt, 'look-through interval');
      if (row.c) assert.deepEqual([d.cascade.min, d.cascade.max], row.c, 'cascade interval');
    });
}

describe('evaluate: the worked examples of the control rule', () => check(worked));

describe('evaluate: boundaries', () => {
  const three = [cn('C1'), cn('C2'), cn('C3'), us('U'), T];
  const fifty = [rel('C1', 'T', 0.1), rel('C2', 'T', 42.2), rel('C3', 'T', 7.7), rel('U', 'T', 50)];
  check([
    {
      name: '0.1 + 42.2 + 7.7 is exactly 50: not more than 50',
      parties: three,
      rels: fifty,
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
      c: [50, 50],
      lt: [50, 50],
    },
    {
      name: '0.1 + 42.2 + 7.7 is exactly 50: 50 or more',
      policy: { threshold: { inclusive: true } },
      parties: three,
      rels: fifty,
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'two open bounds of 25 add up to more than 50',
      parties: [cn('C1'), cn('C2'), T],
      rels: [
        rel('C1', 'T', { share: { exclusiveMinimum: 25, maximum: 30 } }),
        rel('C2', 'T', { share: { exclusiveMinimum: 25, maximum: 30 } }),
      ],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'below 50 (exclusiveMaximum) is not 50 or more',
      policy: { threshold: { inclusive: true } },
      parties: [cn('C1'), T],
      rels: [rel('C1', 'T', { share: { exclusiveMaximum: 50 } })],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
    },
    {
      name: 'at most 50 could be 50 or more',
      policy: { threshold: { inclusive: true } },
      parties: [cn('C1'), T],
      rels: [rel('C1', 'T', { share: { maximum: 50 } })],
      cascade: 'review',
      lookThrough: 'review',
      decision: 'review',
    },
    {
      name: 'look-through: 100% x {exclusiveMinimum: 50} stays more than 50',
      policy: { method: 'look-through' },
      parties: [cn('C1'), sg('H'), T],
      rels: [rel('C1', 'H', 100), rel('H', 'T', { share: { exclusiveMinimum: 50 } })],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'look-through: 70% x 71.5% = 50.05 is past 50',
      policy: { method: 'look-through' },
      parties: [cn('C1'), sg('H'), T],
      rels: [rel('C1', 'H', 70), rel('H', 'T', 71.5)],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
      lt: [50.05, 50.05],
    },
    {
      name: 'threshold 25: 30% restricts',
      policy: { threshold: { percent: 25 } },
      parties: [cn('C1'), T],
      rels: [rel('C1', 'T', 30)],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'two cycles of 100% with no restricted input stay clear',
      parties: [sg('A'), sg('B'), T],
      rels: [rel('A', 'B', 100), rel('B', 'A', 100), rel('A', 'T', 100)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
      lt: [0, 0],
    },
    {
      name: 'a 99/1 cycle fed 1% by CN converges to 100% look-through',
      parties: [cn('C1'), sg('A'), sg('B'), T],
      rels: [rel('C1', 'A', 1), rel('B', 'A', 99), rel('A', 'B', 100), rel('B', 'T', 100)],
      cascade: 'allowed',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
  ]);
});

describe('evaluate: policy knobs', () => {
  const two = [cn('C1'), company('R1', 'RU'), us('U'), T];
  check([
    {
      name: 'method cascade: a tainted intermediate passes its 40% whole',
      policy: { method: 'cascade' },
      parties: [cn('CN1'), sg('H'), T],
      rels: [rel('CN1', 'H', 60), rel('H', 'T', 40), rel('CN1', 'T', 15)],
      cascade: 'restricted',
      lookThrough: 'allowed',
      decision: 'restricted',
    },
    {
      name: 'method both: cascade restricted, look-through allowed -> review',
      policy: { method: 'both' },
      parties: [cn('CN1'), sg('H'), T],
      rels: [rel('CN1', 'H', 60), rel('H', 'T', 40), rel('CN1', 'T', 15)],
      cascade: 'restricted',
      lookThrough: 'allowed',
      decision: 'review',
    },
    {
      name: 'aggregation all: CN 30 + RU 25',
      parties: two,
      rels: [rel('C1', 'T', 30), rel('R1', 'T', 25), rel('U', 'T', 45)],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'aggregation per-region: CN 30 + RU 25 do not add',
      policy: { aggregation: 'per-region' },
      parties: two,
      rels: [rel('C1', 'T', 30), rel('R1', 'T', 25), rel('U', 'T', 45)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
      c: [30, 30],
      lt: [30, 30],
    },
    {
      name: 'aggregation per-region: CN 30 + CN 25 add',
      policy: { aggregation: 'per-region' },
      parties: [cn('C1'), cn('C2'), us('U'), T],
      rels: [rel('C1', 'T', 30), rel('C2', 'T', 25), rel('U', 'T', 45)],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'aggregation per-region: an unknown owner counts in every region',
      policy: { aggregation: 'per-region' },
      parties: [cn('C1'), company('UNK', 'SG', { headquarters: [], incorporation: [] }), us('U'), T],
      rels: [rel('C1', 'T', 30), rel('UNK', 'T', 25), rel('U', 'T', 45)],
      cascade: 'review',
      lookThrough: 'review',
      decision: 'review',
      lt: [30, 55],
    },
    {
      name: 'aggregation none: 30 + 25 from two CN holders',
      policy: { aggregation: 'none' },
      parties: [cn('C1'), cn('C2'), us('U'), T],
      rels: [rel('C1', 'T', 30), rel('C2', 'T', 25), rel('U', 'T', 45)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
      lt: [30, 30],
    },
    {
      name: 'aggregation none: one holder of 60 crosses alone',
      policy: { aggregation: 'none' },
      parties: [cn('C1'), us('U'), T],
      rels: [rel('C1', 'T', 60), rel('U', 'T', 40)],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'allow-list: a Brazilian 60% restricts',
      policy: { regions: { supported: ['US', 'SG'] } },
      parties: [company('BR1', 'BR'), T],
      rels: [rel('BR1', 'T', 60)],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'subdivision: UA-43 incorporation restricts, plain UA does not',
      parties: [company('UA1', 'UA', { incorporation: ['UA-43'] }), T],
      rels: [rel('UA1', 'T', 60)],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'subdivision: a Ukrainian company with no region is not in UA-43',
      parties: [company('UA1', 'UA'), T],
      rels: [rel('UA1', 'T', 60)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
    },
    {
      name: 'origin.entities [incorporation]: a CN headquarters alone is clear',
      policy: { origin: { entities: ['incorporation'] } },
      parties: [company('KY', 'KY', { headquarters: ['CN'] }), T],
      rels: [rel('KY', 'T', 60)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
    },
    {
      name: 'unaccountedShares unknown: 40 + 30% unaccounted -> review',
      policy: { unaccountedShares: 'unknown' },
      parties: [cn('C1'), us('U'), T],
      rels: [rel('C1', 'T', 40), rel('U', 'T', 30)],
      cascade: 'review',
      lookThrough: 'review',
      decision: 'review',
    },
    {
      name: 'unaccountedShares unknown: a listed subject has a clear remainder',
      policy: { unaccountedShares: 'unknown' },
      parties: [cn('C1'), company('U', 'US', { listed: true }), { ...T, listed: true }],
      rels: [rel('C1', 'T', 40), rel('U', 'T', 30)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
    },
    {
      name: 'unaccountedShares unknown: an exemption clears the remainder',
      policy: { unaccountedShares: 'unknown' },
      parties: [cn('C1'), company('U', 'US', { listed: true }), T],
      rels: [rel('C1', 'T', 40), rel('U', 'T', 30), rel({ reason: 'subjectExemptFromDisclosure' }, 'T', [])],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
    },
    {
      name: 'interests.ownership [shareholding]: 70% of the votes is ignored',
      policy: { interests: { ownership: ['shareholding'] } },
      parties: [cn('C1'), T],
      rels: [
        rel('C1', 'T', [
          { type: 'shareholding', share: { exact: 20 } },
          { type: 'votingRights', share: { exact: 70 } },
        ]),
      ],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
    },
    {
      name: 'types never add: 30% equity by one, 30% votes by another',
      parties: [cn('C1'), cn('C2'), T],
      rels: [rel('C1', 'T', 30), rel('C2', 'T', { type: 'votingRights', share: { exact: 30 } })],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
      c: [30, 30],
    },
    {
      name: 'the same 30% stated twice counts once',
      parties: [cn('C1'), T],
      rels: [rel('C1', 'T', 30), rel('C1', 'T', 30)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
      c: [30, 30],
    },
    {
      name: 'an indicative control interest alone -> review',
      parties: [cn('C1'), us('U'), T],
      rels: [rel('C1', 'T', [{ type: 'boardMember' }]), rel('U', 'T', 100)],
      cascade: 'review',
      lookThrough: 'review',
      decision: 'review',
    },
    {
      name: 'origin.states false: a CN state is clear',
      policy: { origin: { states: false } },
      parties: [{ id: 'S', kind: 'state', incorporation: ['CN'] }, T],
      rels: [rel('S', 'T', 60)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
    },
    {
      name: 'a CN state holding 60% restricts',
      parties: [{ id: 'S', kind: 'state', incorporation: ['CN'] }, T],
      rels: [rel('S', 'T', 60)],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'persons: a Russian national living in Germany restricts by default',
      parties: [{ id: 'P', kind: 'person', nationality: ['RU'], residence: ['DE'] }, T],
      rels: [rel('P', 'T', 60)],
      cascade: 'restricted',
      lookThrough: 'restricted',
      decision: 'restricted',
    },
    {
      name: 'persons [residence]: the same person is clear',
      policy: { origin: { persons: ['residence'] } },
      parties: [{ id: 'P', kind: 'person', nationality: ['RU'], residence: ['DE'] }, T],
      rels: [rel('P', 'T', 60)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
    },
    {
      name: 'persons []: an anonymous person is not of unknown origin',
      policy: { origin: { persons: [] } },
      parties: [{ id: 'P', kind: 'anonymousPerson' }, T],
      rels: [rel('P', 'T', 60)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
    },
    {
      name: 'unidentifiedOwners ignore: an unknown 60% holder is clear',
      policy: { unidentifiedOwners: 'ignore' },
      parties: [{ id: 'X', kind: 'unknownEntity' }, T],
      rels: [rel('X', 'T', 60)],
      cascade: 'allowed',
      lookThrough: 'allowed',
      decision: 'allowed',
    },
  ]);
});

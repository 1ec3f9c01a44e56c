import assert from 'node:assert/strict';
import { loadPolicy } from '../policy/load.ts';
import { buildChain, describeOwners } from './chain.ts';
import type { ChainParty } from './types.ts';
import type { WitnessPath } from './witness.ts';

const ctx = { decision: 'restricted' as const, rules: loadPolicy().policy };

describe('report ownership chain', () => {
  const parties: Record<string, ChainParty> = {
    T: { kind: 'entity', name: 'Target Ltd', countries: ['SG'] },
    H: { kind: 'entity', name: 'Holding BV', countries: ['NL'] },
    P: { kind: 'person', name: 'Zhang Secretname', countries: ['CN'] },
    C: { kind: 'entity', name: 'Parent Co', countries: ['CN'] },
  };
  const paths: WitnessPath[] = [
    {
      root: 'P',
      rootReason: 'origin:nationality:CN',
      hops: [
        {
          holder: 'H',
          subject: 'T',
          interestType: 'shareholding',
          share: { min: 50, max: 100, minOpen: true },
          source: 'rel-HT',
          statementId: 's1',
        },
        {
          holder: 'P',
          subject: 'H',
          interestType: 'shareholding',
          share: { min: 25, max: 50 },
          source: 'rel-person-zhang',
          statementId: 's2',
        },
      ],
    },
    {
      root: 'C',
      rootReason: 'origin:headquarters:CN',
      hops: [
        {
          holder: 'H',
          subject: 'T',
          interestType: 'shareholding',
          share: { min: 50, max: 100, minOpen: true },
          source: 'rel-HT',
          statementId: 's1',
        },
        {
          holder: 'C',
          subject: 'H',
          interestType: 'votingRights',
          share: { min: 0, max: 100 },
          source: 'rel-CH',
          statementId: 's3',
        },
      ],
    },
  ];

  it('merges shared hops (a diamond draws each edge once) and shows intervals honestly', () => {
    const chain = buildChain('T', paths, parties, ctx);
    assert.equal(chain.edges.length, 3);
    assert.deepEqual(
      chain.edges.map((e) => e.share.text),
      ['>50%', '25–50%', 'unknown'],
    );
    assert.equal(chain.hasUnknownShare, true);
    assert.deepEqual(
      chain.paths.map((p) => p.edges),
      [
        [0, 1],
        [0, 2],
      ],
    );
    assert.equal(chain.nodes[0]?.label, 'Target Ltd');
    assert.equal(chain.nodes[0]?.layer, 0);
  });

  it('reduces a natural person to "individual, <country>": no name, no id, no record id', () => {
    const chain = buildChain('T', paths, parties, ctx);
    const person = chain.nodes.find((n) => n.kind === 'individual');
    assert.deepEqual(person && { label: person.label, id: person.id }, { label: 'individual, CN', id: null });
    const text = JSON.stringify(chain);
    for (const secret of ['Zhang', 'Secretname', '"P"', 'rel-person-zhang', 's2'])
      assert.ok(!text.includes(secret), `${secret} leaked`);
    assert.equal(chain.edges.find((e) => e.holder === person?.ref)?.source, null);
  });

  it('shows an unspecified or undescribed holder without its id', () => {
    const chain = buildChain(
      'T',
      [
        {
          root: 'unspecified:rel-9',
          rootReason: 'unknown-origin',
          hops: [
            {
              holder: 'unspecified:rel-9',
              subject: 'T',
              interestType: 'shareholding',
              share: { min: 0, max: 100 },
              source: 'rel-9',
              statementId: 's9',
            },
          ],
        },
      ],
      { T: parties['T'] as ChainParty },
      ctx,
    );
    assert.deepEqual(
      chain.nodes.map((n) => [n.label, n.id]),
      [
        ['Target Ltd', 'T'],
        ['unidentified owner', null],
      ],
    );
    assert.equal(chain.paths[0]?.rootReason.text, 'ownership data missing: unknown owner');
  });

  it('names who the restricted roots are', () => {
    assert.equal(describeOwners(paths, parties), 'owners in CN');
    assert.equal(describeOwners(paths.slice(1), parties), 'companies in CN');
    assert.equal(describeOwners([], parties), undefined);
  });
});

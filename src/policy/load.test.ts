import assert from 'node:assert/strict';
import { ConfigError } from '../errors.ts';
import { defaultPolicy, loadPolicy, policyFromDocument, policyHash } from './load.ts';

describe('policy', () => {
  it('ships the default unsupported-regions policy, dated', () => {
    const { policy, ref } = loadPolicy();
    assert.equal(ref.id, 'channelguard-default');
    assert.match(ref.version, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual([...(policy.regions.restricted ?? [])].sort(), [
      'AF',
      'BY',
      'CN',
      'CU',
      'ER',
      'HK',
      'IR',
      'KP',
      'LY',
      'MM',
      'MO',
      'NI',
      'RU',
      'SD',
      'SO',
      'SS',
      'SY',
      'UA-09',
      'UA-14',
      'UA-43',
      'VE',
      'YE',
    ]);
    assert.equal(policy.threshold.percent, 50);
    assert.equal(policy.threshold.inclusive, false);
    assert.match(ref.sha256, /^[0-9a-f]{64}$/);
  });

  it('merges nested knobs key by key but replaces regions and lists whole', () => {
    const { policy } = policyFromDocument(
      {
        id: 'p',
        version: '1',
        threshold: { inclusive: true },
        regions: { supported: ['US'] },
        control: { indicative: ['boardMember'] },
      },
      'p.json',
    );
    assert.deepEqual(policy.threshold, { percent: 50, inclusive: true });
    assert.deepEqual(policy.regions, { supported: ['US'] });
    assert.deepEqual(policy.control.indicative, ['boardMember']);
    assert.equal(policy.control.restricting.length, defaultPolicy().control.restricting.length);
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['an unknown key', { id: 'p', version: '1', threshhold: {} }, /policy key threshhold: unknown key/],
    [
      'an unknown nested key',
      { id: 'p', version: '1', origin: { states: true, people: [] } },
      /origin\.people/,
    ],
    ['a percent above 100', { id: 'p', version: '1', threshold: { percent: 101 } }, /threshold\.percent/],
    ['a bad method', { id: 'p', version: '1', method: 'sum' }, /policy key method/],
    [
      'a bad region code',
      { id: 'p', version: '1', regions: { restricted: ['china'] } },
      /regions\.restricted\.0/,
    ],
    [
      'a code in both lists',
      { id: 'p', version: '1', regions: { restricted: ['UA'], supported: ['UA'] } },
      /UA in both/,
    ],
    ['regions with neither list', { id: 'p', version: '1', regions: {} }, /policy key regions/],
    [
      'a type in two lists',
      { id: 'p', version: '1', control: { restricting: ['shareholding'] } },
      /control\.restricting/,
    ],
    [
      'an unknown interest type',
      { id: 'p', version: '1', interests: { ownership: ['equity'] } },
      /interests\.ownership\.0/,
    ],
    ['a missing id', { version: '1' }, /policy key id/],
  ];
  for (const [what, doc, message] of refused) {
    it(`refuses ${what}, naming the key`, () => {
      assert.throws(
        () => policyFromDocument(doc, 'p.json'),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('hashes the resolved policy canonically: key order does not matter, values do', () => {
    const a = policyFromDocument({ id: 'p', version: '1', method: 'cascade', aggregation: 'none' }, 'a');
    const b = policyFromDocument({ aggregation: 'none', method: 'cascade', version: '1', id: 'p' }, 'b');
    const c = policyFromDocument({ id: 'p', version: '1', method: 'cascade', aggregation: 'all' }, 'c');
    assert.equal(a.ref.sha256, b.ref.sha256);
    assert.notEqual(a.ref.sha256, c.ref.sha256);
    assert.equal(policyHash(a.policy), a.ref.sha256);
  });
});

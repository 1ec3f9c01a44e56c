import assert from 'node:assert/strict';
import { restrictedRegion, type RegionLists } from './regions.ts';

describe('restrictedRegion', () => {
  const deny: RegionLists = { restricted: ['CN', 'RU', 'UA-43'] };
  const allow: RegionLists = { supported: ['US', 'SG', 'UA', 'TW'] };
  const both: RegionLists = { restricted: ['UA-43', 'CN-SH'], supported: ['UA', 'CN', 'US'] };
  const table: Array<[string, RegionLists, string, string | undefined]> = [
    ['a listed country', deny, 'CN', 'CN'],
    ['a country matches its subdivisions', deny, 'CN-SH', 'CN'],
    ['an unlisted country', deny, 'US', undefined],
    ['a subdivision entry matches itself', deny, 'UA-43', 'UA-43'],
    ['a subdivision entry does not match its country', deny, 'UA', undefined],
    ['nor a sibling subdivision', deny, 'UA-30', undefined],
    ['allow-list: a listed country is supported', allow, 'SG', undefined],
    ['allow-list: its subdivisions too', allow, 'UA-43', undefined],
    ['allow-list: an unlisted country is restricted, region = itself', allow, 'BR', 'BR'],
    ['allow-list: an unlisted subdivision, region = its country', allow, 'BR-SP', 'BR'],
    ['both: the restricted subdivision inside a supported country', both, 'UA-43', 'UA-43'],
    ['both: the rest of the supported country', both, 'UA-14', undefined],
    ['both: the country itself', both, 'CN', undefined],
    ['both: CN-SH restricted inside supported CN', both, 'CN-SH', 'CN-SH'],
    ['both: no match with an allow-list is restricted', both, 'RU', 'RU'],
  ];
  for (const [name, lists, code, expected] of table)
    it(`${name} (${code})`, () => assert.equal(restrictedRegion(code, lists), expected));
});

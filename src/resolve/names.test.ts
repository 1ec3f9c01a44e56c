import assert from 'node:assert/strict';
import fc from 'fast-check';
import { asciiWords, nameForms } from './names.ts';

/** The regex chain asciiWords replaces (fold's former ASCII branch, then the split): the reference. */
function referenceWords(name: string): string[] {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/(?<=(?:^|[^a-z])[a-z])\.(?=[a-z](?:[^a-z]|$))/g, '')
    .replace(/['`]/g, '')
    .replace(/[^a-z0-9\s]/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');
}

describe('asciiWords', () => {
  const table: Array<[string, string[]]> = [
    ['BYTEDANCE PTE. LTD.', ['bytedance', 'pte', 'ltd']],
    ['Acme S.A.', ['acme', 'sa']],
    ['K.K. Tokyo', ['kk', 'tokyo']],
    ['Pte.Ltd', ['pte', 'ltd']],
    ["O'Brien & Sons, Inc.", ['obrien', 'and', 'sons', 'inc']],
    ['a.b.c.d', ['abcd']],
    ['3.M Co', ['3', 'm', 'co']],
    ['  \t', []],
  ];
  for (const [name, want] of table)
    it(`${JSON.stringify(name)} -> ${want.join(' ')}`, () => assert.deepEqual(asciiWords(name), want));

  it('folds every ASCII string as the regex chain does', () => {
    const ascii = fc.string({ unit: fc.constantFrom(..."aAbBkK09 .&'`,-\t()/"), maxLength: 24 });
    fc.assert(
      fc.property(ascii, (name) =>
        assert.deepEqual(asciiWords(name), referenceWords(name), JSON.stringify(name)),
      ),
      { numRuns: 5000 },
    );
  });

  it('nameForms of an ASCII name and of its full-width spelling agree', () => {
    const name = 'ByteDance Pte. Ltd.';
    const wide = [...name]
      .map((c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)))
      .join('');
    assert.deepEqual(nameForms(wide)[0]!.tokens, nameForms(name)[0]!.tokens);
  });
});

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { KeyScanner } from './partition.ts';

const naive = (keys: string[], text: string) =>
  [...new Set(keys.filter((k) => k !== '' && text.includes(k)))].sort();

describe('KeyScanner', () => {
  it('finds keys inside ids, markup, JSON and CSV', () => {
    const s = new KeyScanner(['123456789012', 'acct-77', '0b1c2d3e-0000-4000-8000-000000000001']);
    assert.deepEqual(s.find('<td>arn:aws:iam::123456789012:root</td>'), ['123456789012']);
    assert.deepEqual(s.find('{"k":"acct-770"}'), ['acct-77']);
    assert.deepEqual(s.find('x,"0b1c2d3e-0000-4000-8000-000000000001",y acct-7'), [
      '0b1c2d3e-0000-4000-8000-000000000001',
    ]);
    assert.deepEqual(s.find('12345678901 2 acct 77 — nothing here'), []);
  });

  it('agrees with a plain substring search on random keys and texts', () => {
    const alphabet = fc.constantFrom(...'0123456789abc-/ x"<>é:'.split(''));
    const word = fc.array(alphabet, { minLength: 0, maxLength: 9 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), fc.array(word, { maxLength: 30 }), (keys, parts) => {
        // texts made partly of the keys themselves, so hits are common
        const text = parts
          .map((p, i) => (i % 3 === 0 && keys.length > 0 ? keys[i % keys.length]! + p : p))
          .join('');
        assert.deepEqual(new KeyScanner(keys).find(text), naive(keys, text));
      }),
      { numRuns: 2000 },
    );
  });
});

import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { csvCell, csvLine } from './csv.ts';

describe('report CSV cells', () => {
  const injection: Array<[string, string]> = [
    ["=cmd|' /C calc'!A0", `'=cmd|' /C calc'!A0`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\tTAB', `'\tTAB`],
    ['\r=1', `"'\r=1"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
  ];
  for (const [value, cell] of injection)
    it(`neutralises a formula starting ${JSON.stringify(value.slice(0, 1))}`, () =>
      assert.equal(csvCell(value), cell));

  const plain: Array<[string | number | null, string]> = [
    ['Acme Ltd', 'Acme Ltd'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [12.5, '12.5'],
    [null, ''],
    ['a=b', 'a=b'],
  ];
  for (const [value, cell] of plain)
    it(`quotes ${JSON.stringify(value)} per RFC 4180`, () => assert.equal(csvCell(value), cell));

  it('round-trips through a strict RFC 4180 parser with CRLF line ends', () => {
    const values = ['=1+2', 'x,"y"', 'multi\r\nline', '@a', '', 'plain'];
    const text = csvLine(values) + csvLine(['b', 'c', 'd', 'e', 'f', 'g']);
    assert.ok(text.endsWith('\r\n'));
    const rows = parse(text, { relax_quotes: false }) as string[][];
    assert.deepEqual(rows[0], ["'=1+2", 'x,"y"', 'multi\r\nline', "'@a", '', 'plain']);
    assert.equal(rows.length, 2);
  });
});

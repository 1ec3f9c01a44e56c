import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  identifierKeys,
  isValidLei,
  isValidUscc,
  placeholderReason,
  registrableDomain,
  usccCheckChar,
} from './identifiers.ts';

/** ISO 7064 MOD 97-10 check digits for an 18-character LEI base. */
function leiWithCheck(base: string): string {
  const digits = [...`${base}00`].map((c) => (/[0-9]/.test(c) ? c : String(c.charCodeAt(0) - 55))).join('');
  let rem = 0;
  for (const d of digits) rem = (rem * 10 + Number(d)) % 97;
  return base + String(98 - rem).padStart(2, '0');
}

const usccWithCheck = (first17: string) => first17 + usccCheckChar(first17)!;

describe('identifiers', () => {
  describe('LEI (ISO 17442)', () => {
    const table: Array<[string, boolean, string]> = [
      ['5493001KJTIIGC8Y1R12', true, 'Bloomberg Finance L.P.'],
      ['HWUPKR0MPOU8FGXBT394', true, 'Apple Inc.'],
      ['5493001KJTIIGC8Y1R13', false, 'last check digit changed'],
      ['5493001KJTIIGC8Y1R2', false, '19 characters'],
      ['5493001kjtiigc8y1r12', true, 'lower case is the same code'],
      ['5493001KJTIIGC8Y1RAB', false, 'check characters must be digits'],
      ['00000000000000000000', false, 'zeros'],
    ];
    for (const [lei, ok, why] of table)
      it(`${lei} -> ${ok} (${why})`, () => assert.equal(isValidLei(lei), ok));

    it('any 18-character base with computed check digits validates', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[A-Z0-9]{18}$/), (base) => assert.ok(isValidLei(leiWithCheck(base)))),
      );
    });

    it('a single wrong digit is always caught (MOD 97-10 on numeric strings)', () => {
      fc.assert(
        fc.property(
          fc.stringMatching(/^[0-9]{18}$/),
          fc.integer({ min: 0, max: 19 }),
          fc.integer({ min: 1, max: 9 }),
          (base, pos, delta) => {
            const lei = leiWithCheck(base);
            const digit = String((Number(lei[pos]) + delta) % 10);
            assert.equal(isValidLei(lei.slice(0, pos) + digit + lei.slice(pos + 1)), false);
          },
        ),
      );
    });
  });

  describe('USCC (GB 32100-2015)', () => {
    const table: Array<[string, boolean, string]> = [
      ['914403001922038216', true, 'Huawei Technologies Co., Ltd.'],
      ['91330100716105852F', true, 'letter check character'],
      ['914403001922038217', false, 'wrong check character'],
      ['91440300192203821', false, '17 characters'],
      ['914403001922O38216', false, 'O is not in the alphabet'],
      ['91AB03001922038216', false, 'division code must be digits'],
      [usccWithCheck('91440101MA5CXXXXX'.replace(/X/g, '1')), true, 'computed check character'],
    ];
    for (const [code, ok, why] of table)
      it(`${code} -> ${ok} (${why})`, () => assert.equal(isValidUscc(code), ok));
  });

  describe('placeholders and refusals', () => {
    const placeholders = [
      '',
      '   ',
      'N/A',
      'n/a',
      'none',
      'NULL',
      'unknown',
      '0000000000',
      '-',
      '111111111',
      'xxxx',
    ];
    for (const p of placeholders)
      it(`refuses "${p}"`, () => {
        assert.ok(placeholderReason(p));
        const r = identifierKeys('tax_registration_number', p, { country: 'DE' });
        assert.equal(r.ok, false);
      });

    it('refuses an LEI that fails its checksum, naming the reason', () => {
      const r = identifierKeys('LEI', '5493001KJTIIGC8Y1R13');
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.refused.reason : '', /check digits/);
    });

    it('qualifies tax numbers by country (VAT prefix or tenant country) and spots a USCC in a tax column', () => {
      assert.deepEqual(identifierKeys('tax', 'DE 123 456 789'), {
        ok: true,
        keys: [{ kind: 'tax', key: 'tax:DE:123456789' }],
      });
      assert.deepEqual(identifierKeys('tax', '123456789', { country: 'jp' }), {
        ok: true,
        keys: [{ kind: 'tax', key: 'tax:JP:123456789' }],
      });
      const r = identifierKeys('tax_registration_number', '914403001922038216', { country: 'CN' });
      assert.ok(r.ok && r.keys.some((k) => k.key === 'uscc:914403001922038216'));
      assert.equal(identifierKeys('tax', '123456789').ok, false, 'no country: cannot compare');
    });

    it('maps registry schemes to kinds (XI-LEI, CN-SAMR, GB-COH)', () => {
      assert.deepEqual(identifierKeys('XI-LEI', '5493001KJTIIGC8Y1R12'), {
        ok: true,
        keys: [{ kind: 'lei', key: 'lei:5493001KJTIIGC8Y1R12' }],
      });
      const u = identifierKeys('CN-SAMR', '914403001922038216');
      assert.ok(u.ok && u.keys[0]!.key === 'uscc:914403001922038216');
      assert.deepEqual(identifierKeys('GB-COH', '01234567'), {
        ok: true,
        keys: [{ kind: 'reg', key: 'reg:GB-COH:01234567' }],
      });
    });
  });

  describe('domains', () => {
    const table: Array<[string, string | RegExp]> = [
      ['Alice@Example.COM', 'example.com'],
      ['https://www.shop.example.co.uk/about', 'example.co.uk'],
      ['mail.bytedance.com.cn', 'bytedance.com.cn'],
      ['bob@gmail.com', /free-mail/],
      ['someone@qq.com', /free-mail/],
      ['x@163.com', /free-mail/],
      ['team@outlook.com', /free-mail/],
      ['contoso.onmicrosoft.com', /shared platform/],
      ['co.uk', /public suffix/],
      ['n/a', /placeholder/],
      ['not a domain', /not a domain/],
    ];
    for (const [input, want] of table)
      it(`${input} -> ${String(want)}`, () => {
        const r = registrableDomain(input);
        if (typeof want === 'string') assert.deepEqual(r, { ok: true, domain: want });
        else assert.match(r.ok ? '' : r.reason, want);
      });
  });
});

import assert from 'node:assert/strict';
import { compileFilter, FilterSyntaxError, type FilterableEntitlement } from './fake-filter.ts';

const E: FilterableEntitlement = {
  accountId: 'E-1234',
  billingAccount: 'billingAccounts/01-02-03',
  productExternalName: 'p.cloud.goog',
  plan: 'pro',
  state: 'ENTITLEMENT_ACTIVE',
  consumers: ['projects/123'],
};

describe('gcp fake filter language', () => {
  const cases: Array<[string, boolean]> = [
    ['account=E-1234', true],
    ['account="providers/acme/accounts/E-1234"', true],
    ['account=E-9', false],
    ['state=active', true],
    ['state=ENTITLEMENT_ACTIVE', true],
    ['state=cancelled', false],
    ['customer_billing_account=billingAccounts/01-02-03', true],
    ['consumers.project:projects/123', true],
    ['consumers.project:projects/9', false],
    ['plan!=pro', false],
    ['account=E-9 OR account=E-1234', true],
    ['state=active account=E-9', false],
    ['state=active AND (account=E-9 OR account=E-1234) AND NOT (product_external_name=x)', true],
    ['NOT state=active', false],
  ];
  for (const [filter, want] of cases)
    it(`${filter} -> ${want}`, () => assert.equal(compileFilter(filter).test(E), want));

  it('confines an OR of accounts to those accounts (the index the fake uses)', () => {
    assert.deepEqual([...(compileFilter('account="a" OR account="b"').accounts ?? [])], ['a', 'b']);
    assert.deepEqual([...(compileFilter('state=active AND account=a').accounts ?? [])], ['a']);
    assert.equal(compileFilter('account=a OR state=active').accounts, undefined);
  });

  for (const bad of [
    'colour=red',
    'consumers.project=projects/1',
    'account=',
    '(state=active',
    'state=active )',
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => compileFilter(bad), FilterSyntaxError));
  }
});

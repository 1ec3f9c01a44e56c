import assert from 'node:assert/strict';
import type { TenantRecord, UsageRecord } from '../adapter.ts';
import { isPlaceholderKey, tenantProblem, usageProblem } from './validate.ts';

const tenant = (extra: Partial<TenantRecord> = {}): TenantRecord => ({
  cloud: 'gcp',
  tenantKey: 'acct-1',
  accountIds: [],
  entitlements: [],
  links: [],
  provenance: [],
  missing: [],
  partner: 'gcp',
  ...extra,
});

const line = (extra: Partial<UsageRecord> = {}): UsageRecord => ({
  cloud: 'gcp',
  tenantKey: 'acct-1',
  modelId: 'claude',
  dimension: 'requests',
  quantity: 3,
  unit: 'request',
  periodStart: '2026-01-01',
  periodEnd: '2026-02-01',
  source: 'report',
  lineId: 'L1',
  ...extra,
});

describe('sync boundary checks', () => {
  const keys: Array<[unknown, boolean]> = [
    ['123456789012', false],
    ['billingAccounts/01A-02B', false],
    ['', true],
    ['N/A', true],
    ['n/a', true],
    ['  ', true],
    [' padded', true],
    ['unknown', true],
    ['null', true],
    [undefined, true],
  ];
  for (const [key, placeholder] of keys) {
    it(`${JSON.stringify(key)} is ${placeholder ? '' : 'not '}a placeholder`, () => {
      assert.equal(isPlaceholderKey(key), placeholder);
    });
  }

  const tenants: Array<[string, TenantRecord, RegExp | undefined]> = [
    ['a good record', tenant(), undefined],
    ['another cloud', tenant({ cloud: 'aws' }), /record of cloud aws from the gcp adapter/],
    ['an empty key', tenant({ tenantKey: '' }), /tenantKey "" is empty or a placeholder/],
    ['a bad partner', tenant({ partner: 'oracle' as never }), /partner "oracle"/],
    [
      'a link with a placeholder end',
      tenant({
        links: [{ cloud: 'gcp', fromKey: 'N/A', role: 'billing-account-of', toKey: 'acct-1', source: 'x' }],
      }),
      /link "N\/A" billing-account-of "acct-1"/,
    ],
  ];
  for (const [name, record, problem] of tenants) {
    it(`tenant: ${name}`, () => {
      const got = tenantProblem(record, 'gcp');
      if (problem) assert.match(got ?? '', problem);
      else assert.equal(got, undefined);
    });
  }

  const usage: Array<[string, UsageRecord, RegExp | undefined]> = [
    ['a good line', line(), undefined],
    ['no line id', line({ lineId: '' }), /lineId "" is empty/],
    ['a placeholder tenant', line({ tenantKey: 'N/A' }), /tenantKey "N\/A"/],
    ['NaN quantity', line({ quantity: Number.NaN }), /quantity NaN is not a finite number/],
    ['a string quantity', line({ quantity: '5' as never }), /quantity 5 is not a finite number/],
    ['a bad period', line({ periodEnd: 'soon' }), /period 2026-01-01..soon/],
  ];
  for (const [name, record, problem] of usage) {
    it(`usage: ${name}`, () => {
      const got = usageProblem(record, 'gcp');
      if (problem) assert.match(got ?? '', problem);
      else assert.equal(got, undefined);
    });
  }
});

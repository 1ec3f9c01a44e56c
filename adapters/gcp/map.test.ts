// map.ts on recorded and hand-written payloads: pure conversion, table-driven where it is a table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError } from '../../src/errors.ts';
import { rawAccountSchema, rawEntitlementSchema } from './client.ts';
import {
  buildTenantRecord,
  dimensionOfUnit,
  entitlementState,
  mapChargesRow,
  mapEntitlement,
  mapInsightsRow,
  modelOfSku,
  monthBounds,
  normaliseHeader,
  parseAccountName,
} from './map.ts';

const recorded = rawEntitlementSchema.parse(
  JSON.parse(readFileSync(new URL('./fixtures/entitlement-doit.json', import.meta.url), 'utf8')),
);
const AT = '2026-01-02T03:04:05.000Z';
const loc = { file: 'customer_insights.csv', line: 7 };

describe('gcp map', () => {
  it('maps the recorded doitintl entitlement', () => {
    assert.deepEqual(mapEntitlement(recorded), {
      id: 'b8273d26-21f1-4402-bedb-28f351ea9822',
      product: 'flexsave-dev.endpoints.doit-public.cloud.goog',
      plan: 'flexsave',
      state: 'cancelled',
      start: '2022-07-18T09:39:24.803455Z',
    });
  });

  it('builds a tenant from an account and the recorded entitlement, without a report row', () => {
    const account = rawAccountSchema.parse({
      name: 'providers/doit-public/accounts/eda2a6ce-2e2d-44ff-985f-37e6c51af7d1',
      provider: 'doit-public',
      state: 'ACCOUNT_ACTIVE',
      approvals: [{ name: 'signup', state: 'APPROVED' }],
      createTime: '2022-07-18T09:30:00Z',
    });
    const t = buildTenantRecord({ account, entitlements: [recorded], retrievedAt: AT });
    assert.equal(t.tenantKey, 'eda2a6ce-2e2d-44ff-985f-37e6c51af7d1');
    assert.deepEqual(t.accountIds, [t.tenantKey]);
    assert.equal(t.legalName, undefined);
    assert.deepEqual(t.missing, ['countryCode', 'displayName', 'domain', 'legalName', 'registrationIds']);
    assert.deepEqual(t.links, []);
    assert.deepEqual(
      t.provenance.map((p) => [p.field, p.source, p.recordId, p.retrievedAt]),
      [
        ['tenantKey', 'procurement:providers.accounts.list', account.name, AT],
        ['entitlements', 'procurement:providers.entitlements.list', recorded.name, AT],
      ],
    );
  });

  const names: Array<[string, ReturnType<typeof parseAccountName>]> = [
    ['providers/doit-public/accounts/eda2a6ce', { providerId: 'doit-public', accountId: 'eda2a6ce' }],
    ['accounts/E-1234-5678', { accountId: 'E-1234-5678' }],
    ['providers/doit-public/entitlements/x', undefined],
    ['accounts/', undefined],
    ['eda2a6ce', undefined],
  ];
  for (const [name, want] of names) {
    it(`parses account name ${JSON.stringify(name)}`, () => assert.deepEqual(parseAccountName(name), want));
  }

  const states: Array<[string | undefined, string]> = [
    ['ENTITLEMENT_ACTIVE', 'active'],
    ['ENTITLEMENT_PENDING_CANCELLATION', 'pending_cancellation'],
    ['ENTITLEMENT_SUSPENDED', 'suspended'],
    [undefined, 'unknown'],
    ['', 'unknown'],
  ];
  for (const [raw, want] of states)
    it(`entitlement state ${raw} -> ${want}`, () => assert.equal(entitlementState(raw), want));

  it('reads "n/a" and blanks in Customer Insights as absent, and rejects a non-ISO country', () => {
    const info = mapInsightsRow(
      {
        external_account_id: 'a1',
        customer_name: 'N/A',
        customer_country: 'Germany',
        customer_domain: '',
        billing_account_id: '01-02-03',
      },
      loc,
    );
    assert.deepEqual(info, {
      accountId: 'a1',
      recordId: 'customer_insights.csv:7',
      rejected: ['customer_country="Germany"'],
      billingAccount: 'billingAccounts/01-02-03',
    });
    assert.throws(
      () => mapInsightsRow({ external_account_id: 'n/a' }, loc),
      (e: unknown) =>
        e instanceof InputError && e.location.field === 'external_account_id' && e.location.line === 7,
    );
  });

  const units: Array<[string, string, string]> = [
    ['requests', 'requests', 'request'],
    ['Request', 'requests', 'request'],
    ['input tokens', 'inputTokens', 'token'],
    ['Output  Tokens', 'outputTokens', 'token'],
    ['prompt_tokens', 'inputTokens', 'token'],
    ['gibibyte hour', 'gibibyte hour', 'gibibyte hour'],
    ['', 'unknown', 'unknown'],
  ];
  for (const [unit, dimension, u] of units) {
    it(`usage unit ${JSON.stringify(unit)} -> ${dimension}`, () =>
      assert.deepEqual(dimensionOfUnit(unit), { dimension, unit: u }));
  }

  const skus: Array<[string, string]> = [
    ['Claude Sonnet 4.5 Input Tokens', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-5@20250929 Output Tokens', 'claude-sonnet-4-5@20250929'],
    ['claude-haiku-4-5@20251001 Requests', 'claude-haiku-4-5@20251001'],
    ['Provisioned throughput', 'provisioned-throughput'],
    ['', 'unknown'],
  ];
  for (const [sku, model] of skus)
    it(`SKU ${JSON.stringify(sku)} -> ${model}`, () => assert.equal(modelOfSku(sku), model));

  const months: Array<[string, ReturnType<typeof monthBounds>]> = [
    ['2025-12', { start: '2025-12-01T00:00:00.000Z', end: '2026-01-01T00:00:00.000Z' }],
    ['2025-02-01', { start: '2025-02-01T00:00:00.000Z', end: '2025-03-01T00:00:00.000Z' }],
    ['2025-13', undefined],
    ['Feb 2025', undefined],
  ];
  for (const [m, want] of months) it(`month ${m}`, () => assert.deepEqual(monthBounds(m), want));

  it('maps a charges row to usage + spend with stable line ids, and names the bad field', () => {
    const row = {
      month: '2025-02',
      insights_account_id: 'a1',
      sku_id: 'A1B2-C3D4-E5F6',
      sku_description: 'Claude Sonnet 4.5 Output Tokens',
      usage: '200000',
      usage_unit: 'output tokens',
      charges: '3.25',
      currency: 'usd',
    };
    const recs = mapChargesRow(row, { file: 'charges_and_usage_2025-02.csv', line: 4 });
    assert.deepEqual(
      recs.map((r) => [r.dimension, r.quantity, r.unit, r.currency, r.lineId, r.rawModelId]),
      [
        [
          'outputTokens',
          200000,
          'token',
          undefined,
          'charges_and_usage_2025-02.csv:4:outputTokens',
          'A1B2-C3D4-E5F6 Claude Sonnet 4.5 Output Tokens',
        ],
        [
          'spend',
          3.25,
          'USD',
          'USD',
          'charges_and_usage_2025-02.csv:4:spend',
          'A1B2-C3D4-E5F6 Claude Sonnet 4.5 Output Tokens',
        ],
      ],
    );
    const bad: Array<[Record<string, string>, string]> = [
      [{ insights_account_id: '' }, 'Insights Account ID'],
      [{ month: '02/2025' }, 'Month'],
      [{ currency: 'dollars' }, 'Currency'],
      [{ charges: '' }, 'Charges'],
    ];
    for (const [patch, field] of bad) {
      assert.throws(
        () => mapChargesRow({ ...row, ...patch }, { file: 'f.csv', line: 9 }),
        (e: unknown) => e instanceof InputError && e.location.field === field && e.location.line === 9,
        field,
      );
    }
  });

  const headers: Array<[string, string]> = [
    ['Insights Account ID', 'insights_account_id'],
    ['\uFEFFMonth', 'month'],
    [' SKU Description ', 'sku_description'],
    ['customer_country', 'customer_country'],
  ];
  for (const [h, want] of headers)
    it(`header ${JSON.stringify(h)} -> ${want}`, () => assert.equal(normaliseHeader(h), want));
});

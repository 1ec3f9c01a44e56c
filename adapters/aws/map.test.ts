// map.ts on recorded payloads (testdata/): SDK outputs and feed rows -> TenantRecord / UsageRecord.
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type {
  AgreementInvoiceLineItemGroupSummary,
  AgreementViewSummary,
  DescribeAgreementOutput,
  FoundationModelSummary,
} from './client.ts';
import { readFeedFile } from './feeds.ts';
import {
  entitlementOf,
  modelOf,
  parseAccountRow,
  parseAddressRow,
  parseBillingEventRow,
  slimAgreement,
  supersedes,
  tenantOf,
  usageOfBillingEvent,
  usageOfInvoiceLine,
} from './map.ts';
import type { AccountRow } from './map.ts';

const dir = new URL('./testdata/', import.meta.url);
const DATE_KEYS = new Set(['acceptanceTime', 'startTime', 'endTime', 'lastUpdateTime', 'issuedTime']);
function recorded<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, dir), 'utf8'), (k, v: unknown) =>
    DATE_KEYS.has(k) && typeof v === 'string' ? new Date(v) : v,
  ) as T;
}
const search = recorded<{ agreementViewSummaries: AgreementViewSummary[] }>('search-agreements.json');
const describe_ = recorded<DescribeAgreementOutput>('describe-agreement.json');
const invoices = recorded<{ agreementInvoiceLineItemGroupSummaries: AgreementInvoiceLineItemGroupSummary[] }>(
  'invoice-line-items.json',
);
const [first, second] = search.agreementViewSummaries as [AgreementViewSummary, AgreementViewSummary];
const RETRIEVED = '2025-06-01T00:00:00.000Z';

describe('aws map: agreements', () => {
  it('takes the entitlement from the search summary', () => {
    assert.deepEqual(entitlementOf(first), {
      id: 'agmt-1111111111111111111111111',
      product: 'prod-1111111111111',
      offer: 'offer-1111111111111',
      state: 'ACTIVE',
      start: '2025-01-01T00:00:00.000Z',
      end: '2026-01-01T00:00:00.000Z',
    });
  });
  it('prefers DescribeAgreement where it answers (fresher status, end, offer)', () => {
    const e = entitlementOf(first, describe_);
    assert.equal(e.state, 'RENEWED');
    assert.equal(e.end, '2026-06-30T00:00:00.000Z');
    assert.equal(e.offer, 'offer-2222222222222');
  });
  it('keeps a summary with few fields without inventing values', () => {
    assert.deepEqual(entitlementOf(second), { id: 'agmt-2222222222222222222222222', state: 'EXPIRED' });
  });
  it('slims a summary to what entitlements need', () => {
    const slim = slimAgreement(first);
    assert.equal(slim.entitlements, undefined);
    assert.deepEqual(entitlementOf(slim), entitlementOf(first));
  });
});

describe('aws map: feed rows', () => {
  const account = (over: Record<string, string>) =>
    parseAccountRow({
      account_id: 'acc-1',
      aws_account_id: '111122223333',
      valid_from: '2025-01-01T00:00:00Z',
      ...over,
    });
  const cases: Array<[string, Record<string, string>, string | null]> = [
    ['a good row', {}, null],
    ['a short account id', { aws_account_id: '1111' }, 'aws_account_id'],
    ['a placeholder account id', { aws_account_id: 'N/A' }, 'aws_account_id'],
    ['an empty account_id', { account_id: ' ' }, 'account_id'],
    ['a bad valid_from', { valid_from: 'soon' }, 'valid_from'],
  ];
  for (const [name, over, field] of cases) {
    it(`account row: ${name}`, () => {
      const r = account(over);
      assert.equal(r.ok ? null : r.field, field);
    });
  }
  it('address row: normalises country and domain case, refuses a bad country', () => {
    const ok = parseAddressRow({
      address_id: 'a1',
      country_code: 'de',
      email_domain: 'Example.DE',
      valid_from: '2025-01-01',
    });
    assert.deepEqual(ok, {
      ok: true,
      value: {
        addressId: 'a1',
        countryCode: 'DE',
        emailDomain: 'example.de',
        validFrom: '2025-01-01T00:00:00.000Z',
      },
    });
    const badCountry = parseAddressRow({
      address_id: 'a1',
      country_code: 'Germany',
      valid_from: '2025-01-01',
    });
    assert.equal(badCountry.ok ? '' : badCountry.field, 'country_code');
  });
  it('bi-temporal: the latest valid_from wins whatever the delivery order; ties go to the later row', () => {
    const current = { validFrom: '2025-03-01T00:00:00.000Z' };
    assert.equal(supersedes({ validFrom: '2024-01-01T00:00:00.000Z' }, current), false);
    assert.equal(supersedes({ validFrom: '2025-04-01T00:00:00.000Z' }, current), true);
    assert.equal(supersedes({ validFrom: current.validFrom }, current), true);
    assert.equal(supersedes(current, undefined), true);
  });
});

describe('aws map: tenant records', () => {
  const acct: AccountRow = {
    accountId: 'acc-1',
    awsAccountId: '111122223333',
    taxLegalName: 'ALPENGLUEHEN GMBH',
    taxRegistrationNumber: 'DE123456789',
    mailingAddressId: 'm1',
    taxAddressId: 't1',
    validFrom: '2025-01-01T00:00:00.000Z',
  };
  it('joins agreements, the account feed, addresses and payers, with provenance per field', () => {
    const t = tenantOf({
      awsAccountId: '111122223333',
      agreements: [second, first],
      details: new Map([['agmt-1111111111111111111111111', describe_]]),
      account: acct,
      mailing: {
        addressId: 'm1',
        companyName: 'Alpengluehen GmbH',
        emailDomain: 'alpen.de',
        validFrom: RETRIEVED,
      },
      tax: { addressId: 't1', countryCode: 'AT', validFrom: RETRIEVED },
      payers: new Map([['777788889999', 'be-9']]),
      retrievedAt: RETRIEVED,
    });
    assert.equal(t.legalName, 'ALPENGLUEHEN GMBH');
    assert.equal(t.displayName, 'Alpengluehen GmbH');
    assert.equal(t.countryCode, 'AT', 'the tax address is the legal seat');
    assert.equal(t.domain, 'alpen.de');
    assert.deepEqual(t.registrationIds, [{ scheme: 'aws-tax-registration', id: 'DE123456789' }]);
    assert.deepEqual(
      t.entitlements.map((e) => [e.id, e.state]),
      [
        ['agmt-1111111111111111111111111', 'RENEWED'],
        ['agmt-2222222222222222222222222', 'EXPIRED'],
      ],
    );
    assert.deepEqual(t.links, [
      {
        cloud: 'aws',
        fromKey: '777788889999',
        role: 'payer-of',
        toKey: '111122223333',
        source: 'billing-event-feed',
      },
    ]);
    assert.deepEqual(t.missing, []);
    const prov = Object.fromEntries(t.provenance.map((p) => [`${p.field}:${p.recordId}`, p.source]));
    assert.equal(prov['legalName:acc-1'], 'account-feed');
    assert.equal(prov['countryCode:t1'], 'address-feed');
    assert.equal(prov['entitlements:agmt-1111111111111111111111111'], 'DescribeAgreement');
    assert.equal(prov['entitlements:agmt-2222222222222222222222222'], 'SearchAgreements');
    assert.equal(prov['links:be-9'], 'billing-event-feed');
  });
  it('lists what no source gave: a US account has no tax legal name or registration', () => {
    const { taxLegalName: _n, taxRegistrationNumber: _r, ...us } = acct;
    const t = tenantOf({
      awsAccountId: '111122223333',
      agreements: [],
      details: new Map(),
      account: us,
      mailing: { addressId: 'm1', countryCode: 'US', validFrom: RETRIEVED },
      payers: new Map(),
      retrievedAt: RETRIEVED,
    });
    assert.deepEqual(t.missing, ['displayName', 'domain', 'entitlements', 'legalName', 'registrationIds']);
    assert.equal(t.provenance.find((p) => p.field === 'tenantKey')?.source, 'account-feed');
  });
});

describe('aws map: usage', () => {
  const catalog = new Map<string, FoundationModelSummary>([
    [
      'anthropic.claude-haiku-4-5-20251001-v1:0',
      { modelArn: 'arn', modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0' },
    ],
  ]);
  const productModels = {
    'prod-1111111111111': 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    'prod-2': 'anthropic.claude-opus-9',
  };
  const modelCases: Array<[string, string]> = [
    ['prod-1111111111111', 'anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['prod-2', 'anthropic.claude-opus-9'],
    ['prod-unknown', 'prod-unknown'],
  ];
  for (const [product, want] of modelCases) {
    it(`model of ${product} is ${want}, keeping the raw product id`, () => {
      assert.deepEqual(modelOf(product, productModels, catalog), { modelId: want, rawModelId: product });
    });
  }

  it('turns the recorded billing-event feed into spend lines (seller share of invoices only)', async () => {
    const file = { feed: 'billing-event' as const, key: 'billing-events.csv', lastModified: new Date(0) };
    const out: unknown[] = [];
    const rejected: string[] = [];
    for await (const row of readFeedFile(createReadStream(new URL('billing-events.csv', dir)), file)) {
      const r = parseBillingEventRow(row.values);
      if (!r.ok) {
        rejected.push(`${row.line}:${r.field}`);
        continue;
      }
      const u = usageOfBillingEvent(r.value, { productModels, catalog });
      if (u) out.push(u);
    }
    assert.deepEqual(rejected, ['6:from_account_id']);
    assert.deepEqual(out, [
      {
        cloud: 'aws',
        tenantKey: '444455556666',
        modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
        rawModelId: 'prod-1111111111111',
        dimension: 'spend',
        quantity: 40.25,
        unit: 'USD',
        currency: 'USD',
        periodStart: '2025-04-01T00:00:00.000Z',
        periodEnd: '2025-05-01T00:00:00.000Z',
        source: 'billing-event-feed',
        lineId: 'be-1',
      },
      {
        cloud: 'aws',
        tenantKey: '111122223333',
        modelId: 'prod-unmapped',
        rawModelId: 'prod-unmapped',
        dimension: 'spend',
        quantity: 9.5,
        unit: 'USD',
        currency: 'USD',
        periodStart: '2025-06-01T00:00:00.000Z',
        periodEnd: '2025-07-01T00:00:00.000Z',
        source: 'billing-event-feed',
        lineId: 'be-4',
      },
    ]);
  });

  it('turns recorded invoice line items into invoiced amounts; a credit memo is negative; a broken one is dropped', () => {
    const lines = invoices.agreementInvoiceLineItemGroupSummaries
      .map((i) => usageOfInvoiceLine(i, first, { productModels }))
      .filter((u) => u !== undefined);
    assert.deepEqual(
      lines.map((u) => [u.lineId, u.quantity, u.periodStart, u.dimension, u.tenantKey]),
      [
        [
          'agmt-1111111111111111111111111/inv-1',
          250.1,
          '2025-04-01T00:00:00.000Z',
          'invoicedAmount',
          '111122223333',
        ],
        [
          'agmt-1111111111111111111111111/cm-1',
          -20,
          '2025-04-01T00:00:00.000Z',
          'invoicedAmount',
          '111122223333',
        ],
      ],
    );
  });
});

describe('aws feeds: CSV reading', () => {
  const file = {
    feed: 'account' as const,
    key: 'account_v1/year=2025/month=01/data.csv',
    lastModified: new Date(0),
  };
  it('names the file, line 1 and the column when a required column is absent', async () => {
    const rows = readFeedFile(Readable.from(['account_id,aws_account_id\n1,111122223333\n']), file);
    await assert.rejects(rows.next(), (err: Error & { location?: unknown }) => {
      assert.equal(err.name, 'InputError');
      assert.deepEqual(err.location, { file: file.key, line: 1, field: 'encrypted_account_id' });
      return true;
    });
  });
  it('names the file and line of a malformed row', async () => {
    const header =
      'account_id,aws_account_id,encrypted_account_id,mailing_address_id,tax_address_id,tax_registration_number,tax_legal_name,valid_from\n';
    const good = 'a,111122223333,e,m,t,,,2025-01-01\n';
    const broken = 'b,111122223334,"unterminated,m,t,,,2025-01-01\n';
    await assert.rejects(
      (async () => {
        for await (const row of readFeedFile(Readable.from([header, good, broken]), file)) void row;
      })(),
      (err: Error & { location?: { file?: string; line?: number } }) => {
        assert.equal(err.name, 'InputError');
        assert.equal(err.location?.file, file.key);
        assert.ok((err.location?.line ?? 0) >= 3);
        return true;
      },
    );
  });
});

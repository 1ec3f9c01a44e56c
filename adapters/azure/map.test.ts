import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { countryToIso2, iso2ToCountryName } from './countries.ts';
import {
  emailDomain,
  extractContinuationToken,
  mapCustomerRow,
  mapIsvUsageRow,
  mapSubscription,
  mapUsageEvent,
  mergeTenantRecords,
  parseMeter,
  realDate,
  unknownTenantKey,
} from './map.ts';

// Recorded payloads: the SaaS Fulfillment v2 documentation samples (pc-saas-fulfillment-subscription-api.md)
// with the "<guid>" placeholders filled in and every quirk kept (padded emails, quantity "",
// " Subscribed ", lastModified "0001-01-01T00:00:00", the malformed "https:// https://" @nextLink),
// and the metering doc's four usageEvents samples (Accepted, Submitted, Mismatch, Rejected).
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const listSample = fixture('subscriptions-list.doc-sample.json') as {
  subscriptions: unknown[];
  '@nextLink': string;
};
const getSample = fixture('subscription-get.doc-sample.json');
const eventSamples = fixture('usage-events.doc-sample.json') as unknown[];
const AT = '2026-01-02T03:04:05.000Z';

describe('azure map: subscriptions (documentation samples)', () => {
  it('keys a direct purchase by the beneficiary tenant, with domain, entitlement and provenance', () => {
    const r = mapSubscription(listSample.subscriptions[0], undefined, AT);
    assert.ok(r.ok);
    const { tenant, channel } = r.value;
    assert.equal(channel, undefined);
    assert.equal(tenant.tenantKey, 'b3f1c7a2-8e4d-4c5b-9a6f-2d1e0c9b8a71');
    assert.deepEqual(tenant.accountIds, ['37f9dea2-4345-438f-b0bd-03d40d28c7e0']);
    assert.equal(tenant.domain, 'contoso.com');
    assert.equal(tenant.partner, 'azure');
    assert.deepEqual(tenant.entitlements, [
      {
        id: '37f9dea2-4345-438f-b0bd-03d40d28c7e0',
        offer: 'offer1',
        plan: 'silver',
        state: 'Subscribed',
        start: '2022-03-04T00:00:00.000Z',
        end: '2022-04-03T00:00:00.000Z',
      },
    ]);
    assert.deepEqual(tenant.links, []);
    assert.deepEqual([...tenant.missing].sort(), ['countryCode', 'legalName', 'registrationIds']);
    assert.ok(tenant.provenance.every((p) => p.retrievedAt === AT && p.recordId === tenant.accountIds[0]));
    assert.ok(!JSON.stringify(tenant).includes('test@'), 'no mailbox is kept, only the domain');
  });

  it('turns a CSP purchase (allowedCustomerOperations ["Read"]) into a reseller-of link and a reseller tenant', () => {
    const r = mapSubscription(listSample.subscriptions[1], undefined, AT);
    assert.ok(r.ok);
    const { tenant, channel } = r.value;
    assert.deepEqual(tenant.links, [
      {
        cloud: 'azure',
        fromKey: '5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c',
        role: 'reseller-of',
        toKey: 'b3f1c7a2-8e4d-4c5b-9a6f-2d1e0c9b8a71',
        source: 'saas-subscriptions',
      },
    ]);
    assert.ok(channel);
    assert.equal(channel.tenantKey, '5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c');
    assert.equal(channel.domain, 'csp.com');
    assert.deepEqual(channel.accountIds, []);
    assert.ok(channel.missing.includes('legalName') && channel.missing.includes('countryCode'));
    assert.equal(tenant.entitlements[0]?.state, 'Suspended');
    assert.equal(tenant.entitlements[0]?.start, '2019-05-31T00:00:00.000Z');
  });

  it('calls a foreign purchaser with full rights a purchaser, not a reseller; trims " Subscribed "', () => {
    const r = mapSubscription(getSample, undefined, AT);
    assert.ok(r.ok);
    assert.equal(r.value.tenant.links[0]?.role, 'purchaser-of');
    assert.equal(r.value.tenant.entitlements[0]?.state, 'Subscribed');
    assert.equal(r.value.lastModified, undefined, '0001-01-01 means not set');
    assert.equal(r.value.channel?.domain, 'test.com');
  });

  it('joins ISVCustomer company name and country', () => {
    const customer = mapCustomerRow({
      MarketplaceSubscriptionId: '37f9dea2-4345-438f-b0bd-03d40d28c7e0',
      CustomerCompanyName: 'Contoso Ltd',
      CustomerCountryRegion: 'United Kingdom',
      DateAcquired: '2022-03-04',
      DateLost: '',
    });
    assert.ok(customer.ok);
    const r = mapSubscription(listSample.subscriptions[0], customer.value, AT);
    assert.ok(r.ok);
    assert.equal(r.value.tenant.legalName, 'Contoso Ltd');
    assert.equal(r.value.tenant.countryCode, 'GB');
    assert.deepEqual(r.value.tenant.missing, ['registrationIds']);
    assert.ok(r.value.tenant.provenance.some((p) => p.field === 'legalName' && p.source === 'ISVCustomer'));
  });

  it('keeps a subscription without a beneficiary tenant as an unknown tenant, never drops it', () => {
    const raw = { ...(listSample.subscriptions[0] as object), beneficiary: { emailId: 'x@y.com' } };
    const r = mapSubscription(raw, undefined, AT);
    assert.ok(r.ok);
    assert.equal(r.value.tenant.tenantKey, unknownTenantKey('37f9dea2-4345-438f-b0bd-03d40d28c7e0'));
    assert.ok(r.value.tenant.missing.includes('tenantKey'));
  });

  it('refuses an item without an id, naming the field', () => {
    const r = mapSubscription({ name: 'no id' }, undefined, AT);
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /field id/);
  });
});

describe('azure map: continuation token', () => {
  const table: Array<[string, string | null | undefined, string | undefined]> = [
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    [
      'well-formed, other host',
      'https://elsewhere.example/api/saas/subscriptions/?continuationToken=abc%2Bd&api-version=2018-08-31',
      'abc+d',
    ],
    [
      'token after api-version',
      'https://x/api/saas/subscriptions?api-version=2018-08-31&continuationToken=t1',
      't1',
    ],
  ];
  for (const [name, link, token] of table) {
    it(`extracts from a ${name} link`, () =>
      assert.deepEqual(extractContinuationToken(link), { ok: true, value: token }));
  }

  it('extracts the token from the documentation sample\'s malformed "https:// https://" link', () => {
    const r = extractContinuationToken(listSample['@nextLink']);
    assert.ok(r.ok);
    assert.equal(
      r.value,
      '[{"token":"+RID:~YeUDAIahsn22AAAAAAAAAA==#RT:1#TRC:2#ISV:1#FPC:AgEAAAAQALEAwP8zQP9/FwD+/2FC/wc=","range":{"min":"","max":"05C1C9CD673398"}}]',
    );
  });

  it('treats a link without a token as an error, not the last page', () => {
    assert.equal(
      extractContinuationToken('https://x/api/saas/subscriptions?api-version=2018-08-31').ok,
      false,
    );
  });
});

describe('azure map: usage events (documentation samples)', () => {
  const tenantOf = (id: string) => (id === '11111111-2222-3333-4444-555555555555' ? 'tenant-1' : undefined);
  const table: Array<[string, number | undefined]> = [
    ['Accepted', 17],
    ['Submitted', 17],
    ['Mismatch', 16],
    ['Rejected', undefined],
  ];
  for (const [i, [status, quantity]] of table.entries()) {
    it(`${status} → ${quantity === undefined ? 'no line' : `quantity ${quantity}`}`, () => {
      const r = mapUsageEvent(eventSamples[i], tenantOf);
      if (quantity === undefined) {
        assert.equal(r.ok, false);
        return;
      }
      assert.ok(r.ok);
      assert.equal(r.value.quantity, quantity);
      assert.equal(r.value.tenantKey, 'tenant-1');
      assert.equal(r.value.dimension, 'tokens');
      assert.equal(r.value.modelId, 'silver', 'a meter without a model part is attributed to its plan');
      assert.equal(r.value.periodStart, '2020-11-30T00:00:00.000Z');
      assert.equal(r.value.periodEnd, '2020-11-30T01:00:00.000Z');
      assert.equal(
        r.value.lineId,
        'usageEvents:11111111-2222-3333-4444-555555555555:tokens:2020-11-30T00:00:00.000Z',
      );
    });
  }

  it('keys an event of an unknown subscription to an unknown tenant', () => {
    const r = mapUsageEvent(eventSamples[0], () => undefined);
    assert.ok(r.ok);
    assert.equal(r.value.tenantKey, unknownTenantKey('11111111-2222-3333-4444-555555555555'));
  });
});

describe('azure map: meters, ISVUsage rows, ISVCustomer rows', () => {
  const meters: Array<[string, string, { modelId: string; dimension: string; unit: string }]> = [
    [
      'claude-sonnet-4-5.input_tokens',
      'p',
      { modelId: 'claude-sonnet-4-5', dimension: 'inputTokens', unit: 'tokens' },
    ],
    [
      'claude-3.5-haiku_output-tokens',
      'p',
      { modelId: 'claude-3.5-haiku', dimension: 'outputTokens', unit: 'tokens' },
    ],
    ['opus-requests', 'p', { modelId: 'opus', dimension: 'requests', unit: 'requests' }],
    ['tokens', 'silver', { modelId: 'silver', dimension: 'tokens', unit: 'units' }],
  ];
  for (const [meter, plan, want] of meters) {
    it(`meter ${meter}`, () => assert.deepEqual(parseMeter(meter, plan), want));
  }

  it('maps an ISVUsage row to a quantity line and a spend line', () => {
    const r = mapIsvUsageRow(
      {
        MarketplaceSubscriptionId: 'sub-1',
        UsageDate: '2025-03-01',
        SKU: 'pro',
        UsageUnit: 'claude-sonnet-4-5.requests',
        MeteredUsage: '1200',
        EstimatedExtendedChargePC: '33.5',
        PayoutCurrencyPC: 'USD',
        UsageReference: 'ref-9',
      },
      () => 'tenant-9',
    );
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.map((l) => [l.dimension, l.quantity, l.unit, l.currency, l.lineId, l.periodStart, l.periodEnd]),
      [
        [
          'requests',
          1200,
          'requests',
          undefined,
          'ISVUsage:ref-9',
          '2025-03-01T00:00:00.000Z',
          '2025-03-02T00:00:00.000Z',
        ],
        [
          'spend',
          33.5,
          'USD',
          'USD',
          'ISVUsage:ref-9:spend',
          '2025-03-01T00:00:00.000Z',
          '2025-03-02T00:00:00.000Z',
        ],
      ],
    );
  });

  it('reads NormalizedUsage when MeteredUsage is absent, and refuses a row with no quantity', () => {
    const base = { MarketplaceSubscriptionId: 's', UsageDate: '2025-03-02', SKU: 'vm-plan' };
    const ok = mapIsvUsageRow({ ...base, NormalizedUsage: '24' }, () => 't');
    assert.ok(ok.ok);
    assert.equal(ok.value.length, 1);
    assert.equal(ok.value[0]?.quantity, 24);
    assert.equal(ok.value[0]?.dimension, 'vm-plan');
    const bad = mapIsvUsageRow({ ...base }, () => 't');
    assert.equal(bad.ok, false);
  });

  it('keeps only company, country and dates from ISVCustomer (no names or mailboxes)', () => {
    const r = mapCustomerRow({
      MarketplaceSubscriptionId: ' s-1 ',
      FirstName: 'Alex',
      LastName: 'Doe',
      Email: 'alex.doe@contoso.com',
      CustomerCompanyName: 'Contoso',
      CustomerCountryRegion: 'Atlantis',
      DateAcquired: '2024-01-05',
      DateLost: '2024-06-30',
    });
    assert.ok(r.ok);
    assert.deepEqual(r.value, {
      subscriptionId: 's-1',
      companyName: 'Contoso',
      unmappedCountry: 'Atlantis',
      changedOn: '2024-06-30',
    });
  });
});

describe('azure map: small helpers', () => {
  const domains: Array<[string | undefined, string | undefined]> = [
    [' test@contoso.com', 'contoso.com'],
    ['Buyer@Fabrikam.CO.UK ', 'fabrikam.co.uk'],
    ['someone@gmail.com', undefined],
    ['admin@contoso.onmicrosoft.com', undefined],
    ['not-an-email', undefined],
    [undefined, undefined],
  ];
  for (const [email, want] of domains)
    it(`emailDomain(${JSON.stringify(email)})`, () => assert.equal(emailDomain(email), want));

  const countries: Array<[string, string | undefined]> = [
    ['United States', 'US'],
    ['china', 'CN'],
    ['Hong Kong SAR', 'HK'],
    ['Korea', 'KR'],
    ["Korea, Democratic People's Republic of", 'KP'],
    ['Russian Federation', 'RU'],
    ['Türkiye', 'TR'],
    ['DE', 'DE'],
    ['Atlantis', undefined],
    ['XX', undefined],
    ['Cayman Islands', 'KY'],
    ['KY', 'KY'],
    ['European Union', undefined],
    ['EU', undefined],
  ];
  for (const [name, want] of countries) it(`country ${name}`, () => assert.equal(countryToIso2(name), want));

  it('round-trips every country name the fake writes', () => {
    for (const code of ['US', 'CN', 'GB', 'HK', 'RU', 'IR', 'KP', 'DE', 'KY', 'CI', 'VG'])
      assert.equal(countryToIso2(iso2ToCountryName(code)), code);
  });

  it('realDate: sentinel, date-only and zone-less values', () => {
    assert.equal(realDate('0001-01-01T00:00:00'), undefined);
    assert.equal(realDate('2019-05-31'), '2019-05-31T00:00:00.000Z');
    assert.equal(realDate('2022-03-01T22:59:45.5468572Z'), '2022-03-01T22:59:45.546Z');
    assert.equal(realDate('2022-03-01T22:59:45'), '2022-03-01T22:59:45.000Z');
    assert.equal(realDate('garbage'), undefined);
  });
});

describe("azure map: merging a tenant's subscriptions", () => {
  const one = (sub: unknown, customer?: Parameters<typeof mapSubscription>[1]) => {
    const r = mapSubscription(sub, customer, AT);
    assert.ok(r.ok);
    return r.value.tenant;
  };
  it('unions accounts, entitlements and links, keeps the first name and drops a disputed country', () => {
    const a = one(listSample.subscriptions[0], {
      subscriptionId: 'x',
      companyName: 'Contoso',
      countryCode: 'US',
    });
    const b = one(listSample.subscriptions[1], {
      subscriptionId: 'y',
      companyName: 'CONTOSO',
      countryCode: 'CN',
    });
    const m = mergeTenantRecords(a, b);
    assert.equal(m.accountIds.length, 2);
    assert.equal(m.entitlements.length, 2);
    assert.equal(m.links.length, 1);
    assert.equal(m.legalName, 'Contoso');
    assert.equal(m.countryCode, undefined);
    assert.deepEqual([...m.missing].sort(), ['countryCode', 'registrationIds']);
  });
  it('fills a field one subscription lacks from the other', () => {
    const a = one(listSample.subscriptions[0]);
    const b = one(listSample.subscriptions[1], {
      subscriptionId: 'y',
      companyName: 'Contoso',
      countryCode: 'GB',
    });
    const m = mergeTenantRecords(a, b);
    assert.equal(m.countryCode, 'GB');
    assert.equal(m.legalName, 'Contoso');
    assert.deepEqual(m.missing, ['registrationIds']);
  });
});

// A small hand-made AWS world for the tests: each account shows one behaviour the adapter must get right.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AwsFakeState, FakeAgreement, FakeObject } from './fake.ts';
import { REQUIRED_COLUMNS } from './feeds.ts';

export const DE_ACCOUNT = '111122223333'; // German company: tax name, VAT id, an older name delivered late
export const US_ACCOUNT = '444455556666'; // US company: AWS gives no tax legal name; paid for by PAYER
export const PAYER_ACCOUNT = '777788889999'; // a channel payer, in the account feed, no agreement
export const FEED_ONLY_ACCOUNT = '222233334444'; // spend in the billing feed only

const T0 = Date.parse('2025-03-01T00:00:00Z') / 1000;

export function agreement(n: number, acceptor: string, extra: Partial<FakeAgreement> = {}): FakeAgreement {
  return {
    agreementId: `agmt-${String(n).padStart(26, '0')}`,
    acceptorAccountId: acceptor,
    status: 'ACTIVE',
    productId: 'prod-sonnet000001',
    productType: 'SaaSProduct',
    offerId: `offer-${String(n).padStart(13, '0')}`,
    acceptanceTime: T0 + n,
    startTime: T0 + n,
    endTime: T0 + n + 365 * 86400,
    lastUpdateTime: T0 + n * 60,
    estimatedCharges: { currencyCode: 'USD', agreementValue: '100.00' },
    invoices: [
      {
        invoiceId: `inv-${n}`,
        year: 2025,
        month: 4,
        amount: '12.50',
        currencyCode: 'USD',
        issuedTime: Date.parse('2025-05-01T00:00:00Z') / 1000,
        invoiceType: 'INVOICE',
      },
    ],
    ...extra,
  };
}

/** Padding acceptors so paging has work to do. */
export function filler(count: number, from = 1000): FakeAgreement[] {
  return Array.from({ length: count }, (_, i) => agreement(from + i, String(500000000000 + i)));
}

const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\n') + '\n';
const ACCOUNT_HEADER = [...REQUIRED_COLUMNS.account];
const ADDRESS_HEADER = ['address_id', 'email_domain', 'company_name', 'country_code', 'city', 'valid_from'];
const BILLING_HEADER = [...REQUIRED_COLUMNS['billing-event']];

export function tinyState(extraAgreements: FakeAgreement[] = []): AwsFakeState {
  const objects: FakeObject[] = [
    {
      key: 'feeds/account_v1/year=2025/month=03/data.csv',
      lastModified: new Date('2025-03-02T06:00:00Z'),
      body: csv([
        ACCOUNT_HEADER,
        [
          'acc-de',
          DE_ACCOUNT,
          'enc-de',
          'addr-de-m',
          'addr-de-t',
          'DE123456789',
          'ALPENGLUEHEN GMBH',
          '2025-03-01T00:00:00Z',
        ],
        ['acc-us', US_ACCOUNT, 'enc-us', 'addr-us-m', 'addr-us-m', '', '', '2025-03-01T00:00:00Z'],
        ['acc-payer', PAYER_ACCOUNT, 'enc-p', 'addr-p-m', 'addr-p-m', '', '', '2025-03-01T00:00:00Z'],
        ['acc-bad', '12345', 'enc-x', '', '', '', '', '2025-03-01T00:00:00Z'],
      ]),
    },
    {
      // delivered later, but valid from earlier: must not replace the current name
      key: 'feeds/account_v1/year=2025/month=04/data.csv',
      lastModified: new Date('2025-04-02T06:00:00Z'),
      body: csv([
        ACCOUNT_HEADER,
        [
          'acc-de',
          DE_ACCOUNT,
          'enc-de',
          'addr-de-m',
          'addr-de-t',
          'DE000000000',
          'ALPENGLUEHEN AG (OLD)',
          '2024-01-01T00:00:00Z',
        ],
      ]),
    },
    {
      key: 'feeds/address_v1/year=2025/month=03/data.csv',
      lastModified: new Date('2025-03-02T06:00:00Z'),
      body: csv([
        ADDRESS_HEADER,
        ['addr-de-m', 'alpengluehen.de', 'Alpengluehen GmbH', 'DE', 'Munich', '2025-03-01T00:00:00Z'],
        ['addr-de-t', '', 'Alpengluehen GmbH', 'DE', 'Munich', '2025-03-01T00:00:00Z'],
        ['addr-us-m', 'Prairie-Labs.com', 'Prairie Labs Inc', 'us', 'Omaha', '2025-03-01T00:00:00Z'],
        ['addr-p-m', 'payer.example', 'Payer Reseller LLC', 'US', 'Austin', '2025-03-01T00:00:00Z'],
      ]),
    },
    {
      key: 'feeds/billing_event_v1/year=2025/month=05/data.csv',
      lastModified: new Date('2025-05-02T06:00:00Z'),
      body: csv([
        BILLING_HEADER,
        [
          'be-1',
          'SELLER_REV_SHARE',
          'INVOICED',
          DE_ACCOUNT,
          '999988887777',
          DE_ACCOUNT,
          'prod-sonnet000001',
          '120.00',
          'USD',
          '2025-05-01T00:00:00Z',
        ],
        [
          'be-2',
          'AWS_REV_SHARE',
          'INVOICED',
          DE_ACCOUNT,
          '999988887777',
          DE_ACCOUNT,
          'prod-sonnet000001',
          '-3.60',
          'USD',
          '2025-05-01T00:00:00Z',
        ],
        [
          'be-3',
          'SELLER_REV_SHARE',
          'INVOICED',
          PAYER_ACCOUNT,
          '999988887777',
          US_ACCOUNT,
          'prod-haiku0000001',
          '40.25',
          'USD',
          '2025-05-01T00:00:00Z',
        ],
        [
          'be-4',
          'SELLER_REV_SHARE',
          'INVOICED',
          FEED_ONLY_ACCOUNT,
          '999988887777',
          '',
          'prod-unmapped0001',
          '7.00',
          'USD',
          '2025-05-01T00:00:00Z',
        ],
        [
          'be-5',
          'SELLER_REV_SHARE',
          'INVOICED',
          'x',
          '999988887777',
          '',
          'prod-unmapped0001',
          '1.00',
          'USD',
          '2025-05-01T00:00:00Z',
        ],
      ]),
    },
  ];
  return {
    proposerAccountId: '999988887777',
    agreements: [agreement(1, DE_ACCOUNT), agreement(2, US_ACCOUNT), ...extraAgreements],
    bucket: 'seller-feeds',
    objects,
    models: [
      {
        modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
        modelName: 'Claude Sonnet 4.5',
        providerName: 'Anthropic',
      },
      {
        modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
        modelName: 'Claude Haiku 4.5',
        providerName: 'Anthropic',
      },
    ],
    productModels: {
      'prod-sonnet000001': 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      // an inference-profile id: the catalog knows it without the "us." geography prefix
      'prod-haiku0000001': 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    },
  };
}

/** Writes the fake's bucket objects under `dir` (keys without `prefix`), as a local feeds folder. */
export async function writeObjects(state: AwsFakeState, dir: string, prefix: string): Promise<void> {
  for (const o of state.objects) {
    const path = join(dir, o.key.slice(prefix.length));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, typeof o.body === 'string' ? o.body : [...o.body()].join(''));
  }
}

// The demo world as AWS would hold it: one purchase agreement per AWS tenant, and the seller data
// feeds (account, address, billing-event) as monthly CSV objects. Feed bodies are produced on demand
// from the world, so a 300k-tenant world is never held as CSV text.
import { createHash } from 'node:crypto';
import type { DemoTenant, DemoWorld } from '../demo/world-types.ts';
import type { AwsFakeState, FakeAgreement, FakeInvoice, FakeObject } from './fake.ts';
import { FEED_FOLDERS } from './client.ts';
import { REQUIRED_COLUMNS } from './feeds.ts';

export const DEMO_PROPOSER = '999988887777';
export const DEMO_BUCKET = 'channelguard-demo-feeds';
/** the `feeds` setting that reads the demo bucket */
export const DEMO_FEEDS = `s3://${DEMO_BUCKET}/`;

// The demo writes every column the adapter requires (feeds.ts) and a few it ignores, as real feeds do.
export const ACCOUNT_COLUMNS: readonly string[] = REQUIRED_COLUMNS.account;
export const ADDRESS_COLUMNS: readonly string[] = [
  ...REQUIRED_COLUMNS.address.slice(0, -1),
  'state_or_region',
  'city',
  'postal_code',
  'address_line_1',
  'valid_from',
];
export const BILLING_COLUMNS: readonly string[] = [
  ...REQUIRED_COLUMNS['billing-event'],
  'usage_period_start_date',
  'usage_period_end_date',
];

const STATUS: Record<DemoTenant['status'], string> = {
  active: 'ACTIVE',
  // AWS agreements have no "suspended": a suspended buyer's agreement shows as terminated
  suspended: 'TERMINATED',
  cancelled: 'CANCELLED',
};

export function awsStateFromDemo(world: DemoWorld): AwsFakeState {
  const tenants = world.tenants.filter((t) => t.cloud === 'aws');
  const models = [...new Set(tenants.flatMap((t) => t.usage.map((u) => u.model)))].sort();
  const productModels: Record<string, string> = {};
  for (const m of models) productModels[productOf(m)] = m;
  const mainProduct = productOf(models[0] ?? 'anthropic.claude');

  const agreements: FakeAgreement[] = tenants.map((t) => agreementOf(t, mainProduct));
  const objects: FakeObject[] = [];

  // account and address feeds: one file per month of valid_from
  const byMonth = groupBy(tenants, (t) => t.startDate.slice(0, 7));
  const months = [...byMonth.keys()].sort();
  for (const month of months) {
    const group = byMonth.get(month) ?? [];
    objects.push(
      feedObject('account', month, ACCOUNT_COLUMNS, () =>
        group.map((t) => accountRow(t, t.reportedName, t.startDate)),
      ),
    );
    objects.push(feedObject('address', month, ADDRESS_COLUMNS, () => group.flatMap((t) => addressRows(t))));
  }
  // a late-delivered correction file: rows valid from before the current ones, which must not win
  const stale = tenants.filter((t, i) => i % 7 === 3 && t.reportedName !== '');
  const lastMonth = months[months.length - 1];
  if (lastMonth !== undefined && stale.length > 0) {
    objects.push(
      feedObject('account', nextMonth(lastMonth), ACCOUNT_COLUMNS, () =>
        stale.map((t) => accountRow(t, `${t.reportedName} (FORMER NAME)`, shiftYear(t.startDate, -1))),
      ),
    );
  }
  // billing-event feed: one file per invoice month (usage of month M is invoiced in M+1)
  const invoiceMonths = [...new Set(tenants.flatMap((t) => t.usage.map((u) => nextMonth(u.month))))].sort();
  for (const im of invoiceMonths) {
    objects.push(
      feedObject('billing-event', im, BILLING_COLUMNS, function* () {
        for (const t of tenants) {
          for (const u of t.usage)
            if (nextMonth(u.month) === im) yield* billingRows(t, u.model, u.month, u.spend);
        }
      }),
    );
  }
  return {
    proposerAccountId: DEMO_PROPOSER,
    agreements,
    bucket: DEMO_BUCKET,
    objects,
    models: models.map((m) => ({ modelId: m, modelName: modelName(m), providerName: 'Anthropic' })),
    productModels,
  };
}

function agreementOf(t: DemoTenant, product: string): FakeAgreement {
  const start = Date.parse(`${t.startDate}T00:00:00Z`) / 1000;
  const invoices: FakeInvoice[] = [];
  for (const month of [...new Set(t.usage.map((u) => u.month))].sort()) {
    const amount = t.usage.filter((u) => u.month === month).reduce((s, u) => s + u.spend, 0);
    const [y, m] = month.split('-').map(Number) as [number, number];
    invoices.push({
      invoiceId: `inv-${hash(t.subscriptionId + month).slice(0, 16)}`,
      year: y,
      month: m,
      amount: amount.toFixed(2),
      currencyCode: 'USD',
      issuedTime: Date.parse(`${nextMonth(month)}-01T00:00:00Z`) / 1000,
      invoiceType: 'INVOICE',
    });
  }
  const total = t.usage.reduce((s, u) => s + u.spend, 0);
  return {
    agreementId: t.subscriptionId,
    acceptorAccountId: t.key,
    status: STATUS[t.status],
    productId: product,
    productType: 'SaaSProduct',
    offerId: t.offer,
    acceptanceTime: start,
    startTime: start,
    endTime: start + 365 * 86400,
    lastUpdateTime: start + (parseInt(hash(t.key).slice(0, 6), 16) % 90) * 86400,
    estimatedCharges: { currencyCode: 'USD', agreementValue: total.toFixed(2) },
    invoices,
  };
}

function accountRow(t: DemoTenant, name: string, validFrom: string): string[] {
  const h = hash(t.key);
  // AWS gives the tax legal name and registration number for non-US accounts only
  const foreign = t.country !== undefined && t.country !== 'US';
  return [
    `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`,
    t.key,
    Buffer.from(h.slice(0, 10), 'hex').toString('base64url'),
    hasAddress(t) ? addressId(t, 'mailing') : '',
    hasAddress(t) ? addressId(t, 'tax') : '',
    foreign ? (t.taxId ?? '') : '',
    foreign ? name : '',
    `${validFrom}T00:00:00Z`,
  ];
}

function hasAddress(t: DemoTenant): boolean {
  return t.country !== undefined || t.domain !== undefined || t.reportedName !== '';
}

function addressRows(t: DemoTenant): string[][] {
  if (!hasAddress(t)) return [];
  const at = `${t.startDate}T00:00:00Z`;
  const company = t.reportedName;
  const country = t.country ?? '';
  return [
    [addressId(t, 'mailing'), t.domain ?? '', company, country, '', '', '', '', at],
    [addressId(t, 'tax'), '', company, country, '', '', '', '', at],
  ];
}

function billingRows(t: DemoTenant, model: string, month: string, spend: number): string[][] {
  const payer = t.payerKey ?? t.key;
  const period = [`${month}-01T00:00:00Z`, `${nextMonth(month)}-01T00:00:00Z`];
  const invoiced = `${nextMonth(month)}-01T00:00:00Z`;
  const id = hash(`${t.key}|${model}|${month}`);
  const row = (suffix: string, type: string, amount: number) => [
    `be-${id.slice(0, 20)}${suffix}`,
    type,
    'INVOICED',
    payer,
    DEMO_PROPOSER,
    t.key,
    productOf(model),
    amount.toFixed(2),
    'USD',
    invoiced,
    ...period,
  ];
  // the seller's share is what the buyer spent on the listing; AWS's listing fee comes off it
  return [row('s', 'SELLER_REV_SHARE', spend), row('a', 'AWS_REV_SHARE', -Math.round(spend * 3) / 100)];
}

function feedObject(
  feed: keyof typeof FEED_FOLDERS,
  month: string,
  columns: readonly string[],
  rows: () => Iterable<string[]>,
): FakeObject {
  const [y, m] = month.split('-');
  return {
    key: `${FEED_FOLDERS[feed]}year=${y}/month=${m}/data.csv`,
    lastModified: new Date(`${nextMonth(month)}-01T06:00:00Z`),
    body: function* () {
      yield columns.join(',') + '\n';
      for (const r of rows()) yield r.map(csvField).join(',') + '\n';
    },
  };
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A stable Marketplace-style product id per model. */
export function productOf(model: string): string {
  return `prod-${hash(model).slice(0, 13)}`;
}

function modelName(modelId: string): string {
  const m = /claude-([a-z]+)-(\d+)-(\d+)/.exec(modelId);
  if (!m) return modelId;
  return `Claude ${(m[1] ?? '').charAt(0).toUpperCase()}${(m[1] ?? '').slice(1)} ${m[2]}.${m[3]}`;
}

function addressId(t: DemoTenant, kind: 'mailing' | 'tax'): string {
  // derived from the key without hashing: feed bodies are regenerated on every read
  return `addr-${kind === 'mailing' ? 'm' : 't'}${t.key}`;
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function shiftYear(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

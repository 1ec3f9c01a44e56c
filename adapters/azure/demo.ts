// Turns the generated demo world into what Azure would hold for it: SaaS subscriptions and metering
// usage events (served by the fake) and the Partner Center ISVCustomer / ISVUsage report files.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoTenant, DemoWorld } from '../demo/world-types.ts';
import { iso2ToCountryName } from './countries.ts';
import type { AzureFakeState } from './fake.ts';

export type { AzureFakeState } from './fake.ts';

const STATUS: Record<DemoTenant['status'], string> = {
  active: 'Subscribed',
  suspended: 'Suspended',
  cancelled: 'Unsubscribed',
};

/** Column order of the ISVCustomer system query (analytics-system-queries). */
export const ISV_CUSTOMER_COLUMNS = [
  'MarketplaceSubscriptionId',
  'DateAcquired',
  'DateLost',
  'ProviderName',
  'ProviderEmail',
  'FirstName',
  'LastName',
  'Email',
  'CustomerCompanyName',
  'CustomerCity',
  'CustomerPostalCode',
  'CustomerCommunicationCulture',
  'CustomerCountryRegion',
  'AzureLicenseType',
  'PromotionalCustomers',
  'CustomerState',
  'CommerceRootCustomer',
  'CustomerId',
  'BillingAccountId',
  'ID',
] as const;

/** Column order of the metered-usage system query on ISVUsage. */
export const ISV_USAGE_COLUMNS = [
  'MarketplaceSubscriptionId',
  'MonthStartDate',
  'OfferType',
  'AzureLicenseType',
  'MarketplaceLicenseType',
  'SKU',
  'CustomerCountry',
  'IsPreviewSKU',
  'SKUBillingType',
  'IsInternal',
  'OfferName',
  'CustomerName',
  'CustomerCompanyName',
  'UsageDate',
  'IsNewCustomer',
  'TrialEndDate',
  'CustomerCurrencyCC',
  'PriceCC',
  'PayoutCurrencyPC',
  'EstimatedPricePC',
  'UsageReference',
  'UsageUnit',
  'CustomerId',
  'BillingAccountId',
  'MeteredUsage',
  'EstimatedExtendedChargeCC',
  'EstimatedExtendedChargePC',
] as const;

/** A stable GUID-shaped id derived from the seed and a label (same world → same bytes). */
function guid(seed: number, label: string): string {
  const h = createHash('sha256').update(`${seed}:${label}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const mailbox = (domain: string | undefined, who: string) => `${who}@${domain ?? 'outlook.com'}`;

function addYear(date: string): string {
  const d = new Date(Date.parse(date));
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10) + 'T00:00:00Z';
}

/** Azure's view of the demo world: only tenants sold through Azure. */
export function azureStateFromDemo(world: DemoWorld): AzureFakeState {
  const tenants = world.tenants.filter((t) => t.cloud === 'azure');
  const byKey = new Map(tenants.map((t) => [t.key, t]));
  const state: AzureFakeState = { subscriptions: [], usageEvents: [], customers: [], usage: [] };
  const lastMonth = [...world.months].sort().at(-1);
  for (const t of tenants) {
    // A channel-only party (a CSP with no purchase of its own) has no subscription id.
    if (!t.subscriptionId) continue;
    const s = world.seed;
    const reseller = t.resellerKey !== undefined ? byKey.get(t.resellerKey) : undefined;
    const start = t.startDate.slice(0, 10) + 'T00:00:00Z';
    const beneficiary = {
      emailId: mailbox(t.domain, 'it-admin'),
      objectId: guid(s, `obj:${t.key}`),
      tenantId: t.key,
      puid: guid(s, `puid:${t.key}`).replace(/-/g, '').slice(0, 16).toUpperCase(),
    };
    const purchaser =
      t.resellerKey === undefined
        ? beneficiary
        : {
            emailId: mailbox(reseller?.domain, 'orders'),
            objectId: guid(s, `obj:${t.resellerKey}`),
            tenantId: t.resellerKey,
            puid: guid(s, `puid:${t.resellerKey}`).replace(/-/g, '').slice(0, 16).toUpperCase(),
          };
    state.subscriptions.push({
      id: t.subscriptionId,
      name: `${t.offer} ${t.plan}`,
      publisherId: 'channelguard-demo',
      offerId: t.offer,
      planId: t.plan,
      quantity: '',
      beneficiary,
      purchaser,
      term: { startDate: start, endDate: addYear(start), termUnit: 'P1Y' },
      autoRenew: t.status === 'active',
      allowedCustomerOperations: t.resellerKey === undefined ? ['Read', 'Update', 'Delete'] : ['Read'],
      sessionMode: 'None',
      isFreeTrial: false,
      isTest: false,
      sandboxType: 'None',
      saasSubscriptionStatus: STATUS[t.status],
      created: start,
      lastModified: start,
    });
    const countryName = t.country ? (iso2ToCountryName(t.country) ?? t.country) : '';
    const customerId = guid(s, `customer:${t.key}`);
    const billingAccountId = guid(s, `billing:${t.key}`);
    state.customers.push({
      MarketplaceSubscriptionId: t.subscriptionId,
      DateAcquired: t.startDate.slice(0, 10),
      DateLost: t.status === 'cancelled' && lastMonth ? `${lastMonth}-28` : '',
      ProviderName: '',
      ProviderEmail: '',
      // Personal columns exist in the real report; the adapter must never carry them anywhere.
      FirstName: 'Alex',
      LastName: 'Doe',
      Email: mailbox(t.domain, 'alex.doe'),
      CustomerCompanyName: t.reportedName,
      CustomerCity: '',
      CustomerPostalCode: '',
      CustomerCommunicationCulture: 'en-US',
      CustomerCountryRegion: countryName,
      AzureLicenseType: t.resellerKey === undefined ? 'Enterprise' : 'Cloud Solution Provider',
      PromotionalCustomers: '0',
      CustomerState: '',
      CommerceRootCustomer: '',
      CustomerId: customerId,
      BillingAccountId: billingAccountId,
      ID: guid(s, `isvcustomer:${t.subscriptionId}`),
    });
    for (const u of t.usage) {
      const usageDate = `${u.month}-01T00:00:00Z`;
      const meters: Array<[string, number, number]> = [
        ['requests', u.requests, u.spend],
        ['input_tokens', u.inputTokens, 0],
        ['output_tokens', u.outputTokens, 0],
      ];
      for (const [meter, quantity, charge] of meters) {
        const dimension = `${u.model}.${meter}`;
        state.usageEvents.push({
          usageDate,
          usageResourceId: t.subscriptionId,
          dimension,
          planId: t.plan,
          planName: t.plan,
          offerId: t.offer,
          offerName: t.offer,
          offerType: 'SaaS',
          azureSubscriptionId: guid(s, `azsub:${t.key}`),
          reconStatus: 'Accepted',
          submittedQuantity: quantity,
          processedQuantity: quantity,
          submittedCount: 1,
        });
        state.usage.push({
          MarketplaceSubscriptionId: t.subscriptionId,
          MonthStartDate: `${u.month}-01`,
          OfferType: 'SaaS',
          AzureLicenseType: t.resellerKey === undefined ? 'Enterprise' : 'Cloud Solution Provider',
          MarketplaceLicenseType: 'Billed Through Azure',
          SKU: t.plan,
          CustomerCountry: countryName,
          IsPreviewSKU: 'false',
          SKUBillingType: 'Paid',
          IsInternal: 'false',
          OfferName: t.offer,
          CustomerName: 'Alex Doe',
          CustomerCompanyName: t.reportedName,
          UsageDate: `${u.month}-01`,
          IsNewCustomer: 'false',
          TrialEndDate: '',
          CustomerCurrencyCC: 'USD',
          PriceCC: '',
          PayoutCurrencyPC: 'USD',
          EstimatedPricePC: '',
          UsageReference: guid(s, `usage:${t.subscriptionId}:${u.month}:${dimension}`),
          UsageUnit: dimension,
          CustomerId: customerId,
          BillingAccountId: billingAccountId,
          MeteredUsage: String(quantity),
          EstimatedExtendedChargeCC: String(charge),
          EstimatedExtendedChargePC: String(charge),
        });
      }
    }
  }
  return state;
}

function csvField(value: string | undefined): string {
  const v = value ?? '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

async function writeCsv(file: string, columns: readonly string[], rows: Iterable<Record<string, string>>) {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const write = async (line: string) => {
    if (!out.write(line + '\r\n')) await once(out, 'drain');
  };
  await write(columns.join(','));
  for (const row of rows) await write(columns.map((c) => csvField(row[c])).join(','));
  out.end();
  await once(out, 'finish');
}

/** Writes ISVCustomer.csv and ISVUsage.csv (as Partner Center exports them) into `dir`. */
export async function writeAzureReports(
  state: AzureFakeState,
  dir: string,
): Promise<{ customerFile: string; usageFile: string }> {
  await mkdir(dir, { recursive: true });
  const customerFile = join(dir, 'ISVCustomer.csv');
  const usageFile = join(dir, 'ISVUsage.csv');
  await writeCsv(customerFile, ISV_CUSTOMER_COLUMNS, state.customers);
  await writeCsv(usageFile, ISV_USAGE_COLUMNS, state.usage);
  return { customerFile, usageFile };
}

/**
 * A large synthetic Azure state without a demo world (the sync benchmark's 300k subscriptions):
 * every `cspEvery`-th subscription is bought through one of a few CSP resellers.
 */
export function syntheticAzureState(
  count: number,
  options: { seed?: number; cspEvery?: number } = {},
): AzureFakeState {
  const seed = options.seed ?? 1;
  const cspEvery = options.cspEvery ?? 10;
  // Counter-based ids: hashing 1.5M GUIDs would dominate a 300k benchmark's set-up time.
  const id = (kind: number, i: number) =>
    `${seed.toString(16).padStart(8, '0')}-${kind.toString(16).padStart(4, '0')}-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const resellers = Array.from({ length: 5 }, (_, i) => id(0xc5b, i));
  const state: AzureFakeState = { subscriptions: [], usageEvents: [], customers: [], usage: [] };
  for (let i = 0; i < count; i++) {
    const tenantId = id(1, i);
    const subscriptionId = id(2, i);
    const csp = cspEvery > 0 && i % cspEvery === 0;
    const r = Math.floor(i / Math.max(1, cspEvery)) % 5;
    const beneficiary = { emailId: `admin@tenant${i}.example`, objectId: id(3, i), tenantId };
    const purchaser = csp
      ? {
          emailId: `orders@reseller${r}.example`,
          objectId: id(4, r),
          tenantId: resellers[r]!,
        }
      : beneficiary;
    state.subscriptions.push({
      id: subscriptionId,
      name: `subscription ${i}`,
      publisherId: 'channelguard-demo',
      offerId: 'claude-saas',
      planId: 'pro',
      quantity: '',
      beneficiary,
      purchaser,
      term: { startDate: '2025-01-01T00:00:00Z', endDate: '2026-01-01T00:00:00Z', termUnit: 'P1Y' },
      autoRenew: true,
      allowedCustomerOperations: csp ? ['Read'] : ['Read', 'Update', 'Delete'],
      sessionMode: 'None',
      isFreeTrial: false,
      isTest: false,
      sandboxType: 'None',
      saasSubscriptionStatus: 'Subscribed',
      lastModified: '2025-01-01T00:00:00Z',
    });
  }
  return state;
}

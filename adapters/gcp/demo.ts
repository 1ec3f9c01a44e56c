// The demo world as Google Cloud would show it: procurement accounts and entitlements for the
// tenants sold through Google, plus the Customer Insights and Charges and usage report rows.
import { createHash } from 'node:crypto';
import type { DemoTenant, DemoWorld } from '../demo/world-types.ts';
import type { GcpChargesRow, GcpFakeEntitlement, GcpFakeState, GcpInsightsRow } from './fake-state.ts';

export const DEMO_PROVIDER_ID = 'channelguard-demo-public';
const PRODUCT = 'claude.endpoints.channelguard-demo-public.cloud.goog';

const STATES: Record<DemoTenant['status'], string> = {
  active: 'ENTITLEMENT_ACTIVE',
  suspended: 'ENTITLEMENT_SUSPENDED',
  cancelled: 'ENTITLEMENT_CANCELLED',
};

const hash = (text: string, n: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, n).toUpperCase();

/** A SKU id in Google's `XXXX-XXXX-XXXX` shape, stable per model and unit. */
const skuId = (model: string, unit: string) =>
  hash(`${model}|${unit}`, 12).replace(/(.{4})(.{4})(.{4})/, '$1-$2-$3');

export function gcpStateFromDemo(world: DemoWorld, providerId = DEMO_PROVIDER_ID): GcpFakeState {
  const state: GcpFakeState = { providerId, accounts: [], entitlements: [], insights: [], charges: [] };
  const lastMonth = world.months[world.months.length - 1] ?? '2026-01';
  for (const t of world.tenants) {
    if (t.cloud !== 'gcp') continue;
    const created = `${t.startDate}T00:00:00Z`;
    state.accounts.push({ id: t.key, createTime: created, updateTime: created });
    const ent: GcpFakeEntitlement = {
      id: t.subscriptionId,
      accountId: t.key,
      productExternalName: PRODUCT,
      plan: t.plan,
      offer: `projects/channelguard-demo/services/${PRODUCT}/standardOffers/${t.offer}`,
      state: STATES[t.status],
      consumers: [...(t.projects ?? [])],
      createTime: created,
      updateTime: created,
      usageReportingId: `project_number:${parseInt(hash(t.key, 10), 16)}`,
    };
    if (t.billingAccount !== undefined) ent.billingAccount = t.billingAccount;
    state.entitlements.push(ent);
    const na = (v: string | undefined) => (v === undefined || v === '' ? 'n/a' : v);
    const insights: GcpInsightsRow = {
      report_date: `${lastMonth}-01`,
      external_account_id: t.key,
      customer_name: na(t.reportedName),
      customer_country: na(t.country),
      customer_domain: na(t.domain),
      billing_account_id: na(t.billingAccount?.replace(/^billingAccounts\//, '')),
      product_external_name: PRODUCT,
    };
    state.insights.push(insights);
    // The charges report's own "Account ID" is an obscured per-billing-account id.
    const obscured = hash(`obscured|${t.billingAccount ?? t.key}`, 16).toLowerCase();
    for (const u of t.usage) {
      const row = (unit: string, usage: number, charges: number): GcpChargesRow => ({
        month: u.month,
        accountId: obscured,
        insightsAccountId: t.key,
        skuId: skuId(u.model, unit),
        skuDescription: `${u.model} ${unit}`,
        location: t.country ?? '',
        usage,
        usageUnit: unit.toLowerCase(),
        charges,
        currency: 'USD',
      });
      // Spend sits on the output-token line so that per model and month it adds up to the demo's figure.
      state.charges.push(
        row('Requests', u.requests, 0),
        row('Input Tokens', u.inputTokens, 0),
        row('Output Tokens', u.outputTokens, u.spend),
      );
    }
  }
  return state;
}

// What the Google Cloud fake serves: procurement accounts and entitlements (API) plus the rows of
// the two partner reports it can write as CSV files. Plain data; built by demo.ts or by tests.
import type { FilterableEntitlement } from './fake-filter.ts';

export interface GcpFakeAccount {
  /** the procurement account id (what Google's payloads carry after `accounts/`) */
  id: string;
  state?: 'ACCOUNT_ACTIVE' | 'ACCOUNT_ACTIVATION_REQUESTED' | 'ACCOUNT_STATE_UNSPECIFIED';
  createTime: string;
  updateTime: string;
  /** `provider`: `providers/{p}/accounts/{id}` (what real payloads show); `bare`: `accounts/{id}` (the discovery doc) */
  nameStyle?: 'provider' | 'bare';
  inputProperties?: Record<string, unknown>;
}

export interface GcpFakeEntitlement extends FilterableEntitlement {
  id: string;
  /** `billingAccounts/XXXXXX-XXXXXX-XXXXXX`: not in the entitlement payload, only filterable, as on Google */
  billingAccount?: string;
  createTime: string;
  updateTime: string;
  usageReportingId?: string;
  subscriptionEndTime?: string;
}

/** One Customer Insights row ("n/a" where the customer marked the billing account personal). */
export interface GcpInsightsRow {
  report_date: string;
  external_account_id: string;
  customer_name: string;
  customer_country: string;
  customer_domain: string;
  billing_account_id: string;
  product_external_name: string;
}

/** One Charges and usage (by account, by location) row. */
export interface GcpChargesRow {
  month: string;
  accountId: string;
  insightsAccountId: string;
  skuId: string;
  skuDescription: string;
  location: string;
  usage: number;
  usageUnit: string;
  charges: number;
  currency: string;
}

export interface GcpFakeState {
  providerId: string;
  accounts: GcpFakeAccount[];
  entitlements: GcpFakeEntitlement[];
  insights: GcpInsightsRow[];
  charges: GcpChargesRow[];
}

export function emptyGcpState(providerId = 'acme-public'): GcpFakeState {
  return { providerId, accounts: [], entitlements: [], insights: [], charges: [] };
}

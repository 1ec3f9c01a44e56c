// The one extension point for clouds: each adapter folder (adapters/aws, gcp, azure) implements
// MarketplaceAdapter with a factory. The core owns this type; no adapter is imported by the core.
import type { Logger } from './log.ts';

export type Cloud = 'aws' | 'gcp' | 'azure';
export const CLOUDS: readonly Cloud[] = ['aws', 'gcp', 'azure'];

/** Where one field's value came from. */
export interface Provenance {
  /** the field of TenantRecord, e.g. "legalName" */
  field: string;
  /** API operation or report name, e.g. "SearchAgreements", "account-feed", "ISVCustomer" */
  source: string;
  /** the raw record id in that source (agreement id, feed row id, subscription id) */
  recordId?: string;
  retrievedAt: string;
}

export interface Entitlement {
  /** agreement id, entitlement name or SaaS subscription id */
  id: string;
  product?: string;
  offer?: string;
  plan?: string;
  state: string;
  start?: string;
  end?: string;
}

export type ChannelRole =
  'payer-of' | 'purchaser-of' | 'reseller-of' | 'billing-account-of' | 'consumer-project-of';

/** A channel party related to a tenant: the payer, CSP reseller or billing account that stands behind it. */
export interface ChannelLink {
  cloud: Cloud;
  /** the channel party's own tenant key in this cloud (it is a tenant record too when the source describes it) */
  fromKey: string;
  role: ChannelRole;
  /** the tenant it serves */
  toKey: string;
  source: string;
}

export interface TenantRecord {
  cloud: Cloud;
  /** stable id in the cloud: AWS account id; GCP billing account / procurement account; Azure beneficiary tenant id */
  tenantKey: string;
  accountIds: string[];
  legalName?: string;
  displayName?: string;
  /** ISO 3166-1 alpha-2 */
  countryCode?: string;
  domain?: string;
  /** tax / company registration numbers, LEI, USCC as given by the source */
  registrationIds?: Array<{ scheme: string; id: string }>;
  entitlements: Entitlement[];
  links: ChannelLink[];
  provenance: Provenance[];
  /** fields this source cannot give, e.g. ["legalName"] for a Google personal account ("n/a") */
  missing: string[];
  /** the partner this tenant is sold through (the cloud), for report partitioning */
  partner: Cloud;
}

export type UsageDimension = 'requests' | 'inputTokens' | 'outputTokens' | 'spend' | string;

export interface UsageRecord {
  cloud: Cloud;
  tenantKey: string;
  /** normalised model id; `rawModelId` keeps the source's */
  modelId: string;
  rawModelId?: string;
  dimension: UsageDimension;
  quantity: number;
  unit: string;
  currency?: string;
  periodStart: string;
  periodEnd: string;
  source: string;
  /** a stable id of this line in its source, for idempotent upserts */
  lineId: string;
}

export interface ListOptions {
  /** the cursor committed by the last complete run of this source (opaque to the core) */
  cursor?: string;
  signal?: AbortSignal;
}

/** A page of records plus the cursor to commit once they are durably written. */
export interface Page<T> {
  source: string;
  items: T[];
  /** cursor after this page; commit only after `items` are written */
  cursor?: string;
}

export interface MarketplaceAdapter {
  readonly cloud: Cloud;
  /** the APIs and reports this adapter reads, for the README and the run summary */
  readonly sources: readonly string[];
  tenants(options?: ListOptions): AsyncIterable<Page<TenantRecord>>;
  usage(window: { start: string; end: string }, options?: ListOptions): AsyncIterable<Page<UsageRecord>>;
  /** a cheap call that proves credentials and endpoints work */
  health(): Promise<void>;
}

/** What every adapter factory receives: injected I/O. */
export interface AdapterDeps {
  logger: Logger;
  clock?: () => Date;
}

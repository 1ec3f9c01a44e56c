// Pure conversion of Azure's raw shapes (SaaS Fulfillment v2 subscriptions, metering usageEvents,
// Partner Center ISVCustomer / ISVUsage rows) into channelguard's model. No I/O, no clock: the
// retrieval time is a parameter. Each raw record is validated here, once.
import { z } from 'zod';
import type { ChannelLink, Provenance, TenantRecord, UsageRecord } from '../../src/adapter.ts';
import { countryToIso2 } from './countries.ts';

export const SOURCE_SUBSCRIPTIONS = 'saas-subscriptions';
export const SOURCE_USAGE_EVENTS = 'usageEvents';
export const SOURCE_ISV_CUSTOMER = 'ISVCustomer';
export const SOURCE_ISV_USAGE = 'ISVUsage';

const trimmed = z.string().transform((s) => s.trim());
const party = z.looseObject({
  emailId: trimmed.optional().nullable(),
  objectId: z.string().optional().nullable(),
  tenantId: trimmed.optional().nullable(),
});

/** One item of `GET /api/saas/subscriptions`; unknown fields are kept out, not refused. */
export const rawSubscriptionSchema = z.looseObject({
  id: trimmed.pipe(z.string().min(1)),
  name: z.string().optional().nullable(),
  publisherId: z.string().optional().nullable(),
  offerId: trimmed.optional().nullable(),
  planId: trimmed.optional().nullable(),
  beneficiary: party.optional().nullable(),
  purchaser: party.optional().nullable(),
  term: z
    .looseObject({ startDate: z.string().optional().nullable(), endDate: z.string().optional().nullable() })
    .optional()
    .nullable(),
  allowedCustomerOperations: z.array(z.string()).optional().nullable(),
  saasSubscriptionStatus: trimmed.optional().nullable(),
  lastModified: z.string().optional().nullable(),
});
export type RawSubscription = z.infer<typeof rawSubscriptionSchema>;

/** What ISVCustomer says about one marketplace subscription (no personal columns are kept). */
export interface CustomerInfo {
  subscriptionId: string;
  companyName?: string;
  countryCode?: string;
  /** the raw CustomerCountryRegion when it could not be mapped to ISO alpha-2 */
  unmappedCountry?: string;
  /** the later of DateAcquired and DateLost, YYYY-MM-DD, for the cursor */
  changedOn?: string;
}

export type MapResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const CONSUMER_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.de',
  'gmx.net',
  'qq.com',
  '163.com',
  '126.com',
  'mail.ru',
  'yandex.ru',
]);

/** The organisation domain of an email address; undefined for consumer mail and *.onmicrosoft.com. */
export function emailDomain(email: string | null | undefined): string | undefined {
  if (!email) return undefined;
  const at = email.trim().lastIndexOf('@');
  if (at < 1) return undefined;
  const domain = email
    .trim()
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return undefined;
  if (CONSUMER_MAIL.has(domain) || domain.endsWith('.onmicrosoft.com')) return undefined;
  return domain;
}

/** A real timestamp or undefined (the API's "0001-01-01T00:00:00" means "not set"). */
export function realDate(value: string | null | undefined): string | undefined {
  if (!value || value.startsWith('0001-01-01')) return undefined;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) || value.length <= 10 ? value : value + 'Z');
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** The fallback key of a subscription whose beneficiary tenant is unknown: unique, never "allowed". */
export const unknownTenantKey = (subscriptionId: string): string =>
  `unknown-tenant:subscription:${subscriptionId}`;

export interface MappedSubscription {
  tenant: TenantRecord;
  /** the CSP / purchasing tenant, when it differs from the beneficiary */
  channel?: TenantRecord;
  lastModified?: string;
}

/** One SaaS subscription (+ its ISVCustomer row) → the beneficiary tenant and its channel party. */
export function mapSubscription(
  raw: unknown,
  customer: CustomerInfo | undefined,
  retrievedAt: string,
): MapResult<MappedSubscription> {
  const parsed = rawSubscriptionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `subscription field ${issue.path.join('.') || '(item)'}: ${issue.message}` };
  }
  const s = parsed.data;
  const prov = (field: string, source = SOURCE_SUBSCRIPTIONS): Provenance => ({
    field,
    source,
    recordId: s.id,
    retrievedAt,
  });
  const beneficiaryTenant = s.beneficiary?.tenantId || undefined;
  const tenantKey = beneficiaryTenant ?? unknownTenantKey(s.id);
  const missing: string[] = ['registrationIds'];
  const provenance: Provenance[] = [prov('tenantKey'), prov('entitlements')];
  if (!beneficiaryTenant) missing.push('tenantKey');

  const domain = emailDomain(s.beneficiary?.emailId);
  if (domain) provenance.push(prov('domain'));
  else missing.push('domain');

  const tenant: TenantRecord = {
    cloud: 'azure',
    tenantKey,
    accountIds: [s.id],
    ...(domain ? { domain } : {}),
    entitlements: [
      {
        id: s.id,
        ...(s.offerId ? { offer: s.offerId } : {}),
        ...(s.planId ? { plan: s.planId } : {}),
        state: s.saasSubscriptionStatus || 'Unknown',
        ...optionalDate('start', s.term?.startDate),
        ...optionalDate('end', s.term?.endDate),
      },
    ],
    links: [],
    provenance,
    missing,
    partner: 'azure',
  };

  if (customer?.companyName) {
    tenant.legalName = customer.companyName;
    provenance.push(prov('legalName', SOURCE_ISV_CUSTOMER));
  } else missing.push('legalName');
  if (customer?.countryCode) {
    tenant.countryCode = customer.countryCode;
    provenance.push(prov('countryCode', SOURCE_ISV_CUSTOMER));
  } else missing.push('countryCode');

  const purchaserTenant = s.purchaser?.tenantId || undefined;
  let channel: TenantRecord | undefined;
  if (purchaserTenant && purchaserTenant !== beneficiaryTenant) {
    // A CSP purchase leaves the beneficiary read-only; any other foreign purchaser simply paid.
    const ops = (s.allowedCustomerOperations ?? []).map((o) => o.trim().toLowerCase());
    const csp = ops.length === 1 && ops[0] === 'read';
    const link: ChannelLink = {
      cloud: 'azure',
      fromKey: purchaserTenant,
      role: csp ? 'reseller-of' : 'purchaser-of',
      toKey: tenantKey,
      source: SOURCE_SUBSCRIPTIONS,
    };
    tenant.links.push(link);
    provenance.push(prov('links'));
    const channelDomain = emailDomain(s.purchaser?.emailId);
    channel = {
      cloud: 'azure',
      tenantKey: purchaserTenant,
      accountIds: [],
      ...(channelDomain ? { domain: channelDomain } : {}),
      entitlements: [],
      links: [],
      provenance: [
        { field: 'tenantKey', source: SOURCE_SUBSCRIPTIONS, recordId: s.id, retrievedAt },
        ...(channelDomain
          ? [{ field: 'domain', source: SOURCE_SUBSCRIPTIONS, recordId: s.id, retrievedAt }]
          : []),
      ],
      missing: ['legalName', 'countryCode', 'registrationIds', ...(channelDomain ? [] : ['domain'])],
      partner: 'azure',
    };
  }
  const lastModified = realDate(s.lastModified);
  return {
    ok: true,
    value: { tenant, ...(channel ? { channel } : {}), ...(lastModified ? { lastModified } : {}) },
  };
}

function optionalDate<K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } {
  const d = realDate(value);
  return (d ? { [key]: d } : {}) as { [P in K]?: string };
}

/** One ISVCustomer CSV row → what it says about one subscription; personal columns are ignored. */
export function mapCustomerRow(row: Record<string, string | undefined>): MapResult<CustomerInfo> {
  const subscriptionId = row['MarketplaceSubscriptionId']?.trim();
  if (!subscriptionId) return { ok: false, reason: 'MarketplaceSubscriptionId is empty' };
  const info: CustomerInfo = { subscriptionId };
  const company = row['CustomerCompanyName']?.trim();
  if (company && !/^(n\/?a|null|none|-)$/i.test(company)) info.companyName = company;
  const country = row['CustomerCountryRegion']?.trim();
  if (country) {
    const code = countryToIso2(country);
    if (code) info.countryCode = code;
    else info.unmappedCountry = country;
  }
  const dates = [row['DateAcquired'], row['DateLost']].map((d) => realDate(d?.trim())).filter(Boolean);
  if (dates.length) info.changedOn = (dates as string[]).sort().at(-1)!.slice(0, 10);
  return { ok: true, value: info };
}

const METER = /^(.+?)[._:/-](input[_-]?tokens|output[_-]?tokens|requests)$/i;
const METER_NAMES: Record<string, { dimension: string; unit: string }> = {
  inputtokens: { dimension: 'inputTokens', unit: 'tokens' },
  outputtokens: { dimension: 'outputTokens', unit: 'tokens' },
  requests: { dimension: 'requests', unit: 'requests' },
};

/**
 * A custom meter id such as "claude-sonnet-4-5.input_tokens" → model + dimension. Meters that do
 * not follow the "<model><sep><meter>" convention keep their raw id as the dimension, and the plan
 * stands in for the model.
 */
export function parseMeter(
  meter: string,
  planId: string,
): { modelId: string; dimension: string; unit: string } {
  const m = METER.exec(meter.trim());
  if (m) {
    const known = METER_NAMES[m[2]!.replace(/[_-]/g, '').toLowerCase()]!;
    return { modelId: m[1]!, ...known };
  }
  return { modelId: planId || 'unknown', dimension: meter.trim(), unit: 'units' };
}

export const rawUsageEventSchema = z.looseObject({
  usageDate: z.string(),
  usageResourceId: trimmed.pipe(z.string().min(1)),
  dimension: trimmed.pipe(z.string().min(1)),
  planId: trimmed.optional().nullable(),
  offerId: z.string().optional().nullable(),
  azureSubscriptionId: z.string().optional().nullable(),
  reconStatus: trimmed.optional().nullable(),
  submittedQuantity: z.number().optional().nullable(),
  processedQuantity: z.number().optional().nullable(),
});

/** reconStatus values that are not customer usage at all. */
const NOT_USAGE = new Set(['dryrun', 'testheaders', 'rejected']);

/** One metering usage event → one usage line (or the reason it is not one). */
export function mapUsageEvent(
  raw: unknown,
  tenantOf: (subscriptionId: string) => string | undefined,
): MapResult<UsageRecord> {
  const parsed = rawUsageEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `usage event field ${issue.path.join('.') || '(item)'}: ${issue.message}` };
  }
  const e = parsed.data;
  const status = (e.reconStatus ?? '').toLowerCase();
  if (NOT_USAGE.has(status)) return { ok: false, reason: `reconStatus ${e.reconStatus}` };
  const start = realDate(e.usageDate);
  if (!start) return { ok: false, reason: `usageDate ${JSON.stringify(e.usageDate)} is not a date` };
  // processedQuantity is what Microsoft reconciled; a Submitted event carries processedQuantity 0
  // (documented sample), so until reconciliation the submitted quantity is the usage.
  const quantity =
    status === 'submitted' ? e.submittedQuantity : (e.processedQuantity ?? e.submittedQuantity);
  if (quantity === null || quantity === undefined) return { ok: false, reason: 'no quantity' };
  const meter = parseMeter(e.dimension, e.planId ?? '');
  return {
    ok: true,
    value: {
      cloud: 'azure',
      tenantKey: tenantOf(e.usageResourceId) ?? unknownTenantKey(e.usageResourceId),
      modelId: meter.modelId,
      rawModelId: e.dimension,
      dimension: meter.dimension,
      quantity,
      unit: meter.unit,
      periodStart: start,
      periodEnd: new Date(Date.parse(start) + 3_600_000).toISOString(),
      source: SOURCE_USAGE_EVENTS,
      lineId: `${SOURCE_USAGE_EVENTS}:${e.usageResourceId}:${e.dimension}:${start}`,
    },
  };
}

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : undefined;
};

/**
 * One ISVUsage CSV row → a quantity line and, when it carries a charge, a spend line. The meter is
 * UsageUnit (SaaS custom meter), else SKU; quantity is MeteredUsage, NormalizedUsage or RawUsage.
 */
export function mapIsvUsageRow(
  row: Record<string, string | undefined>,
  tenantOf: (subscriptionId: string) => string | undefined,
): MapResult<UsageRecord[]> {
  const sub = row['MarketplaceSubscriptionId']?.trim();
  if (!sub) return { ok: false, reason: 'MarketplaceSubscriptionId is empty' };
  const day = realDate(row['UsageDate']?.trim());
  if (!day) return { ok: false, reason: `UsageDate ${JSON.stringify(row['UsageDate'] ?? '')} is not a date` };
  const meterId = row['UsageUnit']?.trim() || row['SKU']?.trim();
  if (!meterId) return { ok: false, reason: 'neither UsageUnit nor SKU names the meter' };
  const quantity = num(row['MeteredUsage']) ?? num(row['NormalizedUsage']) ?? num(row['RawUsage']);
  if (quantity === undefined) return { ok: false, reason: 'no MeteredUsage, NormalizedUsage or RawUsage' };
  const meter = parseMeter(meterId, row['SKU']?.trim() ?? '');
  const tenantKey = tenantOf(sub) ?? unknownTenantKey(sub);
  const periodStart = day.slice(0, 10) + 'T00:00:00.000Z';
  const periodEnd = new Date(Date.parse(periodStart) + 86_400_000).toISOString();
  const ref = row['UsageReference']?.trim() || `${sub}:${periodStart.slice(0, 10)}:${meterId}`;
  const base = { cloud: 'azure' as const, tenantKey, modelId: meter.modelId, rawModelId: meterId };
  const lines: UsageRecord[] = [
    {
      ...base,
      dimension: meter.dimension,
      quantity,
      unit: meter.unit,
      periodStart,
      periodEnd,
      source: SOURCE_ISV_USAGE,
      lineId: `${SOURCE_ISV_USAGE}:${ref}`,
    },
  ];
  const charge = num(row['EstimatedExtendedChargePC']);
  if (charge !== undefined && charge !== 0) {
    const currency = row['PayoutCurrencyPC']?.trim() || undefined;
    lines.push({
      ...base,
      dimension: 'spend',
      quantity: charge,
      unit: currency ?? 'unknown-currency',
      ...(currency ? { currency } : {}),
      periodStart,
      periodEnd,
      source: SOURCE_ISV_USAGE,
      lineId: `${SOURCE_ISV_USAGE}:${ref}:spend`,
    });
  }
  return { ok: true, value: lines };
}

/**
 * The continuationToken inside an `@nextLink`, decoded. Parsed by hand because the documented
 * sample link is malformed ("https:// https://…") and `new URL` refuses it; the host is never used.
 * An empty or absent link ends the listing; a link without a token is an error, not an end.
 */
export function extractContinuationToken(nextLink: string | null | undefined): MapResult<string | undefined> {
  if (nextLink === null || nextLink === undefined || nextLink.trim() === '')
    return { ok: true, value: undefined };
  const m = /[?&]continuationToken=([^&#\s]*)/i.exec(nextLink);
  if (!m || m[1] === '') return { ok: false, reason: '@nextLink carries no continuationToken' };
  try {
    return { ok: true, value: decodeURIComponent(m[1]!) };
  } catch {
    return { ok: false, reason: '@nextLink continuationToken is not valid percent-encoding' };
  }
}

/**
 * One record for a tenant with several subscriptions (the store keeps the last record per key, so
 * the adapter must hand over the whole tenant at once). Conflicting countries are dropped to
 * "missing" — an unknown country goes to review, a wrong one could pass.
 */
export function mergeTenantRecords(a: TenantRecord, b: TenantRecord): TenantRecord {
  const links = new Map<string, ChannelLink>();
  for (const l of [...a.links, ...b.links]) links.set(`${l.fromKey}|${l.role}|${l.toKey}`, l);
  const merged: TenantRecord = {
    ...a,
    accountIds: [...new Set([...a.accountIds, ...b.accountIds])],
    entitlements: [...a.entitlements, ...b.entitlements],
    links: [...links.values()],
    provenance: [...a.provenance, ...b.provenance],
  };
  for (const field of ['legalName', 'domain'] as const) {
    const value = a[field] ?? b[field];
    if (value !== undefined) merged[field] = value;
  }
  const conflict =
    a.countryCode !== undefined && b.countryCode !== undefined && a.countryCode !== b.countryCode;
  const country = conflict ? undefined : (a.countryCode ?? b.countryCode);
  if (country !== undefined) merged.countryCode = country;
  else delete merged.countryCode;
  const present = (f: string) => (merged as unknown as Record<string, unknown>)[f] !== undefined;
  const always = new Set(['tenantKey', 'registrationIds']);
  merged.missing = [...new Set([...a.missing, ...b.missing, ...(conflict ? ['countryCode'] : [])])].filter(
    (f) => always.has(f) || !present(f),
  );
  return merged;
}

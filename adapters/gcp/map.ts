// Pure conversion of Google's shapes (Procurement API payloads, report rows) into the core model.
// No I/O, no clock: retrieval time and file locations are parameters.
import type { ChannelLink, Entitlement, Provenance, TenantRecord, UsageRecord } from '../../src/adapter.ts';
import { InputError, type InputLocation } from '../../src/errors.ts';
import type { RawAccount, RawEntitlement } from './client.ts';

export const SOURCE_ACCOUNTS = 'procurement:providers.accounts.list';
export const SOURCE_ENTITLEMENTS = 'procurement:providers.entitlements.list';
export const SOURCE_INSIGHTS = 'report:customer-insights';
export const SOURCE_CHARGES = 'report:charges-and-usage';

/** Fields Google never gives a seller: no registry or tax numbers in the API or reports we read. */
const NEVER_GIVEN = ['registrationIds'];

/**
 * `providers/{p}/accounts/{id}` (real payloads) or `accounts/{id}` (the discovery doc) -> ids.
 * Undefined when the name has neither shape.
 */
export function parseAccountName(name: string): { providerId?: string; accountId: string } | undefined {
  const m = /^(?:providers\/([^/]+)\/)?accounts\/([^/]+)$/.exec(name);
  if (!m) return undefined;
  return m[1] !== undefined ? { providerId: m[1], accountId: m[2]! } : { accountId: m[2]! };
}

/** `ENTITLEMENT_PENDING_CANCELLATION` -> `pending_cancellation`; absent -> `unknown` (never "active"). */
export function entitlementState(raw: string | undefined): string {
  if (raw === undefined || raw === '') return 'unknown';
  return raw.replace(/^ENTITLEMENT_/, '').toLowerCase();
}

export function mapEntitlement(raw: RawEntitlement): Entitlement {
  const id = raw.name.slice(raw.name.lastIndexOf('/') + 1);
  const product = raw.productExternalName ?? raw.product;
  const end = raw.subscriptionEndTime ?? raw.offerEndTime;
  return {
    id,
    ...(product !== undefined ? { product } : {}),
    ...(raw.offer !== undefined ? { offer: raw.offer } : {}),
    ...(raw.plan !== undefined ? { plan: raw.plan } : {}),
    state: entitlementState(raw.state),
    ...(raw.createTime !== undefined ? { start: raw.createTime } : {}),
    ...(end !== undefined ? { end } : {}),
  };
}

/** What one Customer Insights row says about an account; `n/a` (a personal billing account) is absence. */
export interface InsightsInfo {
  accountId: string;
  name?: string;
  countryCode?: string;
  domain?: string;
  /** `billingAccounts/XXXXXX-XXXXXX-XXXXXX` */
  billingAccount?: string;
  /** `file:line` */
  recordId: string;
  /** values present but unusable, e.g. a country that is not ISO 3166-1 alpha-2 */
  rejected: string[];
}

const absent = (v: string | undefined) => {
  const t = (v ?? '').trim();
  return t === '' || /^n\/?a$/i.test(t) ? undefined : t;
};

/** One Customer Insights CSV row (header-normalised keys) -> InsightsInfo; throws InputError without an account id. */
export function mapInsightsRow(
  row: Record<string, string | undefined>,
  loc: Required<Pick<InputLocation, 'file' | 'line'>>,
): InsightsInfo {
  const accountId = absent(row.external_account_id);
  if (accountId === undefined)
    throw new InputError('external_account_id is empty', { ...loc, field: 'external_account_id' });
  const info: InsightsInfo = { accountId, recordId: `${loc.file}:${loc.line}`, rejected: [] };
  const name = absent(row.customer_name);
  if (name !== undefined) info.name = name;
  const country = absent(row.customer_country);
  if (country !== undefined) {
    if (/^[A-Za-z]{2}$/.test(country)) info.countryCode = country.toUpperCase();
    else info.rejected.push(`customer_country=${JSON.stringify(country)}`);
  }
  const domain = absent(row.customer_domain);
  if (domain !== undefined) info.domain = domain.toLowerCase();
  const billing = absent(row.billing_account_id);
  if (billing !== undefined)
    info.billingAccount = billing.startsWith('billingAccounts/') ? billing : `billingAccounts/${billing}`;
  return info;
}

export interface TenantInput {
  account: RawAccount;
  entitlements: RawEntitlement[];
  insights?: InsightsInfo;
  retrievedAt: string;
}

/** One procurement account + its entitlements + its Customer Insights row -> a TenantRecord. */
export function buildTenantRecord(input: TenantInput): TenantRecord {
  const parsed = parseAccountName(input.account.name);
  if (!parsed) throw new Error(`not an account name: ${input.account.name}`);
  const key = parsed.accountId;
  const at = input.retrievedAt;
  const prov = (field: string, source: string, recordId: string): Provenance => ({
    field,
    source,
    recordId,
    retrievedAt: at,
  });
  const provenance: Provenance[] = [prov('tenantKey', SOURCE_ACCOUNTS, input.account.name)];
  const entitlements = input.entitlements.map(mapEntitlement).sort((a, b) => cmp(a.id, b.id));
  for (const e of input.entitlements) provenance.push(prov('entitlements', SOURCE_ENTITLEMENTS, e.name));
  const links: ChannelLink[] = [];
  const projects = new Set<string>();
  for (const e of input.entitlements)
    for (const c of e.consumers ?? []) if (c.project) projects.add(c.project);
  const record: TenantRecord = {
    cloud: 'gcp',
    partner: 'gcp',
    tenantKey: key,
    accountIds: [key],
    entitlements,
    links,
    provenance,
    missing: [],
  };
  const ins = input.insights;
  if (ins) {
    if (ins.name !== undefined) {
      // Google's report gives the billing profile's customer name; it is the best legal-name evidence we have.
      record.legalName = ins.name;
      record.displayName = ins.name;
      provenance.push(prov('legalName', SOURCE_INSIGHTS, ins.recordId));
    }
    if (ins.countryCode !== undefined) {
      record.countryCode = ins.countryCode;
      provenance.push(prov('countryCode', SOURCE_INSIGHTS, ins.recordId));
    }
    if (ins.domain !== undefined) {
      record.domain = ins.domain;
      provenance.push(prov('domain', SOURCE_INSIGHTS, ins.recordId));
    }
    if (ins.billingAccount !== undefined) {
      links.push({
        cloud: 'gcp',
        fromKey: ins.billingAccount,
        role: 'billing-account-of',
        toKey: key,
        source: SOURCE_INSIGHTS,
      });
      provenance.push(prov('links', SOURCE_INSIGHTS, ins.recordId));
    }
  }
  for (const project of [...projects].sort(cmp)) {
    links.push({
      cloud: 'gcp',
      fromKey: project,
      role: 'consumer-project-of',
      toKey: key,
      source: SOURCE_ENTITLEMENTS,
    });
  }
  const missing = new Set(NEVER_GIVEN);
  if (record.legalName === undefined) missing.add('legalName').add('displayName');
  if (record.countryCode === undefined) missing.add('countryCode');
  if (record.domain === undefined) missing.add('domain');
  record.missing = [...missing].sort(cmp);
  return record;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const UNIT_DIMENSIONS: ReadonlyArray<readonly [RegExp, string, string]> = [
  [/^(requests?|calls?|count)$/, 'requests', 'request'],
  [/^(input|prompt)[ _-]?tokens?$/, 'inputTokens', 'token'],
  [/^(output|completion)[ _-]?tokens?$/, 'outputTokens', 'token'],
];

/** `Usage Unit` -> dimension and unit; an unknown unit stays a custom dimension named after it. */
export function dimensionOfUnit(usageUnit: string): { dimension: string; unit: string } {
  const u = usageUnit.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [re, dimension, unit] of UNIT_DIMENSIONS) if (re.test(u)) return { dimension, unit };
  return { dimension: u === '' ? 'unknown' : u, unit: u === '' ? 'unknown' : u };
}

/** SKU description without its unit words, lower-case, spaces as dashes: "Claude X Input Tokens" -> "claude-x". */
export function modelOfSku(description: string): string {
  const base = description
    .trim()
    .replace(/\s+(input|output|prompt|completion)?\s*(tokens?|requests?|calls?)$/i, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-');
  return base === '' ? 'unknown' : base;
}

export function monthBounds(month: string): { start: string; end: string } | undefined {
  const m = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(month.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return undefined;
  return {
    start: new Date(Date.UTC(y, mo - 1, 1)).toISOString(),
    end: new Date(Date.UTC(y, mo, 1)).toISOString(),
  };
}

const number = (raw: string | undefined, field: string, loc: InputLocation): number => {
  const t = (raw ?? '').trim();
  const n = t === '' ? NaN : Number(t);
  if (!Number.isFinite(n))
    throw new InputError(`${field} is not a number: ${JSON.stringify(t)}`, { ...loc, field });
  return n;
};

/** One Charges and usage row -> a usage record and a spend record; throws InputError naming the field. */
export function mapChargesRow(
  row: Record<string, string | undefined>,
  loc: Required<Pick<InputLocation, 'file' | 'line'>>,
): UsageRecord[] {
  const tenantKey = absent(row.insights_account_id);
  if (tenantKey === undefined)
    throw new InputError('Insights Account ID is empty', { ...loc, field: 'Insights Account ID' });
  const period = monthBounds(row.month ?? '');
  if (!period)
    throw new InputError(`Month is not YYYY-MM: ${JSON.stringify(row.month ?? '')}`, {
      ...loc,
      field: 'Month',
    });
  const currency = (row.currency ?? '').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    throw new InputError(`Currency is not ISO 4217: ${JSON.stringify(row.currency ?? '')}`, {
      ...loc,
      field: 'Currency',
    });
  const usage = number(row.usage, 'Usage', loc);
  const charges = number(row.charges, 'Charges', loc);
  const sku = (row.sku_description ?? '').trim();
  const { dimension, unit } = dimensionOfUnit(row.usage_unit ?? '');
  const base = {
    cloud: 'gcp' as const,
    tenantKey,
    modelId: modelOfSku(sku),
    rawModelId: `${(row.sku_id ?? '').trim()} ${sku}`.trim(),
    periodStart: period.start,
    periodEnd: period.end,
    source: SOURCE_CHARGES,
  };
  const line = `${loc.file}:${loc.line}`;
  return [
    { ...base, dimension, quantity: usage, unit, lineId: `${line}:${dimension}` },
    { ...base, dimension: 'spend', quantity: charges, unit: currency, currency, lineId: `${line}:spend` },
  ];
}

/** CSV header -> key: lower case, runs of other characters as `_` ("Insights Account ID" -> insights_account_id). */
export function normaliseHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

// Pure conversions from AWS shapes (SDK outputs, feed rows as strings) to channelguard's model.
// No I/O, no clock: `retrievedAt` is a parameter. Tested on recorded payloads in map.test.ts.
import type { ChannelLink, Entitlement, Provenance, TenantRecord, UsageRecord } from '../../src/adapter.ts';
import type {
  AgreementInvoiceLineItemGroupSummary,
  AgreementViewSummary,
  DescribeAgreementOutput,
  FoundationModelSummary,
} from './client.ts';

export const SOURCES = {
  search: 'SearchAgreements',
  describe: 'DescribeAgreement',
  invoices: 'ListAgreementInvoiceLineItems',
  models: 'ListFoundationModels',
  account: 'account-feed',
  address: 'address-feed',
  billing: 'billing-event-feed',
} as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; reason: string };

const ACCOUNT_ID = /^\d{12}$/;

export function isAwsAccountId(v: string | undefined): v is string {
  return v !== undefined && ACCOUNT_ID.test(v);
}

/** The account feed row fields we keep (a compact record: the adapter indexes one per account). */
export interface AccountRow {
  accountId: string;
  awsAccountId: string;
  mailingAddressId?: string;
  taxAddressId?: string;
  taxRegistrationNumber?: string;
  taxLegalName?: string;
  /** ISO-8601 instant the row is valid from (bi-temporal history) */
  validFrom: string;
}

export interface AddressRow {
  addressId: string;
  emailDomain?: string;
  companyName?: string;
  countryCode?: string;
  validFrom: string;
}

export interface BillingEventRow {
  billingEventId: string;
  transactionType: string;
  action: string;
  fromAccountId?: string;
  toAccountId?: string;
  endUserAccountId?: string;
  productId: string;
  amount: number;
  currency: string;
  invoiceDate: string;
  usagePeriodStart?: string;
  usagePeriodEnd?: string;
}

type Values = Readonly<Record<string, string | undefined>>;

const opt = (v: string | undefined): string | undefined =>
  v === undefined || v.trim() === '' ? undefined : v.trim();
const bad = (field: string, reason: string) => ({ ok: false as const, field, reason });

function instant(v: string | undefined): string | undefined {
  const s = opt(v);
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function parseAccountRow(v: Values): Parsed<AccountRow> {
  const awsAccountId = opt(v['aws_account_id']);
  if (!isAwsAccountId(awsAccountId)) return bad('aws_account_id', 'not a 12-digit AWS account id');
  const accountId = opt(v['account_id']);
  if (accountId === undefined) return bad('account_id', 'empty');
  const validFrom = instant(v['valid_from']);
  if (validFrom === undefined) return bad('valid_from', 'not an ISO-8601 date');
  const row: AccountRow = { accountId, awsAccountId, validFrom };
  const set = <K extends keyof AccountRow>(k: K, val: string | undefined) => {
    if (val !== undefined) row[k] = val as AccountRow[K];
  };
  set('mailingAddressId', opt(v['mailing_address_id']));
  set('taxAddressId', opt(v['tax_address_id']));
  set('taxRegistrationNumber', opt(v['tax_registration_number']));
  set('taxLegalName', opt(v['tax_legal_name']));
  return { ok: true, value: row };
}

export function parseAddressRow(v: Values): Parsed<AddressRow> {
  const addressId = opt(v['address_id']);
  if (addressId === undefined) return bad('address_id', 'empty');
  const validFrom = instant(v['valid_from']);
  if (validFrom === undefined) return bad('valid_from', 'not an ISO-8601 date');
  const row: AddressRow = { addressId, validFrom };
  const country = opt(v['country_code'])?.toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country))
    return bad('country_code', 'not ISO 3166-1 alpha-2');
  if (country !== undefined) row.countryCode = country;
  const domain = opt(v['email_domain'])?.toLowerCase();
  if (domain !== undefined) row.emailDomain = domain;
  const company = opt(v['company_name']);
  if (company !== undefined) row.companyName = company;
  return { ok: true, value: row };
}

export function parseBillingEventRow(v: Values): Parsed<BillingEventRow> {
  const billingEventId = opt(v['billing_event_id']);
  if (billingEventId === undefined) return bad('billing_event_id', 'empty');
  const amount = Number(opt(v['amount']));
  if (!Number.isFinite(amount)) return bad('amount', 'not a number');
  const invoiceDate = instant(v['invoice_date']);
  if (invoiceDate === undefined) return bad('invoice_date', 'not an ISO-8601 date');
  const ids = ['from_account_id', 'to_account_id', 'end_user_account_id'] as const;
  for (const k of ids) {
    const id = opt(v[k]);
    if (id !== undefined && !isAwsAccountId(id)) return bad(k, 'not a 12-digit AWS account id');
  }
  const row: BillingEventRow = {
    billingEventId,
    transactionType: opt(v['transaction_type']) ?? '',
    action: opt(v['action']) ?? '',
    productId: opt(v['product_id']) ?? '',
    amount,
    currency: opt(v['currency'])?.toUpperCase() ?? '',
    invoiceDate,
  };
  const from = opt(v['from_account_id']);
  const to = opt(v['to_account_id']);
  const endUser = opt(v['end_user_account_id']);
  const start = instant(v['usage_period_start_date']);
  const end = instant(v['usage_period_end_date']);
  if (from !== undefined) row.fromAccountId = from;
  if (to !== undefined) row.toAccountId = to;
  if (endUser !== undefined) row.endUserAccountId = endUser;
  if (start !== undefined) row.usagePeriodStart = start;
  if (end !== undefined) row.usagePeriodEnd = end;
  return { ok: true, value: row };
}

/** Bi-temporal feeds: the row valid from the latest instant wins; on a tie the later-delivered row wins. */
export function supersedes(
  candidate: { validFrom: string },
  current: { validFrom: string } | undefined,
): boolean {
  return current === undefined || candidate.validFrom >= current.validFrom;
}

/** The buyer (end user) a spend row belongs to, and its payer when that is a different account. */
export function buyerOf(row: BillingEventRow): { endUser?: string; payer?: string } {
  const endUser = row.endUserAccountId ?? row.fromAccountId;
  const payer =
    row.fromAccountId !== undefined && row.fromAccountId !== endUser ? row.fromAccountId : undefined;
  return { ...(endUser !== undefined ? { endUser } : {}), ...(payer !== undefined ? { payer } : {}) };
}

const iso = (d: Date | undefined) => (d === undefined ? undefined : d.toISOString());

export function entitlementOf(summary: AgreementViewSummary, detail?: DescribeAgreementOutput): Entitlement {
  // DescribeAgreement is the fresher read; the search summary fills what it leaves out
  const proposal = detail?.proposalSummary ?? summary.proposalSummary;
  const product = proposal?.resources?.[0]?.id;
  const start = iso(detail?.startTime ?? summary.startTime);
  const end = iso(detail?.endTime ?? summary.endTime);
  return {
    id: summary.agreementId ?? '',
    ...(product !== undefined ? { product } : {}),
    ...(proposal?.offerId !== undefined ? { offer: proposal.offerId } : {}),
    state: detail?.status ?? summary.status ?? 'UNKNOWN',
    ...(start !== undefined ? { start } : {}),
    ...(end !== undefined ? { end } : {}),
  };
}

/** The part of a search summary the adapter keeps per agreement until its tenant is emitted. */
export function slimAgreement(a: AgreementViewSummary): AgreementViewSummary {
  const resource = a.proposalSummary?.resources?.[0];
  const slim: AgreementViewSummary = {};
  if (a.agreementId !== undefined) slim.agreementId = a.agreementId;
  if (a.acceptor?.accountId !== undefined) slim.acceptor = { accountId: a.acceptor.accountId };
  if (a.status !== undefined) slim.status = a.status;
  if (a.startTime !== undefined) slim.startTime = a.startTime;
  if (a.endTime !== undefined) slim.endTime = a.endTime;
  if (a.lastUpdateTime !== undefined) slim.lastUpdateTime = a.lastUpdateTime;
  if (resource !== undefined || a.proposalSummary?.offerId !== undefined) {
    slim.proposalSummary = {
      ...(resource !== undefined ? { resources: [{ ...resource }] } : {}),
      ...(a.proposalSummary?.offerId !== undefined ? { offerId: a.proposalSummary.offerId } : {}),
    };
  }
  return slim;
}

export interface TenantParts {
  awsAccountId: string;
  agreements: readonly AgreementViewSummary[];
  details: ReadonlyMap<string, DescribeAgreementOutput>;
  account?: AccountRow;
  mailing?: AddressRow;
  tax?: AddressRow;
  /** payer account -> one billing event id that shows it paying for this account */
  payers: ReadonlyMap<string, string>;
  /** where the key was seen when neither an agreement nor the account feed names it */
  seenIn?: { source: string; recordId: string };
  retrievedAt: string;
}

/** The fields a TenantRecord can carry that AWS may not give; any absent one is listed in `missing`. */
export const OPTIONAL_TENANT_FIELDS = [
  'legalName',
  'displayName',
  'countryCode',
  'domain',
  'registrationIds',
] as const;

export function tenantOf(p: TenantParts): TenantRecord {
  const provenance: Provenance[] = [];
  const from = (field: string, source: string, recordId: string | undefined) =>
    provenance.push({
      field,
      source,
      ...(recordId !== undefined ? { recordId } : {}),
      retrievedAt: p.retrievedAt,
    });
  const record: TenantRecord = {
    cloud: 'aws',
    tenantKey: p.awsAccountId,
    accountIds: [p.awsAccountId],
    entitlements: [],
    links: [],
    provenance,
    missing: [],
    partner: 'aws',
  };
  const agreements = [...p.agreements].sort((a, b) => cmp(a.agreementId, b.agreementId));
  const first = agreements[0];
  if (first) from('tenantKey', SOURCES.search, first.agreementId);
  else if (p.account) from('tenantKey', SOURCES.account, p.account.accountId);
  else if (p.seenIn) from('tenantKey', p.seenIn.source, p.seenIn.recordId);
  for (const a of agreements) {
    const detail = a.agreementId ? p.details.get(a.agreementId) : undefined;
    record.entitlements.push(entitlementOf(a, detail));
    from('entitlements', detail ? SOURCES.describe : SOURCES.search, a.agreementId);
  }
  const acct = p.account;
  if (acct?.taxLegalName !== undefined) {
    record.legalName = acct.taxLegalName;
    from('legalName', SOURCES.account, acct.accountId);
  }
  if (acct?.taxRegistrationNumber !== undefined) {
    record.registrationIds = [{ scheme: 'aws-tax-registration', id: acct.taxRegistrationNumber }];
    from('registrationIds', SOURCES.account, acct.accountId);
  }
  // the mailing address names the company and its e-mail domain; the tax address is the legal seat
  const pick = <K extends 'companyName' | 'countryCode' | 'emailDomain'>(
    k: K,
    order: Array<AddressRow | undefined>,
  ) => order.find((a) => a?.[k] !== undefined);
  const named = pick('companyName', [p.mailing, p.tax]);
  if (named?.companyName !== undefined) {
    record.displayName = named.companyName;
    from('displayName', SOURCES.address, named.addressId);
  }
  const seated = pick('countryCode', [p.tax, p.mailing]);
  if (seated?.countryCode !== undefined) {
    record.countryCode = seated.countryCode;
    from('countryCode', SOURCES.address, seated.addressId);
  }
  const mailed = pick('emailDomain', [p.mailing, p.tax]);
  if (mailed?.emailDomain !== undefined) {
    record.domain = mailed.emailDomain;
    from('domain', SOURCES.address, mailed.addressId);
  }
  for (const [payer, eventId] of [...p.payers].sort((a, b) => cmp(a[0], b[0]))) {
    const link: ChannelLink = {
      cloud: 'aws',
      fromKey: payer,
      role: 'payer-of',
      toKey: p.awsAccountId,
      source: SOURCES.billing,
    };
    record.links.push(link);
    from('links', SOURCES.billing, eventId);
  }
  record.missing = OPTIONAL_TENANT_FIELDS.filter((f) => record[f] === undefined);
  if (record.entitlements.length === 0) record.missing.push('entitlements');
  record.missing.sort();
  return record;
}

/** Model ids for a usage line: the Bedrock model id when the product is mapped, else the product id. */
export function modelOf(
  productId: string,
  productModels: Readonly<Record<string, string>>,
  catalog?: ReadonlyMap<string, FoundationModelSummary>,
): { modelId: string; rawModelId: string } {
  const mapped = productModels[productId];
  if (mapped === undefined) return { modelId: productId, rawModelId: productId };
  // cross-region inference profiles prefix the model id with a geography ("us.", "eu.", "apac.", "global.")
  const base = mapped.replace(/^(us|eu|apac|us-gov|global)\./, '');
  const modelId = catalog && !catalog.has(mapped) && catalog.has(base) ? base : mapped;
  return { modelId, rawModelId: productId };
}

/** First instant of the month of `isoInstant`, and of the month after. */
export function monthOf(isoInstant: string): { start: string; end: string } {
  const d = new Date(isoInstant);
  const start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  return { start: start.toISOString(), end: end.toISOString() };
}

export interface UsageContext {
  productModels: Readonly<Record<string, string>>;
  catalog?: ReadonlyMap<string, FoundationModelSummary>;
}

/** A spend line from a billing event: only the seller's revenue share of an invoice is buyer spend. */
export function usageOfBillingEvent(row: BillingEventRow, ctx: UsageContext): UsageRecord | undefined {
  if (row.transactionType !== 'SELLER_REV_SHARE' || row.action !== 'INVOICED') return undefined;
  const { endUser } = buyerOf(row);
  if (endUser === undefined) return undefined;
  const period =
    row.usagePeriodStart !== undefined && row.usagePeriodEnd !== undefined
      ? { start: row.usagePeriodStart, end: row.usagePeriodEnd }
      : monthOf(row.invoiceDate);
  return {
    cloud: 'aws',
    tenantKey: endUser,
    ...modelOf(row.productId, ctx.productModels, ctx.catalog),
    dimension: 'spend',
    quantity: row.amount,
    unit: row.currency,
    currency: row.currency,
    periodStart: period.start,
    periodEnd: period.end,
    source: SOURCES.billing,
    lineId: row.billingEventId,
  };
}

/** An invoiced amount per agreement and billing month (a different dimension: it overlaps the feed's spend). */
export function usageOfInvoiceLine(
  item: AgreementInvoiceLineItemGroupSummary,
  agreement: AgreementViewSummary,
  ctx: UsageContext,
): UsageRecord | undefined {
  const acceptor = agreement.acceptor?.accountId;
  const period = item.invoiceBillingPeriod;
  const amount = Number(item.pricingCurrencyAmount?.amount);
  const currency = item.pricingCurrencyAmount?.currencyCode;
  if (!isAwsAccountId(acceptor) || !period?.year || !period.month || !Number.isFinite(amount) || !currency) {
    return undefined;
  }
  const start = new Date(Date.UTC(period.year, period.month - 1, 1)).toISOString();
  const product = agreement.proposalSummary?.resources?.[0]?.id ?? agreement.agreementId ?? '';
  const sign = item.invoiceType === 'CREDIT_MEMO' ? -1 : 1;
  return {
    cloud: 'aws',
    tenantKey: acceptor,
    ...modelOf(product, ctx.productModels, ctx.catalog),
    dimension: 'invoicedAmount',
    quantity: sign * Math.abs(amount),
    unit: currency,
    currency,
    periodStart: start,
    periodEnd: monthOf(start).end,
    source: SOURCES.invoices,
    lineId: `${agreement.agreementId ?? ''}/${item.invoiceId ?? ''}`,
  };
}

function cmp(a: string | undefined, b: string | undefined): number {
  return (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
}

// The tenant join's staged rows: what each source contributes to one account, in a JSON-safe shape
// (they pass through the spill sorter's files), and how one account's rows become TenantParts.
// No I/O. `at` is the instant that makes a row new for an incremental run: the feed file's
// LastModified, or the agreement's lastUpdateTime.
import type { AgreementViewSummary } from './client.ts';
import type { AccountRow, AddressRow, TenantParts } from './map.ts';
import { SOURCES, supersedes } from './map.ts';

/** A slim agreement with epoch-millisecond times instead of Dates. */
export interface StagedAgreement {
  agreementId?: string;
  acceptorAccountId?: string;
  status?: string;
  startTime?: number;
  endTime?: number;
  lastUpdateTime?: number;
  resource?: { id?: string; type?: string };
  offerId?: string;
}

export type Staged =
  | { t: 'account'; row: AccountRow; at: string }
  /** an address the account's rows refer to, the winning row of that address id; `at` its newest file */
  | { t: 'address'; row: AddressRow; at: string }
  /** the account appears in a billing event (as end user or payer) */
  | { t: 'billed'; eventId: string; at: string }
  | { t: 'payer'; payer: string; eventId: string; at: string }
  | { t: 'agreement'; a: StagedAgreement; at?: string };

/** Rows keyed by address id before the address join: a referring account, or an address row. */
export type StagedAddress = { t: 'ref'; awsAccountId: string } | { t: 'row'; row: AddressRow; at: string };

const ms = (d: Date | undefined) => (d === undefined ? undefined : d.getTime());
const date = (n: number | undefined) => (n === undefined ? undefined : new Date(n));

export function stageAgreement(a: AgreementViewSummary): StagedAgreement {
  const out: StagedAgreement = {};
  const set = <K extends keyof StagedAgreement>(k: K, v: StagedAgreement[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('agreementId', a.agreementId);
  set('acceptorAccountId', a.acceptor?.accountId);
  set('status', a.status);
  set('startTime', ms(a.startTime));
  set('endTime', ms(a.endTime));
  set('lastUpdateTime', ms(a.lastUpdateTime));
  const r = a.proposalSummary?.resources?.[0];
  if (r !== undefined)
    set('resource', { ...(r.id ? { id: r.id } : {}), ...(r.type ? { type: r.type } : {}) });
  set('offerId', a.proposalSummary?.offerId);
  return out;
}

/** The search summary again, as slimAgreement would have kept it. */
export function reviveAgreement(s: StagedAgreement): AgreementViewSummary {
  const out: AgreementViewSummary = {};
  if (s.agreementId !== undefined) out.agreementId = s.agreementId;
  if (s.acceptorAccountId !== undefined) out.acceptor = { accountId: s.acceptorAccountId };
  if (s.status !== undefined) out.status = s.status as AgreementViewSummary['status'];
  const start = date(s.startTime);
  const end = date(s.endTime);
  const updated = date(s.lastUpdateTime);
  if (start) out.startTime = start;
  if (end) out.endTime = end;
  if (updated) out.lastUpdateTime = updated;
  if (s.resource !== undefined || s.offerId !== undefined) {
    out.proposalSummary = {
      ...(s.resource !== undefined ? { resources: [{ ...s.resource }] } : {}),
      ...(s.offerId !== undefined ? { offerId: s.offerId } : {}),
    };
  }
  return out;
}

/** Marks an incremental run compares against: an account is emitted when any of its rows is newer. */
export interface Marks {
  agreements?: string;
  feeds?: string;
}

export interface JoinedAccount {
  parts: Omit<TenantParts, 'details' | 'retrievedAt'>;
  /** whether any row that shaped the record is newer than the marks */
  changed: (since: Marks) => boolean;
}

/** One account's staged rows (in the order they were read) → the parts of its tenant record. */
export function joinAccount(awsAccountId: string, rows: readonly Staged[]): JoinedAccount {
  let account: AccountRow | undefined;
  const addresses = new Map<string, { row: AddressRow; at: string }>();
  const payers = new Map<string, string>();
  const agreements: AgreementViewSummary[] = [];
  let billedBy: string | undefined;
  const feedTimes: string[] = [];
  const agreementTimes: string[] = [];
  for (const r of rows) {
    switch (r.t) {
      case 'account':
        // account rows may be new even when an older row wins: the original join marked them too
        feedTimes.push(r.at);
        if (supersedes(r.row, account)) account = r.row;
        break;
      case 'address':
        addresses.set(r.row.addressId, { row: r.row, at: r.at });
        break;
      case 'billed':
        billedBy ??= r.eventId;
        feedTimes.push(r.at);
        break;
      case 'payer':
        if (!payers.has(r.payer)) payers.set(r.payer, r.eventId);
        feedTimes.push(r.at);
        break;
      case 'agreement':
        agreements.push(reviveAgreement(r.a));
        if (r.at !== undefined) agreementTimes.push(r.at);
        break;
    }
  }
  const mailing = account?.mailingAddressId ? addresses.get(account.mailingAddressId) : undefined;
  const tax = account?.taxAddressId ? addresses.get(account.taxAddressId) : undefined;
  // only the addresses the winning account row names count; `at` is the newest of their rows
  for (const a of [mailing, tax]) if (a) feedTimes.push(a.at);
  const parts: JoinedAccount['parts'] = {
    awsAccountId,
    agreements,
    ...(account ? { account } : {}),
    ...(mailing ? { mailing: mailing.row } : {}),
    ...(tax ? { tax: tax.row } : {}),
    payers,
    ...(billedBy !== undefined ? { seenIn: { source: SOURCES.billing, recordId: billedBy } } : {}),
  };
  return {
    parts,
    changed: (since) =>
      agreementTimes.some((t) => t > (since.agreements ?? '')) ||
      feedTimes.some((t) => t > (since.feeds ?? '')),
  };
}

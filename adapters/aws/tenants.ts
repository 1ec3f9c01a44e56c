// Tenants: one record per buyer AWS account, joining the Agreement API with the account, address
// and billing-event feeds. The sources are unsorted, so the join keeps compact per-account indexes
// (bounded by the number of accounts, not by rows read); records are then built and yielded a page
// at a time, DescribeAgreement running only for the agreements of the page being built.
import pLimit from 'p-limit';
import type { ListOptions, Page, TenantRecord } from '../../src/adapter.ts';
import type { Logger } from '../../src/log.ts';
import type { AgreementViewSummary, AwsClient, DescribeAgreementOutput, FeedFile } from './client.ts';
import type { AwsConfig } from './config.ts';
import { formatCursor, later, parseTenantCursor } from './cursor.ts';
import { readFeed } from './feeds.ts';
import type { FeedRow } from './feeds.ts';
import type { AccountRow, AddressRow, Parsed } from './map.ts';
import {
  SOURCES,
  buyerOf,
  isAwsAccountId,
  parseAccountRow,
  parseAddressRow,
  parseBillingEventRow,
  slimAgreement,
  supersedes,
  tenantOf,
} from './map.ts';

export const TENANT_SOURCE = 'aws/tenants';

export interface RunDeps {
  logger: Logger;
  clock: () => Date;
}

interface Index {
  accounts: Map<string, AccountRow>;
  addresses: Map<string, AddressRow>;
  /** end user -> payer -> a billing event id showing it */
  payers: Map<string, Map<string, string>>;
  /** accounts seen only in the billing feed -> a billing event id */
  billed: Map<string, string>;
  agreements: Map<string, AgreementViewSummary[]>;
  /** accounts with something new since the cursor (only kept when a cursor was given) */
  touched: Set<string>;
  feedsMark: string | undefined;
  agreementsMark: string | undefined;
}

export async function* listTenants(
  client: AwsClient,
  config: AwsConfig,
  deps: RunDeps,
  options: ListOptions = {},
): AsyncGenerator<Page<TenantRecord>> {
  const cursor = parseTenantCursor(options.cursor);
  const signal = options.signal;
  const retrievedAt = deps.clock().toISOString();
  const log = deps.logger.child({ source: TENANT_SOURCE });
  const idx: Index = {
    accounts: new Map(),
    addresses: new Map(),
    payers: new Map(),
    billed: new Map(),
    agreements: new Map(),
    touched: new Set(),
    feedsMark: undefined,
    agreementsMark: undefined,
  };
  const isNew = (file: FeedFile) =>
    cursor !== undefined && file.lastModified.toISOString() > (cursor.feeds ?? '');
  const onFile = (file: FeedFile) => {
    idx.feedsMark = later(idx.feedsMark, file.lastModified.toISOString());
  };
  let rejected = 0;
  const parsed = <T>(row: FeedRow, result: Parsed<T>): T | undefined => {
    if (result.ok) return result.value;
    rejected++;
    log.warn('feed row rejected', {
      file: row.file.key,
      line: row.line,
      field: result.field,
      reason: result.reason,
    });
    return undefined;
  };

  // 1. account feed: the latest valid row per account wins (bi-temporal history)
  for await (const row of readFeed(client, 'account', signal, tap(onFile))) {
    const acct = parsed(row, parseAccountRow(row.values));
    if (!acct) continue;
    if (supersedes(acct, idx.accounts.get(acct.awsAccountId))) idx.accounts.set(acct.awsAccountId, acct);
    if (isNew(row.file)) idx.touched.add(acct.awsAccountId);
  }
  // 2. address feed: only addresses an account refers to are kept
  const wanted = new Map<string, string[]>();
  for (const a of idx.accounts.values()) {
    for (const id of new Set([a.mailingAddressId, a.taxAddressId])) {
      if (id === undefined) continue;
      const list = wanted.get(id);
      if (list) list.push(a.awsAccountId);
      else wanted.set(id, [a.awsAccountId]);
    }
  }
  for await (const row of readFeed(client, 'address', signal, tap(onFile))) {
    const addr = parsed(row, parseAddressRow(row.values));
    if (!addr || !wanted.has(addr.addressId)) continue;
    if (supersedes(addr, idx.addresses.get(addr.addressId))) idx.addresses.set(addr.addressId, addr);
    if (isNew(row.file)) for (const key of wanted.get(addr.addressId) ?? []) idx.touched.add(key);
  }
  // 3. billing-event feed: payer-of links, and buyers the other sources do not name
  for await (const row of readFeed(client, 'billing-event', signal, tap(onFile))) {
    const ev = parsed(row, parseBillingEventRow(row.values));
    if (!ev) continue;
    const { endUser, payer } = buyerOf(ev);
    if (endUser === undefined) continue;
    if (!idx.billed.has(endUser)) idx.billed.set(endUser, ev.billingEventId);
    if (payer !== undefined) {
      const of = idx.payers.get(endUser) ?? new Map<string, string>();
      if (!of.has(payer)) of.set(payer, ev.billingEventId);
      idx.payers.set(endUser, of);
      if (!idx.billed.has(payer)) idx.billed.set(payer, ev.billingEventId);
    }
    if (isNew(row.file)) {
      idx.touched.add(endUser);
      if (payer !== undefined) idx.touched.add(payer);
    }
  }
  // 4. agreements: a full scan (1 call per page); the cursor decides which tenants changed
  for await (const page of client.searchAgreements({}, signal)) {
    for (const a of page) {
      const acceptor = a.acceptor?.accountId;
      if (!isAwsAccountId(acceptor) || a.agreementId === undefined) {
        rejected++;
        log.warn('agreement without a valid acceptor account id', { agreementId: a.agreementId });
        continue;
      }
      const list = idx.agreements.get(acceptor) ?? [];
      list.push(slimAgreement(a));
      idx.agreements.set(acceptor, list);
      const updated = a.lastUpdateTime?.toISOString();
      idx.agreementsMark = later(idx.agreementsMark, updated);
      if (cursor !== undefined && updated !== undefined && updated > (cursor.agreements ?? ''))
        idx.touched.add(acceptor);
    }
  }

  const keys = new Set<string>([...idx.agreements.keys(), ...idx.accounts.keys(), ...idx.billed.keys()]);
  const emit = [...keys].filter((k) => cursor === undefined || idx.touched.has(k)).sort();
  const nextCursor = formatCursor({
    agreements: later(cursor?.agreements, idx.agreementsMark),
    feeds: later(cursor?.feeds, idx.feedsMark),
  });
  log.info('tenants joined', {
    accounts: keys.size,
    emitting: emit.length,
    incremental: cursor !== undefined,
    rejectedRows: rejected,
  });

  const limit = pLimit(config.concurrency);
  for (let i = 0; i < emit.length || i === 0; i += config.recordsPerPage) {
    const chunk = emit.slice(i, i + config.recordsPerPage);
    const details = new Map<string, DescribeAgreementOutput>();
    if (config.describeAgreements) {
      const ids = chunk.flatMap((k) => (idx.agreements.get(k) ?? []).map((a) => a.agreementId ?? ''));
      try {
        await Promise.all(
          ids.map((id) =>
            limit(async () => {
              details.set(id, await client.describeAgreement(id, signal));
            }),
          ),
        );
      } catch (err) {
        limit.clearQueue(); // one failure fails the page: do not send the calls still queued
        throw err;
      }
    }
    const items = chunk.map((key) => buildTenant(idx, key, details, retrievedAt));
    const last = i + config.recordsPerPage >= emit.length;
    yield { source: TENANT_SOURCE, items, ...(last ? { cursor: nextCursor } : {}) };
  }
}

function buildTenant(
  idx: Index,
  key: string,
  details: ReadonlyMap<string, DescribeAgreementOutput>,
  retrievedAt: string,
): TenantRecord {
  const account = idx.accounts.get(key);
  const mailing = account?.mailingAddressId ? idx.addresses.get(account.mailingAddressId) : undefined;
  const tax = account?.taxAddressId ? idx.addresses.get(account.taxAddressId) : undefined;
  const billedBy = idx.billed.get(key);
  return tenantOf({
    awsAccountId: key,
    agreements: idx.agreements.get(key) ?? [],
    details,
    ...(account ? { account } : {}),
    ...(mailing ? { mailing } : {}),
    ...(tax ? { tax } : {}),
    payers: idx.payers.get(key) ?? new Map(),
    ...(billedBy !== undefined ? { seenIn: { source: SOURCES.billing, recordId: billedBy } } : {}),
    retrievedAt,
  });
}

/** A keep-all filter that also notes each file (for the feeds high-water mark). */
function tap(onFile: (f: FeedFile) => void): (f: FeedFile) => boolean {
  return (f) => {
    onFile(f);
    return true;
  };
}

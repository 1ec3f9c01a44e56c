// Tenants: one record per buyer AWS account, joining the Agreement API with the account, address
// and billing-event feeds. The sources are unsorted, so every row read is staged in a spill sorter
// keyed by account (addresses first by address id, to reach the accounts that name them); the
// sorted stream then gives each account's rows together, and records are built and yielded a
// page at a time, DescribeAgreement running only for the agreements of the page being built.
// Memory is bounded by the sorter's run size and one page, not by the number of accounts.
import pLimit from 'p-limit';
import type { ListOptions, Page, TenantRecord } from '../../src/adapter.ts';
import type { Logger } from '../../src/log.ts';
import { createSpillSorter, groupByKey } from '../../src/sync/spill-sort.ts';
import type { SpillOptions, SpillSorter } from '../../src/sync/spill-sort.ts';
import type { AwsClient, DescribeAgreementOutput, FeedFile } from './client.ts';
import type { AwsConfig } from './config.ts';
import { formatCursor, later, parseTenantCursor, type TenantCursor } from './cursor.ts';
import { readFeed } from './feeds.ts';
import type { FeedRow } from './feeds.ts';
import {
  joinAccount,
  stageAgreement,
  type JoinedAccount,
  type Marks,
  type Staged,
  type StagedAddress,
} from './join.ts';
import type { AddressRow, Parsed } from './map.ts';
import {
  buyerOf,
  isAwsAccountId,
  parseAccountRow,
  parseAddressRow,
  parseBillingEventRow,
  supersedes,
  tenantOf,
} from './map.ts';

export const TENANT_SOURCE = 'aws/tenants';

export interface RunDeps {
  logger: Logger;
  clock: () => Date;
  /** where and how much the tenant join spills to disk */
  spill?: SpillOptions;
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
  const byAccount = createSpillSorter<Staged>(deps.spill);
  const byAddress = createSpillSorter<StagedAddress>(deps.spill);
  try {
    const run = await stage(client, byAccount, byAddress, log, signal);
    const runMarks = {
      agreements: later(later(cursor?.agreements, cursor?.partial?.agreements), run.agreements),
      feeds: later(later(cursor?.feeds, cursor?.partial?.feeds), run.feeds),
    };
    const finalCursor = formatCursor({
      agreements: later(cursor?.agreements, runMarks.agreements),
      feeds: later(cursor?.feeds, runMarks.feeds),
    });
    const baseMarks = { agreements: cursor?.agreements, feeds: cursor?.feeds };
    const fromStart = cursor === undefined || cursor.partial?.fromStart === true;
    // the cursor after a page that is not the last: the base marks stay, the partial says how far
    const pageCursor = (lastKey: string) => {
      const kept = cursor?.partial;
      const partial: NonNullable<TenantCursor['partial']> =
        kept !== undefined && lastKey <= kept.after
          ? kept
          : {
              after: lastKey,
              ...(runMarks.agreements !== undefined ? { agreements: runMarks.agreements } : {}),
              ...(runMarks.feeds !== undefined ? { feeds: runMarks.feeds } : {}),
              ...(fromStart ? { fromStart: true as const } : {}),
            };
      return formatCursor(baseMarks, partial);
    };
    const wanted = (key: string, joined: JoinedAccount): boolean => {
      if (cursor === undefined) return true;
      const p = cursor.partial;
      if (p !== undefined && key <= p.after) return joined.changed(marksOf(p));
      if (fromStart) return true;
      return joined.changed(marksOf(baseMarks));
    };

    const limit = pLimit(config.concurrency);
    let accounts = 0;
    let emitted = 0;
    let chunk: Array<{ key: string; joined: JoinedAccount }> = [];
    let held: Page<TenantRecord> | undefined;
    for await (const { key, values } of groupByKey(byAccount.drain())) {
      accounts++;
      const joined = joinAccount(key, values);
      if (!wanted(key, joined)) continue;
      chunk.push({ key, joined });
      if (chunk.length < config.recordsPerPage) continue;
      // a page is handed out once the next one has a record: the last page carries the final cursor
      if (held) yield held;
      held = await buildPage(client, config, limit, chunk, retrievedAt, signal);
      emitted += chunk.length;
      held.cursor = pageCursor(chunk[chunk.length - 1]!.key);
      chunk = [];
    }
    if (chunk.length > 0) {
      if (held) yield held;
      held = await buildPage(client, config, limit, chunk, retrievedAt, signal);
      emitted += chunk.length;
    }
    log.info('tenants joined', {
      accounts,
      emitting: emitted,
      incremental: cursor !== undefined,
      rejectedRows: run.rejected,
      spilledRuns: byAccount.stats.runs + byAddress.stats.runs,
      stagedInMemoryPeak: Math.max(byAccount.stats.peakInMemory, byAddress.stats.peakInMemory),
    });
    yield { ...(held ?? { source: TENANT_SOURCE, items: [] }), cursor: finalCursor };
  } finally {
    await Promise.all([byAccount.dispose(), byAddress.dispose()]);
  }
}

const marksOf = (m: { agreements?: string | undefined; feeds?: string | undefined }): Marks => ({
  ...(m.agreements !== undefined ? { agreements: m.agreements } : {}),
  ...(m.feeds !== undefined ? { feeds: m.feeds } : {}),
});

async function buildPage(
  client: AwsClient,
  config: AwsConfig,
  limit: ReturnType<typeof pLimit>,
  chunk: ReadonlyArray<{ key: string; joined: JoinedAccount }>,
  retrievedAt: string,
  signal: AbortSignal | undefined,
): Promise<Page<TenantRecord>> {
  const details = new Map<string, DescribeAgreementOutput>();
  if (config.describeAgreements) {
    const ids = chunk.flatMap((c) => c.joined.parts.agreements.map((a) => a.agreementId ?? ''));
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
  const items = chunk.map((c) => tenantOf({ ...c.joined.parts, details, retrievedAt }));
  return { source: TENANT_SOURCE, items };
}

/** Reads every source once into the sorters; returns this run's high-water marks. */
async function stage(
  client: AwsClient,
  byAccount: SpillSorter<Staged>,
  byAddress: SpillSorter<StagedAddress>,
  log: Logger,
  signal: AbortSignal | undefined,
): Promise<{ agreements?: string; feeds?: string; rejected: number }> {
  let feedsMark: string | undefined;
  let agreementsMark: string | undefined;
  const onFile = (file: FeedFile) => {
    feedsMark = later(feedsMark, file.lastModified.toISOString());
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
  const at = (row: FeedRow) => row.file.lastModified.toISOString();

  // 1. account feed: every row (the latest valid one per account wins when joined)
  for await (const row of readFeed(client, 'account', signal, tap(onFile))) {
    const acct = parsed(row, parseAccountRow(row.values));
    if (!acct) continue;
    await byAccount.add(acct.awsAccountId, { t: 'account', row: acct, at: at(row) });
    for (const id of new Set([acct.mailingAddressId, acct.taxAddressId])) {
      if (id !== undefined) await byAddress.add(id, { t: 'ref', awsAccountId: acct.awsAccountId });
    }
  }
  // 2. address feed, joined on address id to the accounts that name it
  for await (const row of readFeed(client, 'address', signal, tap(onFile))) {
    const addr = parsed(row, parseAddressRow(row.values));
    if (addr) await byAddress.add(addr.addressId, { t: 'row', row: addr, at: at(row) });
  }
  for await (const { values } of groupByKey(byAddress.drain())) {
    let winner: AddressRow | undefined;
    let newest = '';
    const refs = new Set<string>();
    for (const v of values) {
      if (v.t === 'ref') refs.add(v.awsAccountId);
      else {
        if (supersedes(v.row, winner)) winner = v.row;
        if (v.at > newest) newest = v.at;
      }
    }
    if (!winner) continue;
    for (const key of refs) await byAccount.add(key, { t: 'address', row: winner, at: newest });
  }
  // 3. billing-event feed: payer-of links, and buyers the other sources do not name
  for await (const row of readFeed(client, 'billing-event', signal, tap(onFile))) {
    const ev = parsed(row, parseBillingEventRow(row.values));
    if (!ev) continue;
    const { endUser, payer } = buyerOf(ev);
    if (endUser === undefined) continue;
    const when = at(row);
    await byAccount.add(endUser, { t: 'billed', eventId: ev.billingEventId, at: when });
    if (payer !== undefined) {
      await byAccount.add(endUser, { t: 'payer', payer, eventId: ev.billingEventId, at: when });
      await byAccount.add(payer, { t: 'billed', eventId: ev.billingEventId, at: when });
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
      const updated = a.lastUpdateTime?.toISOString();
      agreementsMark = later(agreementsMark, updated);
      await byAccount.add(acceptor, {
        t: 'agreement',
        a: stageAgreement(a),
        ...(updated !== undefined ? { at: updated } : {}),
      });
    }
  }
  return {
    ...(agreementsMark !== undefined ? { agreements: agreementsMark } : {}),
    ...(feedsMark !== undefined ? { feeds: feedsMark } : {}),
    rejected,
  };
}

/** A keep-all filter that also notes each file (for the feeds high-water mark). */
function tap(onFile: (f: FeedFile) => void): (f: FeedFile) => boolean {
  return (f) => {
    onFile(f);
    return true;
  };
}

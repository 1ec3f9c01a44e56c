// Tenants: procurement accounts page by page; each page's entitlements fetched with one OR filter
// per chunk of accounts, and the Customer Insights row joined on the account id. Memory stays at
// one page plus the insights index's sparse keys (the rows themselves wait on disk).
import type { ListOptions, Page, TenantRecord } from '../../src/adapter.ts';
import { AdapterError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import { API_ACCOUNTS, type AccountPage, type ProcurementClient, type RawEntitlement } from './client.ts';
import type { GcpConfig } from './config.ts';
import { buildTenantRecord, parseAccountName, SOURCE_ACCOUNTS, type InsightsInfo } from './map.ts';
import type { InsightsIndex } from './insights-index.ts';
import { loadInsights } from './reports.ts';
import type { SpillOptions } from '../../src/sync/spill-sort.ts';

export interface TenantsContext {
  config: GcpConfig;
  client: ProcurementClient;
  logger: Logger;
  clock: () => Date;
  /** where the Customer Insights index is sorted and kept (default: the OS temp folder) */
  spill?: SpillOptions;
}

const CURSOR_PREFIX = 'accounts:';
export const CURSOR_DONE = `${CURSOR_PREFIX}done`;

/** `accounts:<pageToken>` resumes an interrupted listing; `accounts:done` or nothing starts a new one. */
function resumeToken(cursor: string | undefined, logger: Logger): string | undefined {
  if (cursor === undefined || cursor === CURSOR_DONE) return undefined;
  if (cursor.startsWith(CURSOR_PREFIX) && cursor.length > CURSOR_PREFIX.length)
    return cursor.slice(CURSOR_PREFIX.length);
  logger.warn('unknown tenants cursor; listing from the start', { cloud: 'gcp' });
  return undefined;
}

/** Google's filter syntax wants values with characters other than letters, digits and `_` quoted. */
export function accountFilter(accountIds: readonly string[]): string {
  return accountIds.map((id) => `account="${id.replace(/(["\\])/g, '\\$1')}"`).join(' OR ');
}

export async function* gcpTenantPages(
  ctx: TenantsContext,
  options: ListOptions = {},
): AsyncGenerator<Page<TenantRecord>> {
  const { config, client, logger } = ctx;
  let insights: InsightsIndex | undefined;
  if (config.reportsDir !== undefined)
    insights = await loadInsights(config.reportsDir, logger, ctx.spill ? { spill: ctx.spill } : {});
  else
    logger.info('no reportsDir: names, countries, domains and billing accounts will be listed as missing', {
      cloud: 'gcp',
    });
  const pageToken = resumeToken(options.cursor, logger);
  const signal = options.signal;
  // Entitlements of the next accounts page are fetched while this page's are still arriving, so the
  // rate limiter, not the round trips, sets the pace. Pages are handed over in order, and the pages
  // read before a failure are all handed over before it.
  const building: Array<Promise<Page<TenantRecord>>> = [];
  const pages = client.accountPages({
    ...(pageToken !== undefined ? { pageToken } : {}),
    ...(signal ? { signal } : {}),
  });
  try {
    for (;;) {
      let next: IteratorResult<AccountPage>;
      try {
        next = await pages.next();
      } catch (error) {
        // the listing failed: the pages already read go first (a built page's own failure is thrown
        // in its turn, and stops the stream there, so no later page's cursor passes it)
        while (building.length > 0) yield await building.shift()!;
        throw error;
      }
      if (next.done) break;
      const built = buildPage(ctx, insights, next.value, signal);
      built.catch(() => {}); // observed in its turn
      building.push(built);
      if (building.length > PAGES_AHEAD) yield await building.shift()!;
    }
    while (building.length > 0) yield await building.shift()!;
  } finally {
    // stopped early: the request sent ahead is dropped
    await pages.return(undefined);
    await insights?.close();
  }
}

/** Accounts pages whose entitlements are fetched while an earlier page's are awaited. */
const PAGES_AHEAD = 1;

async function buildPage(
  ctx: TenantsContext,
  insights: InsightsIndex | undefined,
  page: AccountPage,
  signal: AbortSignal | undefined,
): Promise<Page<TenantRecord>> {
  const { config } = ctx;
  const ids: string[] = [];
  for (const account of page.accounts) {
    const parsed = parseAccountName(account.name);
    if (!parsed || (parsed.providerId !== undefined && parsed.providerId !== config.providerId)) {
      throw new AdapterError(`unexpected account name ${JSON.stringify(account.name)}`, {
        cloud: 'gcp',
        api: API_ACCOUNTS,
        fault: 'server',
        retryable: false,
        code: 'BadPayload',
      });
    }
    ids.push(parsed.accountId);
  }
  const [byAccount, found] = await Promise.all([
    entitlementsOf(ctx, ids, signal),
    insights ? insights.get(ids) : new Map<string, InsightsInfo>(),
  ]);
  const retrievedAt = ctx.clock().toISOString();
  const items = page.accounts.map((account, i) =>
    buildTenantRecord({
      account,
      entitlements: byAccount.get(ids[i]!) ?? [],
      ...(found.has(ids[i]!) ? { insights: found.get(ids[i]!)! } : {}),
      retrievedAt,
    }),
  );
  return {
    source: SOURCE_ACCOUNTS,
    items,
    cursor: page.nextPageToken ? CURSOR_PREFIX + page.nextPageToken : CURSOR_DONE,
  };
}

async function entitlementsOf(
  ctx: TenantsContext,
  ids: string[],
  signal?: AbortSignal,
): Promise<Map<string, RawEntitlement[]>> {
  const out = new Map<string, RawEntitlement[]>();
  const wanted = new Set(ids);
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += ctx.config.accountsPerEntitlementCall)
    chunks.push(ids.slice(i, i + ctx.config.accountsPerEntitlementCall));
  // the chunks' calls go out together (the limiter spaces them); an account's entitlements all
  // come from its own chunk, in that chunk's order
  await Promise.all(chunks.map((chunk) => collectEntitlements(ctx, chunk, wanted, out, signal)));
  return out;
}

async function collectEntitlements(
  ctx: TenantsContext,
  chunk: string[],
  wanted: ReadonlySet<string>,
  out: Map<string, RawEntitlement[]>,
  signal?: AbortSignal,
): Promise<void> {
  for await (const list of ctx.client.entitlementPages(accountFilter(chunk), signal)) {
    for (const e of list) {
      const owner = e.account === undefined ? undefined : parseAccountName(e.account)?.accountId;
      if (owner === undefined || !wanted.has(owner)) {
        // The filter named these accounts only; anything else is the server's mistake, not ours to file.
        ctx.logger.warn('entitlement outside the requested accounts ignored', {
          cloud: 'gcp',
          entitlement: e.name,
        });
        continue;
      }
      const list2 = out.get(owner);
      if (list2) list2.push(e);
      else out.set(owner, [e]);
    }
  }
}

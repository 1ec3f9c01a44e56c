// One partner's tenants, in batches: match each tenant and its channel parties to legal entities,
// evaluate the entities they need, take the worst of the parties, apply the reviewers'
// determinations, and write the outcome (with the exception row a report will show) to the store.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChannelLink, Cloud } from '../adapter.ts';
import type { Decision, OwnershipGraph } from '../evaluator/index.ts';
import type { Logger } from '../log.ts';
import type { LoadedOwnership, PreparedDecisions } from '../ownership/load.ts';
import {
  decideTenant,
  matchTenant,
  type ChannelPartyMatch,
  type EntityIndex,
  type MatchResult,
  type MatcherPool,
  type TenantDecision,
} from '../resolve/index.ts';
import {
  applyDeterminations,
  applyMatchDeterminations,
  evidenceHashOfIds,
  needsReview,
  recordLapses,
  recordOutcomes,
  reviewItemFromDecision,
  tenantSubject,
  upsertReviewItems,
  type Determination,
  type DeterminationContext,
  type Lapse,
  type ReviewItemInput,
} from '../review/index.ts';
import { getTenant, streamTenantPages, type Db, type StoredTenant } from '../store/index.ts';
import { readAhead } from '../sync/read-ahead.ts';
import { exceptionRow } from './exception-row.ts';
import type { ExceptionSpill } from './exception-spill.ts';

export interface PartnerDecideContext {
  db: Db;
  runId: string;
  partner: Cloud;
  loaded: LoadedOwnership;
  /** the decisions of the loaded graph, solved once for the whole run */
  decisions: PreparedDecisions;
  index: EntityIndex;
  /** matches the tenants of a batch (on worker threads over the same index) */
  matcher: MatcherPool;
  determinations: readonly Determination[];
  /** ISO-8601 */
  now: string;
  period: { start: string; end: string };
  stale: boolean;
  logger: Logger;
  batchSize: number;
  /** where this partner's exception rows go, in stream order, for the report */
  exceptions: ExceptionSpill;
}

export interface PartnerDecideResult {
  tenants: number;
  restricted: number;
  review: number;
  allowed: number;
  unresolved: number;
  lapsed: number;
}

/** Link roles whose far end stands in the tenant's channel chain (it pays, or it resold). */
const CHANNEL_ROLES: Readonly<Record<string, string>> = {
  'payer-of': 'payer',
  'reseller-of': 'reseller',
  'purchaser-of': 'reseller',
};

/** tenants per store read */
const TENANT_PAGE = 2000;
/**
 * tenants decided between two turns of the event loop: the previous batch's writes are statements
 * sent one after another from this thread, so each waits for a turn here; without turns the
 * database thread would sit idle while a batch is decided, and the pipeline would run in series
 */
const TURN_EVERY = 64;
/** entities whose decisions are read from the solve between two turns */
const DECIDE_SLICE = 256;

const UNDESCRIBED: MatchResult = {
  status: 'unresolved',
  score: 0,
  candidates: [],
  explanation: ['the channel party is known only by its id: no source describes it'],
  refused: [],
};

export async function decidePartner(ctx: PartnerDecideContext): Promise<PartnerDecideResult> {
  const result: PartnerDecideResult = {
    tenants: 0,
    restricted: 0,
    review: 0,
    allowed: 0,
    unresolved: 0,
    lapsed: 0,
  };
  const channelCache = new Map<string, MatchResult>();
  // A pipeline of three: batch N+1 is matched (on the matcher threads) while batch N is decided
  // here and batch N-1 is written (by the database thread). Each stage starts before this thread
  // waits on another, so none waits for this thread's share of the work.
  let matching: { tenants: StoredTenant[]; owns: Promise<MatchResult[]> } | undefined;
  let decided: DecidedBatch | undefined;
  const step = async (batch: StoredTenant[]) => {
    const matched = matching;
    matching = undefined;
    if (batch.length > 0) {
      const owns = ctx.matcher.matchMany(batch);
      owns.catch(() => {}); // awaited next step; a failure meanwhile is not unhandled
      matching = { tenants: batch, owns };
    }
    const writing = decided ? writeBatch(ctx, decided, result) : undefined;
    decided = undefined;
    try {
      if (matched)
        decided = await decideBatch(ctx, matched.tenants, await matched.owns, channelCache, result);
    } finally {
      await writing;
    }
  };
  let batch: StoredTenant[] = [];
  // The next pages are read while this batch is decided (at most one batch held ahead). Read ahead
  // by pages: one promise per page, not one per tenant.
  const pageSize = Math.min(TENANT_PAGE, ctx.batchSize);
  for await (const page of readAhead(
    streamTenantPages(ctx.db, ctx.partner, { pageSize }),
    Math.ceil(ctx.batchSize / pageSize),
  )) {
    for (const tenant of page) {
      batch.push(tenant);
      if (batch.length >= ctx.batchSize) {
        await step(batch);
        batch = [];
      }
    }
  }
  // the last batch, then the stages drain: its decisions, then its writes
  await step(batch);
  await step([]);
  await step([]);
  return result;
}

async function channelMatch(
  ctx: PartnerDecideContext,
  cloud: Cloud,
  key: string,
  cache: Map<string, MatchResult>,
) {
  const cacheKey = `${cloud}\u0000${key}`;
  let m = cache.get(cacheKey);
  if (m === undefined) {
    const party = await getTenant(ctx.db, cloud, key);
    m = party ? matchTenant(ctx.index, party) : UNDESCRIBED;
    m = applyMatchDeterminations(tenantSubject(cloud, key), m, ctx.determinations, dctx(ctx)).match;
    // Channel parties are few (payers, resellers); the cache is bounded by that, not by tenants.
    if (cache.size > 100_000) cache.clear();
    cache.set(cacheKey, m);
  }
  return m;
}

function channelParties(tenant: StoredTenant): ChannelLink[] {
  return tenant.links
    .filter((l) => CHANNEL_ROLES[l.role] !== undefined && l.fromKey !== tenant.tenantKey)
    .sort((a, b) => (a.role + a.fromKey < b.role + b.fromKey ? -1 : 1));
}

function dctx(ctx: PartnerDecideContext, hashes?: Map<string, string>): DeterminationContext {
  return { now: ctx.now, evidenceHash: (subject) => hashes?.get(subject) };
}

/** A batch decided in memory, waiting to be written. */
interface DecidedBatch {
  rows: Array<{ tenantKey: string; decision: string; entityId: string | null; reasons: string }>;
  reviewItems: ReviewItemInput[];
  outcomes: Array<{ subject: string; decision: TenantDecision['decision']; reasons: string[] }>;
  flagged: string[];
  restricted: string[];
  cleared: string[];
  exceptions: Array<{ tenant: StoredTenant; td: TenantDecision<Decision> }>;
  lapses: Lapse[];
}

async function decideBatch(
  ctx: PartnerDecideContext,
  tenants: StoredTenant[],
  owns: MatchResult[],
  cache: Map<string, MatchResult>,
  result: PartnerDecideResult,
): Promise<DecidedBatch> {
  // 1. Matches, for the tenant (`owns`, from the matcher threads) and for every channel party
  // that stands behind it.
  const matched = [];
  const needed = new Set<string>();
  for (const [i, tenant] of tenants.entries()) {
    if (i > 0 && i % TURN_EVERY === 0) await nextTurn();
    const subject = tenantSubject(tenant.cloud, tenant.tenantKey);
    const own = applyMatchDeterminations(subject, owns[i]!, ctx.determinations, dctx(ctx)).match;
    const parties: ChannelPartyMatch[] = [];
    for (const link of channelParties(tenant)) {
      parties.push({
        role: CHANNEL_ROLES[link.role]!,
        key: link.fromKey,
        match: await channelMatch(ctx, tenant.cloud, link.fromKey, cache),
      });
    }
    for (const m of [own, ...parties.map((p) => p.match)]) {
      if (m.entityId !== undefined) needed.add(m.entityId);
      for (const c of m.candidates) needed.add(c.entityId);
    }
    matched.push({ tenant, own, parties });
  }
  // 2. Decisions for exactly the entities this batch needs, read from the run's one solve of the graph.
  const decisions = new Map<string, Decision>();
  const ids = [...needed];
  for (let at = 0; at < ids.length; at += DECIDE_SLICE) {
    if (at > 0) await nextTurn();
    for (const d of ctx.decisions.decide(ids.slice(at, at + DECIDE_SLICE))) decisions.set(d.id, d);
  }

  // 3. Tenant decisions, determinations, evidence; the rows to write.
  const out: DecidedBatch = {
    rows: [],
    reviewItems: [],
    outcomes: [],
    flagged: [],
    restricted: [],
    cleared: [],
    exceptions: [],
    lapses: [],
  };
  const { rows, reviewItems, outcomes, flagged, restricted, cleared, exceptions, lapses } = out;
  for (const [i, { tenant, own, parties }] of matched.entries()) {
    if (i > 0 && i % TURN_EVERY === 0) await nextTurn();
    const automatic = decideTenant(tenant, own, decisions, parties);
    const entityIds = automatic.parties.flatMap((p) => (p.entityId !== undefined ? [p.entityId] : []));
    const candidates: string[] = [];
    for (const m of [own, ...parties.map((p) => p.match)])
      for (const c of m.candidates) candidates.push(c.entityId);
    const evidence = evidenceHashOfIds(decisionEvidence(ctx.loaded.graph, decisions, entityIds), candidates);
    const subject = tenantSubject(tenant.cloud, tenant.tenantKey);
    const hashes = new Map([[subject, evidence]]);
    const applied = applyDeterminations(automatic, ctx.determinations, dctx(ctx, hashes));
    lapses.push(...applied.lapsed);
    const td = applied.decision;
    if (ctx.stale) td.reasons = [...td.reasons, 'stale-source'];
    result.tenants++;
    result[td.decision]++;
    if (own.status !== 'matched') result.unresolved++;
    if (needsReview(td)) reviewItems.push(reviewItemFromDecision(td, own, evidence));
    outcomes.push({ subject, decision: td.decision, reasons: td.reasons });
    if (td.decision === 'allowed') cleared.push(tenant.tenantKey);
    else {
      flagged.push(tenant.tenantKey);
      if (td.decision === 'restricted') restricted.push(tenant.tenantKey);
      exceptions.push({ tenant, td });
    }
    rows.push({
      tenantKey: tenant.tenantKey,
      decision: td.decision,
      entityId: td.entityId ?? null,
      reasons: JSON.stringify(td.reasons),
    });
  }
  return out;
}

/** Writes a decided batch: flags, decisions, exception rows, lapses, review items, outcomes. */
async function writeBatch(ctx: PartnerDecideContext, b: DecidedBatch, result: PartnerDecideResult) {
  const { rows, reviewItems, outcomes, flagged, restricted, cleared, exceptions, lapses } = b;
  const reports = await ctx.db.transaction(async (tx) => {
    // First-flagged dates: kept while a tenant stays flagged, dropped when it comes back allowed.
    if (flagged.length > 0)
      await tx.query(
        `INSERT INTO tenant_flags (partner, tenant_key, first_flagged_at)
         SELECT $1, k, $2 FROM unnest($3::text[]) AS k ON CONFLICT DO NOTHING`,
        [ctx.partner, ctx.now, flagged],
      );
    if (restricted.length > 0)
      await tx.query(
        `UPDATE tenant_flags SET restricted_since = $2
         WHERE partner = $1 AND tenant_key = ANY($3::text[]) AND restricted_since IS NULL`,
        [ctx.partner, ctx.now, restricted],
      );
    if (cleared.length > 0)
      await tx.query('DELETE FROM tenant_flags WHERE partner = $1 AND tenant_key = ANY($2::text[])', [
        ctx.partner,
        cleared,
      ]);
    const built = await exceptionRows(tx, ctx, exceptions);
    // Column arrays, not a VALUES list: one statement for any batch size (no 65,535-parameter limit).
    if (rows.length > 0)
      await tx.query(
        `INSERT INTO audit_decisions (run_id, partner, tenant_key, decision, entity_id, stale, reasons)
         SELECT $1, $2, k, d, e, $3, r::jsonb
         FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS t(k, d, e, r)
         ON CONFLICT (run_id, partner, tenant_key) DO UPDATE SET decision = EXCLUDED.decision,
           entity_id = EXCLUDED.entity_id, stale = EXCLUDED.stale, reasons = EXCLUDED.reasons`,
        [
          ctx.runId,
          ctx.partner,
          ctx.stale,
          rows.map((r) => r.tenantKey),
          rows.map((r) => r.decision),
          rows.map((r) => r.entityId),
          rows.map((r) => r.reasons),
        ],
      );
    return built;
  });
  for (const r of rows) {
    const json = reports.get(r.tenantKey);
    if (json !== undefined) await ctx.exceptions.add(r.tenantKey, json);
  }
  const wctx = { at: ctx.now, actor: 'channelguard-audit', runId: ctx.runId };
  // Determinations whose evidence changed, or that expired, lapse; their items return to review.
  result.lapsed += await recordLapses(ctx.db, lapses, wctx);
  if (reviewItems.length > 0)
    result.lapsed += (await upsertReviewItems(ctx.db, reviewItems, wctx)).lapsed.length;
  await recordOutcomes(ctx.db, outcomes, wctx);
}

/**
 * The ownership statements a determination about these entities rests on: their direct holders'
 * and every hop of their witness paths (the chains the decision was computed from). A new or
 * changed statement there changes the hash and lapses the determination. Bounded by the paths,
 * not by the size of the ancestry.
 */
function decisionEvidence(
  graph: OwnershipGraph,
  decisions: ReadonlyMap<string, Decision>,
  entityIds: readonly string[],
): Set<string> {
  const ids = new Set<string>();
  for (const id of entityIds) {
    for (const s of graph.holderStatementIds(id)) ids.add(s);
    for (const path of decisions.get(id)?.paths ?? []) for (const hop of path.hops) ids.add(hop.statementId);
  }
  return ids;
}

/** The report rows of this batch's exceptions, keyed by tenant key (JSON text). */
async function exceptionRows(
  tx: Db,
  ctx: PartnerDecideContext,
  exceptions: Array<{ tenant: StoredTenant; td: TenantDecision<Decision> }>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (exceptions.length === 0) return out;
  const keys = exceptions.map((e) => e.tenant.tenantKey);
  const { rows: flags } = await tx.query<{
    tenant_key: string;
    first_flagged_at: Date | string;
    restricted_since: Date | string | null;
  }>(
    'SELECT tenant_key, first_flagged_at, restricted_since FROM tenant_flags WHERE partner = $1 AND tenant_key = ANY($2::text[])',
    [ctx.partner, keys],
  );
  const flagOf = new Map(flags.map((f) => [f.tenant_key, f]));
  const { rows: usage } = await tx.query<{
    tenant_key: string;
    source: string;
    dimension: string;
    currency: string | null;
    quantity: string;
    last_end: Date | string | null;
  }>(
    `SELECT tenant_key, source, dimension, currency, sum(quantity)::text AS quantity, max(period_end) AS last_end
     FROM usage WHERE cloud = $1 AND tenant_key = ANY($2::text[]) AND period_start >= $3 AND period_start < $4
     GROUP BY tenant_key, source, dimension, currency ORDER BY tenant_key, source, dimension, currency`,
    [ctx.partner, keys, ctx.period.start, ctx.period.end],
  );
  const usageOf = new Map<string, typeof usage>();
  for (const u of usage) usageOf.set(u.tenant_key, [...(usageOf.get(u.tenant_key) ?? []), u]);
  for (const { tenant, td } of exceptions) {
    const flag = flagOf.get(tenant.tenantKey);
    const row = exceptionRow({
      tenant,
      td,
      graph: ctx.loaded.graph,
      usage: usageOf.get(tenant.tenantKey) ?? [],
      firstFlaggedAt: iso(flag?.first_flagged_at) ?? ctx.now,
      restrictedSince: iso(flag?.restricted_since ?? undefined),
    });
    out.set(tenant.tenantKey, JSON.stringify(row));
  }
  return out;
}

function iso(v: Date | string | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

// One report row per tenant: the display model shared by the CSV, JSON and HTML writers.
import { ReportError } from '../errors.ts';
import type { Policy } from '../policy/schema.ts';
import { buildChain, describeOwners, type ChainView } from './chain.ts';
import type { PartnerIds, PreviousEntry, ReportTenant, TenantUsage } from './types.ts';
import { wordReason, type Worded } from './wording.ts';

export type Change = 'new' | 'unchanged' | 'changed' | 'resolved';
/** yes: usage after the restriction took effect; possible: usage in the period, time of last use unknown */
export type EnforcementGap = 'yes' | 'possible' | 'no';

export interface ReportRow {
  tenantKey: string;
  partnerIds: PartnerIds;
  entityId: string | null;
  entityName: string | null;
  /** null for a resolved tenant (no longer flagged) */
  decision: 'restricted' | 'review' | null;
  previousDecision: 'restricted' | 'review' | null;
  change: Change;
  reasons: Array<{ code: string; text: string }>;
  chain: ChainView;
  usage: (Omit<TenantUsage, 'lastUsageAt'> & { lastUsageAt: string | null }) | null;
  firstFlaggedAt: string;
  restrictionEffectiveAt: string | null;
  enforcementGap: EnforcementGap;
}

function instant(value: string, tenantKey: string, field: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ReportError(`tenant ${tenantKey}: ${field} "${value}" is not a date`);
  return t;
}

function enforcementGap(t: ReportTenant, periodEnd: string): EnforcementGap {
  if (t.decision !== 'restricted' || t.restrictionEffectiveAt === undefined) return 'no';
  const effective = instant(t.restrictionEffectiveAt, t.tenantKey, 'restrictionEffectiveAt');
  const used =
    t.usage.requests > 0 || t.usage.inputTokens > 0 || t.usage.outputTokens > 0 || t.usage.spend > 0;
  if (t.usage.lastUsageAt !== undefined)
    return used && instant(t.usage.lastUsageAt, t.tenantKey, 'usage.lastUsageAt') > effective ? 'yes' : 'no';
  // Usage in a period that reaches past the restriction, with no time of last use: cannot rule it out.
  return used && instant(periodEnd, t.tenantKey, 'period.end') > effective ? 'possible' : 'no';
}

function checkUsage(t: ReportTenant): void {
  for (const k of ['requests', 'inputTokens', 'outputTokens', 'spend'] as const) {
    const v = t.usage[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new ReportError(`tenant ${t.tenantKey}: usage.${k} must be a finite number >= 0`);
  }
}

export interface RowContext {
  rules: Pick<Policy, 'threshold' | 'control'>;
  periodEnd: string;
  previous: PreviousEntry | undefined;
  /** collects codes without wording */
  unworded: Set<string>;
}

export function toRow(t: ReportTenant, ctx: RowContext): ReportRow {
  if ((t.decision as string) !== 'restricted' && (t.decision as string) !== 'review')
    throw new ReportError(
      `tenant ${t.tenantKey}: decision "${String(t.decision)}" does not belong in an exception report`,
    );
  checkUsage(t);
  instant(t.firstFlaggedAt, t.tenantKey, 'firstFlaggedAt');
  const parties = t.parties ?? {};
  const owners = describeOwners(t.chain, parties);
  const wctx = {
    decision: t.decision,
    rules: ctx.rules,
    ...(owners !== undefined ? { owners } : {}),
    ...(t.cascade ? { cascade: t.cascade } : {}),
    ...(t.lookThrough ? { lookThrough: t.lookThrough } : {}),
  };
  const chain = buildChain(t.entityId, t.chain, parties, wctx);
  const codes = [...new Set(t.reasons)];
  // A flagged decision without any code is an upstream bug; say so rather than invent a reason.
  if (codes.length === 0) codes.push('no-reason-given');
  // A hop of entirely unknown share is a fact of the chain; say so even if no code names it.
  if (chain.hasUnknownShare && !codes.includes('unknown-share')) codes.push('unknown-share');
  const reasons: Worded[] = codes.map((c) => wordReason(c, wctx));
  for (const r of reasons) if (!r.known) ctx.unworded.add(r.code);
  const prev = ctx.previous;
  return {
    tenantKey: t.tenantKey,
    partnerIds: normaliseIds(t.partnerIds),
    entityId: t.entityId ?? null,
    entityName: t.entityName ?? null,
    decision: t.decision,
    previousDecision: prev?.decision ?? null,
    change: prev === undefined ? 'new' : prev.decision === t.decision ? 'unchanged' : 'changed',
    reasons: reasons.map(({ code, text }) => ({ code, text })),
    chain,
    usage: { ...t.usage, lastUsageAt: t.usage.lastUsageAt ?? null },
    firstFlaggedAt: t.firstFlaggedAt,
    restrictionEffectiveAt: t.restrictionEffectiveAt ?? null,
    enforcementGap: enforcementGap(t, ctx.periodEnd),
  };
}

/** A tenant of the previous report that is not in this one. */
export function resolvedRow(p: PreviousEntry): ReportRow {
  return {
    tenantKey: p.tenantKey,
    partnerIds: normaliseIds(p.partnerIds),
    entityId: p.entityId ?? null,
    entityName: p.entityName ?? null,
    decision: null,
    previousDecision: p.decision,
    change: 'resolved',
    reasons: [],
    chain: { nodes: [], edges: [], paths: [], hasUnknownShare: false },
    usage: null,
    firstFlaggedAt: p.firstFlaggedAt,
    restrictionEffectiveAt: null,
    enforcementGap: 'no',
  };
}

/** Stable key order and sorted subscription ids, so equal inputs give equal bytes. */
function normaliseIds(ids: PartnerIds): PartnerIds {
  const out: PartnerIds = {};
  if (ids.account !== undefined) out.account = ids.account;
  if (ids.billingAccount !== undefined) out.billingAccount = ids.billingAccount;
  if (ids.tenant !== undefined) out.tenant = ids.tenant;
  if (ids.subscriptions !== undefined) out.subscriptions = [...ids.subscriptions].sort();
  return out;
}

/** Every string a row holds, for the foreign-key scan before rendering. */
export function rowStrings(row: ReportRow): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(row);
  return out;
}

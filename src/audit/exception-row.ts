// A flagged tenant as its partner's report shows it: the partner's own ids, the decision and its
// reasons, the company-level chain, usage in the period, and when it was first flagged.
import type { Cloud } from '../adapter.ts';
import type { Decision, OwnershipGraph } from '../evaluator/index.ts';
import type { Party } from '../model/types.ts';
import type { ChainParty, PartnerIds, ReportTenant, TenantUsage } from '../report/index.ts';
import type { TenantDecision } from '../resolve/index.ts';
import type { StoredTenant } from '../store/index.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UsageSum {
  source: string;
  dimension: string;
  currency: string | null;
  /** decimal string, as summed by the database */
  quantity: string;
  last_end: Date | string | null;
}

/** The ids the partner itself uses for this tenant, by partner. */
export function partnerIds(partner: Cloud, tenant: StoredTenant): PartnerIds {
  const subscriptions = [...new Set(tenant.entitlements.map((e) => e.id))].sort();
  const linkFrom = (role: string) =>
    tenant.links.find((l) => l.role === role && l.fromKey !== tenant.tenantKey)?.fromKey;
  const ids: PartnerIds = {};
  if (partner === 'azure') {
    if (GUID.test(tenant.tenantKey)) ids.tenant = tenant.tenantKey;
    const subs = subscriptions.filter((s) => GUID.test(s));
    if (subs.length > 0) ids.subscriptions = subs;
    return ids;
  }
  ids.account = tenant.tenantKey;
  const billing = partner === 'aws' ? linkFrom('payer-of') : linkFrom('billing-account-of');
  if (billing !== undefined) ids.billingAccount = billing;
  if (subscriptions.length > 0) ids.subscriptions = subscriptions;
  return ids;
}

/**
 * Usage in the period. Overlapping sources of one cloud (Azure's metering events and its billed
 * usage report) describe the same use: per dimension the largest source counts, never their sum.
 */
export function usageOf(sums: readonly UsageSum[]): TenantUsage {
  const best = new Map<string, number>();
  let currency: string | undefined;
  let last: string | undefined;
  const bySource = new Map<string, number>();
  for (const s of sums) {
    const k = `${s.dimension}\u0000${s.source}`;
    bySource.set(k, (bySource.get(k) ?? 0) + Number(s.quantity));
    if (s.dimension === 'spend' && s.currency && currency === undefined) currency = s.currency;
    const end = s.last_end === null ? undefined : new Date(s.last_end).toISOString();
    if (end !== undefined && (last === undefined || end > last)) last = end;
  }
  for (const [k, q] of bySource) {
    const dim = k.slice(0, k.indexOf('\u0000'));
    best.set(dim, Math.max(best.get(dim) ?? 0, q));
  }
  return {
    requests: best.get('requests') ?? 0,
    inputTokens: best.get('inputTokens') ?? 0,
    outputTokens: best.get('outputTokens') ?? 0,
    spend: Math.round((best.get('spend') ?? 0) * 100) / 100,
    currency: currency ?? 'USD',
    ...(last !== undefined ? { lastUsageAt: last } : {}),
  };
}

function chainParty(p: Party): ChainParty {
  const person = p.kind === 'person' || p.kind === 'unknownPerson' || p.kind === 'anonymousPerson';
  const countries = person
    ? [...(p.residence ?? []), ...(p.nationality ?? [])]
    : [...(p.headquarters ?? []), ...(p.incorporation ?? [])];
  return {
    kind: p.kind,
    ...(person || p.name === undefined ? {} : { name: p.name }),
    ...(countries.length > 0 ? { countries: [...new Set(countries)].sort() } : {}),
  };
}

export interface ExceptionInput {
  tenant: StoredTenant;
  td: TenantDecision<Decision>;
  graph: OwnershipGraph;
  usage: readonly UsageSum[];
  firstFlaggedAt: string;
  restrictedSince: string | undefined;
}

export function exceptionRow(input: ExceptionInput): ReportTenant {
  const { tenant, td } = input;
  const entity = td.entityDecision;
  const chain = entity?.paths ?? [];
  const parties: Record<string, ChainParty> = {};
  for (const path of chain) {
    for (const id of [path.root, ...path.hops.flatMap((h) => [h.holder, h.subject])]) {
      const p = parties[id] === undefined ? input.graph.party(id) : undefined;
      if (p) parties[id] = chainParty(p);
    }
  }
  return {
    partner: tenant.partner,
    tenantKey: tenant.tenantKey,
    partnerIds: partnerIds(tenant.partner, tenant),
    decision: td.decision === 'restricted' ? 'restricted' : 'review',
    reasons: td.reasons,
    chain,
    ...(td.entityId !== undefined ? { entityId: td.entityId } : {}),
    ...(entity?.name !== undefined ? { entityName: entity.name } : {}),
    parties,
    ...(entity ? { cascade: { min: entity.cascade.min, max: entity.cascade.max } } : {}),
    ...(entity ? { lookThrough: { min: entity.lookThrough.min, max: entity.lookThrough.max } } : {}),
    usage: usageOf(input.usage),
    firstFlaggedAt: input.firstFlaggedAt,
    ...(td.decision === 'restricted' && input.restrictedSince !== undefined
      ? { restrictionEffectiveAt: input.restrictedSince }
      : {}),
  };
}

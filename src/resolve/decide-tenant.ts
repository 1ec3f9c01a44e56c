// A tenant's decision: the worst of its own entity's decision and those of the channel parties
// behind it (payer, CSP reseller, billing account). Unresolved or ambiguous matches give review:
// a tenant we cannot tie to an entity is never allowed.
import type { Cloud, TenantRecord } from '../adapter.ts';
import { worstVerdict, type Verdict } from '../model/types.ts';
import { MARGIN, type MatchResult } from './match.ts';

/** What decideTenant needs of the evaluator's Decision (src/evaluator/index.ts) — it accepts that type. */
export interface DecisionLike {
  id: string;
  decision: Verdict;
  reasons: string[];
}

export interface ChannelPartyMatch {
  /** "payer", "reseller", "billing-account", … (prefixes the party's reasons) */
  role: string;
  /** the channel party's own key in the cloud */
  key: string;
  match: MatchResult;
}

export interface PartyDecision {
  /** "tenant" for the tenant itself, else the channel role */
  role: string;
  key: string;
  entityId?: string;
  decision: Verdict;
  /** reason codes without the role prefix */
  reasons: string[];
}

export interface MatchSummary {
  status: MatchResult['status'];
  score: number;
  entityId?: string;
  candidates: Array<{ entityId: string; score: number }>;
}

export interface TenantDecision<D extends DecisionLike = DecisionLike> {
  cloud: Cloud;
  tenantKey: string;
  decision: Verdict;
  /** every party's reasons, prefixed with its role: "tenant:origin:headquarters:CN", "payer:unresolved" */
  reasons: string[];
  entityId?: string;
  match: MatchSummary;
  /** the tenant itself first (role "tenant"), then its channel parties in the order given */
  parties: PartyDecision[];
  /** the evaluator's decision for the tenant's entity (paths etc.), for reports */
  entityDecision?: D;
  /** set when a human determination replaced the automatic outcome */
  automatic?: { decision: Verdict; reasons: string[] };
}

export function summariseMatch(match: MatchResult): MatchSummary {
  return {
    status: match.status,
    score: match.score,
    ...(match.entityId !== undefined ? { entityId: match.entityId } : {}),
    candidates: match.candidates.map((c) => ({ entityId: c.entityId, score: c.score })),
  };
}

function partyDecision<D extends DecisionLike>(
  role: string,
  key: string,
  match: MatchResult,
  decisionsById: ReadonlyMap<string, D>,
): { party: PartyDecision; entity?: D } {
  if (match.status === 'matched' && match.entityId !== undefined) {
    const d = decisionsById.get(match.entityId);
    if (!d)
      return {
        party: {
          role,
          key,
          entityId: match.entityId,
          decision: 'review',
          reasons: ['no-decision-for-entity'],
        },
      };
    return {
      party: { role, key, entityId: match.entityId, decision: d.decision, reasons: [...d.reasons] },
      entity: d,
    };
  }
  const reasons: string[] = [match.status === 'unresolved' ? 'unresolved' : 'match-review'];
  const [first, second] = match.candidates;
  if (match.status === 'review' && first && second && first.score - second.score < MARGIN)
    reasons.push('match-ambiguous');
  // A restricted candidate is worth saying: the reviewer should look at it first.
  for (const c of match.candidates)
    if (decisionsById.get(c.entityId)?.decision === 'restricted')
      reasons.push(`candidate-restricted:${c.entityId}`);
  return { party: { role, key, decision: 'review', reasons } };
}

/** Recomputes decision and prefixed reasons from the parties (also used after determinations apply). */
export function combineParties(parties: readonly PartyDecision[]): { decision: Verdict; reasons: string[] } {
  let decision: Verdict = 'allowed';
  const reasons: string[] = [];
  for (const p of parties) {
    decision = worstVerdict(decision, p.decision);
    for (const r of p.reasons) reasons.push(`${p.role}:${r}`);
  }
  return { decision, reasons };
}

export function decideTenant<D extends DecisionLike>(
  tenant: Pick<TenantRecord, 'cloud' | 'tenantKey'>,
  match: MatchResult,
  decisionsById: ReadonlyMap<string, D>,
  channelParties: readonly ChannelPartyMatch[] = [],
): TenantDecision<D> {
  const own = partyDecision('tenant', tenant.tenantKey, match, decisionsById);
  const parties = [own.party];
  for (const cp of channelParties)
    parties.push(partyDecision(cp.role, cp.key, cp.match, decisionsById).party);
  const { decision, reasons } = combineParties(parties);
  return {
    cloud: tenant.cloud,
    tenantKey: tenant.tenantKey,
    decision,
    reasons,
    ...(own.party.entityId !== undefined ? { entityId: own.party.entityId } : {}),
    match: summariseMatch(match),
    parties,
    ...(own.entity ? { entityDecision: own.entity } : {}),
  };
}

// Human determinations and how they bend automatic outcomes. Pure: determinations and the
// current evidence in, the effective outcome and the lapses out. The store (review-store.ts)
// records what these functions decide.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import type { Verdict } from '../model/types.ts';
import {
  combineParties,
  type PartyDecision,
  type TenantDecision,
  type DecisionLike,
} from '../resolve/decide-tenant.ts';
import type { MatchResult } from '../resolve/match.ts';

export type DeterminationKind = 'decide' | 'confirm-match' | 'reject-match';
export type DeterminationStatus = 'pending' | 'in-force' | 'lapsed' | 'superseded';

export interface Determination {
  /** "D12" */
  id: string;
  kind: DeterminationKind;
  /** a tenant "aws:123456789012" or an entity "entity:<id>" */
  subject: string;
  /** confirm-match / reject-match: the entity */
  entityId?: string;
  /** decide: the outcome */
  decision?: Verdict;
  reason: string;
  /** document references, links */
  evidence: string[];
  reviewer: string;
  /** the second reviewer, when four-eyes applied */
  approver?: string;
  status: DeterminationStatus;
  /** the evidence hash of the subject when the determination was made */
  evidenceHash: string;
  /** the automatic outcome it was made against */
  automaticDecision: Verdict;
  /** YYYY-MM-DD or ISO date-time: no longer in force from then on */
  expiresAt?: string;
  createdAt: string;
  decidedAt?: string;
}

export interface DeterminationContext {
  /** ISO-8601 now (a parameter: no clock here) */
  now: string;
  /** the subject's evidence hash in this run; undefined = the subject was not evaluated */
  evidenceHash(subject: string): string | undefined;
}

export interface Lapse {
  id: string;
  subject: string;
  reason: 'expired' | 'evidence-changed';
}

export const tenantSubject = (cloud: string, tenantKey: string): string => `${cloud}:${tenantKey}`;
export const entitySubject = (entityId: string): string => `entity:${entityId}`;

/** Turning an automatic restricted into allowed — or re-pointing a restricted tenant's match — needs two reviewers. */
export function requiresFourEyes(automatic: Verdict, kind: DeterminationKind, decision?: Verdict): boolean {
  if (automatic !== 'restricted') return false;
  return kind === 'decide' ? decision === 'allowed' : true;
}

/** In force now? An in-force determination whose evidence changed or that expired lapses. */
export function checkDetermination(
  d: Determination,
  ctx: DeterminationContext,
): { inForce: boolean; lapse?: Lapse } {
  if (d.status !== 'in-force') return { inForce: false };
  if (d.expiresAt !== undefined && ctx.now.slice(0, d.expiresAt.length) >= d.expiresAt)
    return { inForce: false, lapse: { id: d.id, subject: d.subject, reason: 'expired' } };
  const current = ctx.evidenceHash(d.subject);
  if (current === undefined) return { inForce: false };
  if (current !== d.evidenceHash)
    return { inForce: false, lapse: { id: d.id, subject: d.subject, reason: 'evidence-changed' } };
  return { inForce: true };
}

/** The in-force determinations of given subjects, newest first (decidedAt, then id), with lapses. */
function inForce(
  subjects: ReadonlySet<string>,
  determinations: readonly Determination[],
  ctx: DeterminationContext,
  lapsed: Map<string, Lapse>,
): Determination[] {
  const out: Determination[] = [];
  for (const d of determinations) {
    if (!subjects.has(d.subject)) continue;
    const c = checkDetermination(d, ctx);
    if (c.lapse) lapsed.set(d.id, c.lapse);
    if (c.inForce) out.push(d);
  }
  const num = (id: string) => Number(id.replace(/^\D+/, ''));
  return out.sort(
    (a, b) => (b.decidedAt ?? b.createdAt).localeCompare(a.decidedAt ?? a.createdAt) || num(b.id) - num(a.id),
  );
}

const signers = (d: Determination) => (d.approver ? `${d.reviewer}, ${d.approver}` : d.reviewer);

/** Applies confirm-match / reject-match determinations of a tenant to its automatic match. */
export function applyMatchDeterminations(
  subject: string,
  match: MatchResult,
  determinations: readonly Determination[],
  ctx: DeterminationContext,
): { match: MatchResult; applied: string[]; lapsed: Lapse[] } {
  const lapsed = new Map<string, Lapse>();
  const dets = inForce(new Set([subject]), determinations, ctx, lapsed).filter((d) => d.kind !== 'decide');
  const applied: string[] = [];
  // newest word per entity wins (a later confirm overrides an earlier reject of the same pair)
  const latest = new Map<string, Determination>();
  for (const d of dets) if (d.entityId !== undefined && !latest.has(d.entityId)) latest.set(d.entityId, d);
  let out: MatchResult = { ...match, candidates: [...match.candidates], explanation: [...match.explanation] };
  for (const d of latest.values()) {
    if (d.kind !== 'reject-match') continue;
    applied.push(d.id);
    out.candidates = out.candidates.filter((c) => c.entityId !== d.entityId);
    out.explanation.push(`${d.entityId} rejected by determination ${d.id} (${signers(d)}): ${d.reason}`);
    if (out.entityId === d.entityId) {
      const { entityId: _dropped, ...rest } = out;
      out = { ...rest, status: out.candidates.length > 0 ? 'review' : 'unresolved' };
    }
  }
  const confirm = [...latest.values()].find((d) => d.kind === 'confirm-match');
  if (confirm?.entityId !== undefined) {
    applied.push(confirm.id);
    out = { ...out, status: 'matched', entityId: confirm.entityId };
    out.explanation.push(
      `${confirm.entityId} confirmed by determination ${confirm.id} (${signers(confirm)}): ${confirm.reason}`,
    );
  }
  return { match: out, applied: applied.sort(), lapsed: [...lapsed.values()] };
}

/**
 * Applies decide determinations to a tenant's automatic decision: an entity's determination
 * replaces that party's decision (tenant or channel party), a channel party's own tenant
 * determination replaces its decision, and the tenant's own determination replaces the outcome.
 */
export function applyDeterminations<D extends DecisionLike>(
  automatic: TenantDecision<D>,
  determinations: readonly Determination[],
  ctx: DeterminationContext,
): { decision: TenantDecision<D>; applied: string[]; lapsed: Lapse[] } {
  const self = tenantSubject(automatic.cloud, automatic.tenantKey);
  const subjects = new Set<string>([self]);
  for (const p of automatic.parties) {
    if (p.entityId !== undefined) subjects.add(entitySubject(p.entityId));
    if (p.role !== 'tenant') subjects.add(tenantSubject(automatic.cloud, p.key));
  }
  const lapsed = new Map<string, Lapse>();
  const dets = inForce(subjects, determinations, ctx, lapsed).filter((d) => d.kind === 'decide');
  const latest = new Map<string, Determination>();
  for (const d of dets) if (!latest.has(d.subject)) latest.set(d.subject, d);
  const applied = new Set<string>();
  const parties: PartyDecision[] = automatic.parties.map((p) => {
    const own = p.role === 'tenant' ? undefined : latest.get(tenantSubject(automatic.cloud, p.key));
    const d = own ?? (p.entityId !== undefined ? latest.get(entitySubject(p.entityId)) : undefined);
    if (!d?.decision) return p;
    applied.add(d.id);
    return { ...p, decision: d.decision, reasons: [`determination:${d.id}`] };
  });
  let { decision, reasons } = combineParties(parties);
  const mine = latest.get(self);
  if (mine?.decision) {
    applied.add(mine.id);
    decision = mine.decision;
    reasons = [`determination:${mine.id}`];
  }
  const changed = applied.size > 0;
  return {
    decision: {
      ...automatic,
      decision,
      reasons,
      parties,
      ...(changed ? { automatic: { decision: automatic.decision, reasons: automatic.reasons } } : {}),
    },
    applied: [...applied].sort(),
    lapsed: [...lapsed.values()],
  };
}

/** What a determination is made on: ownership statements in force and the match candidate set. */
export interface EvidenceInput {
  /** in-force statements relevant to the entities (ids; dates when known) */
  statements: ReadonlyArray<{ id: string; date?: string }>;
  /** the match candidate set (entity ids) */
  candidates: readonly string[];
  /** the parties' own records that matter (countries, identifiers), optional */
  parties?: ReadonlyArray<Record<string, unknown>>;
}

/** sha256 over the canonical JSON of the evidence, sorted so the order of discovery does not matter. */
export function evidenceHash(input: EvidenceInput): string {
  const statements = [...new Map(input.statements.map((s) => [s.id, s])).values()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const candidates = [...new Set(input.candidates)].sort();
  const parties = [...(input.parties ?? [])].map((p) => canonicalJson(p)).sort();
  const doc = { candidates, parties, statements };
  return createHash('sha256').update(canonicalJson(doc)).digest('hex');
}

/**
 * evidenceHash({ statements: statementIds as { id }, candidates }) without the objects: the same
 * canonical text (keys candidates, parties, statements; each list deduplicated and sorted by UTF-16
 * code units), written directly. The audit hashes every tenant's evidence this way.
 */
export function evidenceHashOfIds(statementIds: Iterable<string>, candidates: Iterable<string>): string {
  const ids = [...new Set(statementIds)].sort();
  const cands = [...new Set(candidates)].sort();
  let text = '{"candidates":[';
  for (let i = 0; i < cands.length; i++) text += (i > 0 ? ',' : '') + JSON.stringify(cands[i]);
  text += '],"parties":[],"statements":[';
  for (let i = 0; i < ids.length; i++) text += `${i > 0 ? ',' : ''}{"id":${JSON.stringify(ids[i])}}`;
  text += ']}';
  return createHash('sha256').update(text).digest('hex');
}

/** The part of the evaluator's OwnershipGraph the evidence walk needs. */
export interface HoldersSource {
  holdersOf(id: string): ReadonlyArray<{ statementId: string; holder: string | { reason: string } }>;
  party?(id: string):
    | {
        id: string;
        headquarters?: string[];
        incorporation?: string[];
        residence?: string[];
        nationality?: string[];
      }
    | undefined;
}

/**
 * The evidence of some entities: every in-force relationship statement above them (walked up
 * the holders, cycles cut) and the origin fields of every party met. Capped at `limit` parties;
 * a capped walk says so in the evidence, so a later, longer walk changes the hash.
 */
export function collectEvidence(
  graph: HoldersSource,
  entityIds: readonly string[],
  limit = 10_000,
): Pick<EvidenceInput, 'statements' | 'parties'> {
  const seen = new Set<string>();
  const statements: Array<{ id: string }> = [];
  const parties: Array<Record<string, unknown>> = [];
  const queue = [...entityIds];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    if (seen.size >= limit) {
      parties.push({ truncated: limit });
      break;
    }
    seen.add(id);
    const p = graph.party?.(id);
    if (p)
      parties.push({
        id: p.id,
        headquarters: p.headquarters ?? [],
        incorporation: p.incorporation ?? [],
        residence: p.residence ?? [],
        nationality: p.nationality ?? [],
      });
    for (const h of graph.holdersOf(id)) {
      statements.push({ id: h.statementId });
      if (typeof h.holder === 'string') queue.push(h.holder);
    }
  }
  return { statements, parties };
}

// Review items and determinations in the store (tables of migration 100). Every change of
// outcome is appended to the audit log in the same transaction as the change itself.
import type { Verdict } from '../model/types.ts';
import type { DecisionLike, TenantDecision } from '../resolve/decide-tenant.ts';
import type { MatchResult } from '../resolve/match.ts';
import type { Db } from '../store/db.ts';
import { appendAudit, type AuditEntry } from './audit-log.ts';
import { tenantSubject, type Lapse } from './determinations.ts';

export interface ReviewCandidate {
  entityId: string;
  name: string;
  score: number;
}

export interface ReviewItemInput {
  /** "aws:123456789012" for a tenant, "entity:<id>" for an entity */
  id: string;
  subjectType: 'tenant' | 'entity';
  cloud?: string;
  tenantKey?: string;
  entityId?: string;
  automaticDecision: Verdict;
  matchStatus?: MatchResult['status'];
  reasons: string[];
  candidates: ReviewCandidate[];
  evidenceHash: string;
  /** anything the reviewer should see (match explanation, parties) */
  detail?: unknown;
}

export interface ReviewItem extends ReviewItemInput {
  status: 'open' | 'decided' | 'closed';
  firstSeen: string;
  lastSeen: string;
  updatedAt: string;
}

export interface WriteContext {
  /** ISO-8601 UTC */
  at: string;
  actor: string;
  runId?: string;
}

/** A tenant needs a person when its outcome is review or its match is not settled. */
export function needsReview(td: Pick<TenantDecision, 'decision' | 'match'>): boolean {
  return td.decision === 'review' || td.match.status !== 'matched';
}

export function reviewItemFromDecision(
  td: TenantDecision,
  match: MatchResult,
  evidenceHash: string,
): ReviewItemInput {
  return {
    id: tenantSubject(td.cloud, td.tenantKey),
    subjectType: 'tenant',
    cloud: td.cloud,
    tenantKey: td.tenantKey,
    ...(td.entityId !== undefined ? { entityId: td.entityId } : {}),
    automaticDecision: td.automatic?.decision ?? td.decision,
    matchStatus: match.status,
    reasons: td.automatic?.reasons ?? td.reasons,
    candidates: match.candidates.map((c) => ({ entityId: c.entityId, name: c.name, score: c.score })),
    evidenceHash,
    detail: {
      explanation: match.explanation,
      refused: match.refused,
      parties: td.parties.map((p) => ({
        role: p.role,
        key: p.key,
        entityId: p.entityId,
        decision: p.decision,
      })),
    },
  };
}

export function reviewItemFromEntity(
  d: DecisionLike & { name?: string },
  evidenceHash: string,
): ReviewItemInput {
  return {
    id: `entity:${d.id}`,
    subjectType: 'entity',
    entityId: d.id,
    automaticDecision: d.decision,
    reasons: d.reasons,
    candidates: [],
    evidenceHash,
    ...(d.name !== undefined ? { detail: { name: d.name } } : {}),
  };
}

const BATCH = 500;
/** outcomes are small rows written once per tenant per run: fewer, larger statements */
const OUTCOME_BATCH = 10_000;

/**
 * Queues or refreshes review items (the audit calls this with its review/unresolved tenants).
 * An item whose evidence hash changed lapses the determinations made on the old evidence and
 * returns to review; expired determinations lapse too. Returns counts and the lapses recorded.
 */
export async function upsertReviewItems(
  db: Db,
  items: readonly ReviewItemInput[],
  ctx: WriteContext,
): Promise<{ inserted: number; updated: number; lapsed: Lapse[] }> {
  let inserted = 0;
  let updated = 0;
  const lapsed: Lapse[] = [...(await lapseExpired(db, ctx))];
  for (let i = 0; i < items.length; i += BATCH) {
    const chunk = items.slice(i, i + BATCH);
    const r = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; evidence_hash: string; status: string }>(
        'SELECT id, evidence_hash, status FROM review_items WHERE id = ANY($1::text[])',
        [chunk.map((c) => c.id)],
      );
      const prior = new Map(rows.map((r) => [r.id, r]));
      const audit: AuditEntry[] = [];
      const chunkLapses: Lapse[] = [];
      let ins = 0;
      for (const item of chunk) {
        const before = prior.get(item.id);
        const changed = before !== undefined && before.evidence_hash !== item.evidenceHash;
        if (changed) chunkLapses.push(...(await lapseSubject(tx, item.id, item.evidenceHash, ctx, audit)));
        const status = !before || changed || before.status === 'closed' ? 'open' : before.status;
        if (!before) ins++;
        if (!before || changed || before.status === 'closed')
          audit.push({
            ...actorAt(ctx),
            action: before ? 'review.reopened' : 'review.opened',
            subject: item.id,
            payload: {
              automaticDecision: item.automaticDecision,
              matchStatus: item.matchStatus ?? null,
              reasons: item.reasons,
              evidenceHash: item.evidenceHash,
              ...(changed ? { previousEvidenceHash: before.evidence_hash } : {}),
            },
          });
        await tx.query(
          `INSERT INTO review_items (id, subject_type, cloud, tenant_key, entity_id, status, automatic_decision,
             match_status, reasons, candidates, evidence_hash, detail, run_id, first_seen, last_seen, updated_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$14,$14)
           ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, entity_id = EXCLUDED.entity_id,
             automatic_decision = EXCLUDED.automatic_decision, match_status = EXCLUDED.match_status,
             reasons = EXCLUDED.reasons, candidates = EXCLUDED.candidates, evidence_hash = EXCLUDED.evidence_hash,
             detail = EXCLUDED.detail, run_id = EXCLUDED.run_id, last_seen = EXCLUDED.last_seen,
             updated_at = EXCLUDED.updated_at`,
          [
            item.id,
            item.subjectType,
            item.cloud ?? null,
            item.tenantKey ?? null,
            item.entityId ?? null,
            status,
            item.automaticDecision,
            item.matchStatus ?? null,
            JSON.stringify(item.reasons),
            JSON.stringify(item.candidates),
            item.evidenceHash,
            item.detail === undefined ? null : JSON.stringify(item.detail),
            ctx.runId ?? null,
            ctx.at,
          ],
        );
      }
      await appendAudit(tx, audit);
      return { ins, lapses: chunkLapses };
    });
    inserted += r.ins;
    updated += chunk.length - r.ins;
    lapsed.push(...r.lapses);
  }
  return { inserted, updated, lapsed };
}

const actorAt = (ctx: WriteContext) => ({ at: ctx.at, actor: ctx.actor });

async function lapseSubject(
  tx: Db,
  subject: string,
  newHash: string,
  ctx: WriteContext,
  audit: AuditEntry[],
): Promise<Lapse[]> {
  const { rows } = await tx.query<{ id: string | number; evidence_hash: string }>(
    `UPDATE determinations SET status = 'lapsed', closed_at = $3, close_reason = 'evidence-changed'
     WHERE subject = $1 AND status IN ('in-force', 'pending') AND evidence_hash <> $2 RETURNING id, evidence_hash`,
    [subject, newHash, ctx.at],
  );
  return rows.map((r) => {
    audit.push({
      ...actorAt(ctx),
      action: 'determination.lapsed',
      subject,
      payload: { determination: `D${r.id}`, reason: 'evidence-changed', was: r.evidence_hash, now: newHash },
    });
    return { id: `D${r.id}`, subject, reason: 'evidence-changed' as const };
  });
}

/** Lapses every in-force or pending determination whose expiry has come; the items return to review. */
export async function lapseExpired(db: Db, ctx: WriteContext): Promise<Lapse[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string | number; subject: string; expires_at: string }>(
      `UPDATE determinations SET status = 'lapsed', closed_at = $1, close_reason = 'expired'
       WHERE status IN ('in-force', 'pending') AND expires_at IS NOT NULL AND expires_at <= substr($1, 1, length(expires_at))
       RETURNING id, subject, expires_at`,
      [ctx.at],
    );
    if (rows.length === 0) return [];
    await tx.query(
      `UPDATE review_items SET status = 'open', updated_at = $2 WHERE id = ANY($1::text[]) AND status = 'decided'`,
      [rows.map((r) => r.subject), ctx.at],
    );
    await appendAudit(
      tx,
      rows.map((r) => ({
        ...actorAt(ctx),
        action: 'determination.lapsed',
        subject: r.subject,
        payload: { determination: `D${r.id}`, reason: 'expired', expiresAt: r.expires_at },
      })),
    );
    return rows.map((r) => ({ id: `D${r.id}`, subject: r.subject, reason: 'expired' as const }));
  });
}

/** Records lapses found by applyDeterminations (idempotent: only rows still in force change). */
export async function recordLapses(db: Db, lapses: readonly Lapse[], ctx: WriteContext): Promise<number> {
  if (lapses.length === 0) return 0;
  return db.transaction(async (tx) => {
    const audit: AuditEntry[] = [];
    for (const l of lapses) {
      const { rows } = await tx.query<{ id: string | number }>(
        `UPDATE determinations SET status = 'lapsed', closed_at = $2, close_reason = $3
         WHERE id = $1 AND status = 'in-force' RETURNING id`,
        [Number(l.id.replace(/^D/, '')), ctx.at, l.reason],
      );
      if (rows.length === 0) continue;
      await tx.query(`UPDATE review_items SET status = 'open', updated_at = $2 WHERE id = $1`, [
        l.subject,
        ctx.at,
      ]);
      audit.push({
        ...actorAt(ctx),
        action: 'determination.lapsed',
        subject: l.subject,
        payload: { determination: l.id, reason: l.reason },
      });
    }
    await appendAudit(tx, audit);
    return audit.length;
  });
}

/** Closes open items the run identified by ctx.runId did not queue again (resolved automatically). */
export async function closeStaleReviewItems(db: Db, ctx: WriteContext & { runId: string }): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `UPDATE review_items SET status = 'closed', updated_at = $2
       WHERE status = 'open' AND run_id IS DISTINCT FROM $1 RETURNING id`,
      [ctx.runId, ctx.at],
    );
    const sorted = rows.map((r) => r.id).sort();
    await appendAudit(
      tx,
      sorted.map((id) => ({
        ...actorAt(ctx),
        action: 'review.closed',
        subject: id,
        payload: { runId: ctx.runId },
      })),
    );
    return sorted.length;
  });
}

/**
 * Records the run's outcomes; appends "outcome.changed" for every subject whose decision differs
 * from the last run's (or is new). Returns how many changed.
 */
export async function recordOutcomes(
  db: Db,
  outcomes: ReadonlyArray<{ subject: string; decision: Verdict; reasons: string[] }>,
  ctx: WriteContext,
): Promise<{ changed: number }> {
  let changed = 0;
  for (let i = 0; i < outcomes.length; i += OUTCOME_BATCH) {
    const chunk = outcomes.slice(i, i + OUTCOME_BATCH);
    changed += await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ subject: string; decision: Verdict }>(
        'SELECT subject, decision FROM outcomes WHERE subject = ANY($1::text[])',
        [chunk.map((o) => o.subject)],
      );
      const prior = new Map(rows.map((r) => [r.subject, r.decision]));
      const audit: AuditEntry[] = [];
      const changedRows: typeof chunk = [];
      for (const o of chunk) {
        const from = prior.get(o.subject);
        if (from === o.decision) continue;
        audit.push({
          ...actorAt(ctx),
          action: 'outcome.changed',
          subject: o.subject,
          payload: { from: from ?? null, to: o.decision, reasons: o.reasons, runId: ctx.runId ?? null },
        });
        changedRows.push(o);
      }
      // one statement per chunk: a large first run changes every outcome at once
      if (changedRows.length > 0)
        await tx.query(
          `INSERT INTO outcomes (subject, decision, reasons, updated_at)
           SELECT s, d, r::jsonb, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(s, d, r)
           ON CONFLICT (subject) DO UPDATE SET decision = EXCLUDED.decision, reasons = EXCLUDED.reasons,
             updated_at = EXCLUDED.updated_at`,
          [
            changedRows.map((o) => o.subject),
            changedRows.map((o) => o.decision),
            changedRows.map((o) => JSON.stringify(o.reasons)),
            ctx.at,
          ],
        );
      await appendAudit(tx, audit);
      return audit.length;
    });
  }
  return { changed };
}

// Recording a person's determination, with the four-eyes rule: turning an automatic restricted
// into allowed (or re-pointing a restricted tenant's match) takes two different reviewers — the
// first records a pending approval, a second, different reviewer completes it.
import { UsageError } from '../errors.ts';
import type { Verdict } from '../model/types.ts';
import type { Db } from '../store/db.ts';
import { appendAudit, type AuditEntry } from './audit-log.ts';
import { requiresFourEyes, type Determination, type DeterminationKind } from './determinations.ts';
import { toDetermination, type DeterminationRow } from './review-queries.ts';
import type { WriteContext } from './review-store.ts';

export interface DeterminationRequest {
  /** the review item: "aws:123456789012" or "entity:<id>" */
  itemId: string;
  kind: DeterminationKind;
  /** decide */
  decision?: Verdict;
  /** confirm-match / reject-match */
  entityId?: string;
  reason: string;
  reviewer: string;
  evidence?: string[];
  /** YYYY-MM-DD or ISO date-time */
  expiresAt?: string;
}

export interface DeterminationOutcome {
  determination: Determination;
  /** recorded: in force at once; pending: waits for a second reviewer; approved: a pending one completed */
  state: 'recorded' | 'pending' | 'approved';
  superseded: string[];
}

function validate(req: DeterminationRequest, at: string): void {
  if (!req.reviewer.trim()) throw new UsageError('a reviewer name is required (--reviewer)');
  if (!req.reason.trim()) throw new UsageError('a reason is required (--reason)');
  if (req.kind === 'decide' && !req.decision)
    throw new UsageError('--decision must be restricted, review or allowed');
  if (req.kind !== 'decide' && !req.entityId) throw new UsageError('an entity id is required');
  if (req.expiresAt !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(req.expiresAt) || Number.isNaN(Date.parse(req.expiresAt)))
      throw new UsageError(`--expires "${req.expiresAt}" is not a date (YYYY-MM-DD)`);
    if (req.expiresAt <= at.slice(0, req.expiresAt.length))
      throw new UsageError(`--expires ${req.expiresAt} is not in the future`);
  }
}

export async function recordDetermination(
  db: Db,
  req: DeterminationRequest,
  ctx: WriteContext,
): Promise<DeterminationOutcome> {
  validate(req, ctx.at);
  return db.transaction(async (tx) => {
    // one subject at a time: two approvers racing cannot both complete or both start
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`review:${req.itemId}`]);
    const item = await tx.query<{ automatic_decision: Verdict; evidence_hash: string; subject_type: string }>(
      'SELECT automatic_decision, evidence_hash, subject_type FROM review_items WHERE id = $1',
      [req.itemId],
    );
    const it = item.rows[0];
    if (!it) throw new UsageError(`no review item ${req.itemId} (see: channelguard review list)`);
    if (req.kind !== 'decide' && it.subject_type !== 'tenant')
      throw new UsageError(
        `${req.itemId} is not a tenant: only a tenant's match can be confirmed or rejected`,
      );
    const fourEyes = requiresFourEyes(it.automatic_decision, req.kind, req.decision);
    const audit: AuditEntry[] = [];
    const at = ctx.at;
    const same = `kind = $2 AND ${req.kind === 'decide' ? 'decision = $3' : 'entity_id = $3'}`;
    const sameValue = req.kind === 'decide' ? req.decision! : req.entityId!;

    if (fourEyes) {
      const pending = await tx.query<DeterminationRow>(
        `SELECT * FROM determinations WHERE subject = $1 AND status = 'pending' AND ${same} AND evidence_hash = $4
         ORDER BY id DESC LIMIT 1`,
        [req.itemId, req.kind, sameValue, it.evidence_hash],
      );
      const p = pending.rows[0];
      if (p && p.reviewer === req.reviewer)
        throw new UsageError(
          `four-eyes: ${req.reviewer} already recorded D${p.id}; a different reviewer must approve it`,
        );
      if (p) {
        const superseded = await supersede(tx, req, at, Number(p.id));
        const { rows } = await tx.query<DeterminationRow>(
          `UPDATE determinations SET status = 'in-force', approver = $2, decided_at = $3 WHERE id = $1 RETURNING *`,
          [p.id, req.reviewer, at],
        );
        const d = toDetermination(rows[0]!);
        await tx.query(`UPDATE review_items SET status = 'decided', updated_at = $2 WHERE id = $1`, [
          req.itemId,
          at,
        ]);
        audit.push(entry(ctx, 'determination.approved', d, { superseded, approverReason: req.reason }));
        await appendAudit(tx, audit);
        return { determination: d, state: 'approved' as const, superseded };
      }
    }
    const { rows } = await tx.query<DeterminationRow>(
      `INSERT INTO determinations (kind, subject, entity_id, decision, reason, evidence, reviewer, status,
         evidence_hash, automatic_decision, expires_at, created_at, decided_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING *`,
      [
        req.kind,
        req.itemId,
        req.kind === 'decide' ? null : req.entityId,
        req.kind === 'decide' ? req.decision : null,
        req.reason,
        JSON.stringify(req.evidence ?? []),
        req.reviewer,
        fourEyes ? 'pending' : 'in-force',
        it.evidence_hash,
        it.automatic_decision,
        req.expiresAt ?? null,
        at,
        fourEyes ? null : at,
      ],
    );
    const d = toDetermination(rows[0]!);
    const superseded = fourEyes ? [] : await supersede(tx, req, at, Number(rows[0]!.id));
    if (!fourEyes)
      await tx.query(`UPDATE review_items SET status = 'decided', updated_at = $2 WHERE id = $1`, [
        req.itemId,
        at,
      ]);
    audit.push(entry(ctx, fourEyes ? 'determination.pending' : 'determination.recorded', d, { superseded }));
    await appendAudit(tx, audit);
    return { determination: d, state: fourEyes ? ('pending' as const) : ('recorded' as const), superseded };
  });
}

/** A new word on the same question retires the older ones (same subject; same entity for match kinds). */
async function supersede(tx: Db, req: DeterminationRequest, at: string, keep: number): Promise<string[]> {
  const scope =
    req.kind === 'decide'
      ? `kind = 'decide'`
      : req.kind === 'confirm-match'
        ? `(kind = 'confirm-match' OR (kind = 'reject-match' AND entity_id = $4))`
        : `kind IN ('confirm-match', 'reject-match') AND entity_id = $4`;
  const params: unknown[] = [req.itemId, at, keep];
  if (req.kind !== 'decide') params.push(req.entityId);
  const { rows } = await tx.query<{ id: string | number }>(
    `UPDATE determinations SET status = 'superseded', closed_at = $2, close_reason = 'superseded by D' || $3
     WHERE subject = $1 AND id <> $3 AND status IN ('in-force', 'pending') AND ${scope} RETURNING id`,
    params,
  );
  return rows.map((r) => `D${r.id}`).sort();
}

function entry(
  ctx: WriteContext,
  action: string,
  d: Determination,
  extra: Record<string, unknown>,
): AuditEntry {
  return {
    at: ctx.at,
    actor: ctx.actor,
    action,
    subject: d.subject,
    payload: { determination: d, ...extra },
  };
}

// Reading review items and determinations back (review list/show, the audit's apply step).
import type { Verdict } from '../model/types.ts';
import type { Db } from '../store/db.ts';
import type { Determination, DeterminationKind, DeterminationStatus } from './determinations.ts';
import type { ReviewItem } from './review-store.ts';

interface ItemRow {
  id: string;
  subject_type: 'tenant' | 'entity';
  cloud: string | null;
  tenant_key: string | null;
  entity_id: string | null;
  status: ReviewItem['status'];
  automatic_decision: Verdict;
  match_status: ReviewItem['matchStatus'] | null;
  reasons: string[];
  candidates: ReviewItem['candidates'];
  evidence_hash: string;
  detail: unknown;
  first_seen: string;
  last_seen: string;
  updated_at: string;
}

const parse = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function toItem(r: ItemRow): ReviewItem {
  return {
    id: r.id,
    subjectType: r.subject_type,
    ...(r.cloud !== null ? { cloud: r.cloud } : {}),
    ...(r.tenant_key !== null ? { tenantKey: r.tenant_key } : {}),
    ...(r.entity_id !== null ? { entityId: r.entity_id } : {}),
    status: r.status,
    automaticDecision: r.automatic_decision,
    ...(r.match_status !== null && r.match_status !== undefined ? { matchStatus: r.match_status } : {}),
    reasons: parse<string[]>(r.reasons),
    candidates: parse<ReviewItem['candidates']>(r.candidates),
    evidenceHash: r.evidence_hash,
    ...(r.detail !== null && r.detail !== undefined ? { detail: parse<unknown>(r.detail) } : {}),
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    updatedAt: r.updated_at,
  };
}

export interface DeterminationRow {
  id: string | number;
  kind: DeterminationKind;
  subject: string;
  entity_id: string | null;
  decision: Verdict | null;
  reason: string;
  evidence: unknown;
  reviewer: string;
  approver: string | null;
  status: DeterminationStatus;
  evidence_hash: string;
  automatic_decision: Verdict;
  expires_at: string | null;
  created_at: string;
  decided_at: string | null;
}

export function toDetermination(r: DeterminationRow): Determination {
  return {
    id: `D${r.id}`,
    kind: r.kind,
    subject: r.subject,
    ...(r.entity_id !== null ? { entityId: r.entity_id } : {}),
    ...(r.decision !== null ? { decision: r.decision } : {}),
    reason: r.reason,
    evidence: parse<string[]>(r.evidence),
    reviewer: r.reviewer,
    ...(r.approver !== null ? { approver: r.approver } : {}),
    status: r.status,
    evidenceHash: r.evidence_hash,
    automaticDecision: r.automatic_decision,
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
    createdAt: r.created_at,
    ...(r.decided_at !== null ? { decidedAt: r.decided_at } : {}),
  };
}

export async function listReviewItems(
  db: Db,
  options: { status?: ReviewItem['status'] | 'all'; limit?: number; after?: string } = {},
): Promise<ReviewItem[]> {
  const status = options.status ?? 'open';
  const { rows } = await db.query<ItemRow>(
    `SELECT * FROM review_items WHERE ($1 = 'all' OR status = $1) AND id > $2 ORDER BY id LIMIT $3`,
    [status, options.after ?? '', options.limit ?? 1000],
  );
  return rows.map(toItem);
}

export async function getReviewItem(
  db: Db,
  id: string,
): Promise<(ReviewItem & { determinations: Determination[] }) | undefined> {
  const { rows } = await db.query<ItemRow>('SELECT * FROM review_items WHERE id = $1', [id]);
  if (!rows[0]) return undefined;
  const dets = await db.query<DeterminationRow>(
    'SELECT * FROM determinations WHERE subject = $1 ORDER BY id',
    [id],
  );
  return { ...toItem(rows[0]), determinations: dets.rows.map(toDetermination) };
}

/** Determinations by status (default: in force), for applyDeterminations / applyMatchDeterminations. */
export async function loadDeterminations(
  db: Db,
  statuses: readonly DeterminationStatus[] = ['in-force'],
): Promise<Determination[]> {
  const { rows } = await db.query<DeterminationRow>(
    'SELECT * FROM determinations WHERE status = ANY($1::text[]) ORDER BY id',
    [statuses],
  );
  return rows.map(toDetermination);
}

// Review workflow: determinations (pure application + store), review items, the audit log.
export {
  GENESIS_HASH,
  appendAudit,
  auditHead,
  auditRowsFor,
  hashAuditRow,
  verifyAuditLog,
  type AuditEntry,
  type AuditRow,
  type AuditVerification,
} from './audit-log.ts';
export {
  applyDeterminations,
  applyMatchDeterminations,
  checkDetermination,
  collectEvidence,
  entitySubject,
  evidenceHash,
  evidenceHashOfIds,
  requiresFourEyes,
  tenantSubject,
  type Determination,
  type DeterminationContext,
  type DeterminationKind,
  type DeterminationStatus,
  type EvidenceInput,
  type HoldersSource,
  type Lapse,
} from './determinations.ts';
export {
  closeStaleReviewItems,
  lapseExpired,
  needsReview,
  recordLapses,
  recordOutcomes,
  reviewItemFromDecision,
  reviewItemFromEntity,
  upsertReviewItems,
  type ReviewCandidate,
  type ReviewItem,
  type ReviewItemInput,
  type WriteContext,
} from './review-store.ts';
export { getReviewItem, listReviewItems, loadDeterminations } from './review-queries.ts';
export {
  recordDetermination,
  type DeterminationOutcome,
  type DeterminationRequest,
} from './review-decide.ts';

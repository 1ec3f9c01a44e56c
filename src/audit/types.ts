// What the audit takes and what it tells. The audit is the one job people run channelguard for:
// sync -> resolve -> evaluate -> report, for every partner.
import type { Cloud, MarketplaceAdapter } from '../adapter.ts';
import type { OwnershipFormat } from '../ingest/read.ts';
import type { LoadedOwnership } from '../ownership/load.ts';
import type { Logger } from '../log.ts';
import type { LoadedPolicy } from '../policy/schema.ts';
import type { ReportCounts, SigningKey } from '../report/index.ts';
import type { Db } from '../store/index.ts';
import type { RunSummary } from '../sync/run-sync.ts';

export type AuditStatus = 'ok' | 'partial' | 'stale' | 'blocked-delta';

export interface AuditOptions {
  db: Db;
  /** the partners to audit (each cloud is a partner) */
  partners: readonly Cloud[];
  /** adapters to sync first; undefined: decide on what the store already holds */
  adapters?: readonly MarketplaceAdapter[];
  /** the usage period the reports cover [start, end) */
  period: { start: string; end: string };
  ownershipFiles: readonly string[];
  ownershipFormat?: OwnershipFormat;
  /** an ownership graph already loaded (benchmarks): used instead of reading `ownershipFiles` */
  ownership?: LoadedOwnership;
  policy: LoadedPolicy;
  asOf: string;
  /** reports go to `${reportsDir}/${partner}/${runId}/` */
  reportsDir: string;
  /** loaded for every partner before any work: no key, no run (and exit 69) */
  signingKey: (partner: Cloud) => Promise<SigningKey>;
  /** hours; a source older than this is stale */
  maxAgeHours: Readonly<Record<Cloud, number>>;
  /** the share of decisions that may change since the last run before the audit stops */
  deltaGuardShare: number;
  acceptDelta: boolean;
  logger: Logger;
  clock: () => Date;
  /** progress, for the CLI's bars */
  onStage?: (stage: string, detail?: Record<string, unknown>) => void;
  /** tenants decided per batch (memory is bounded by it) */
  batchSize?: number;
}

export interface PartnerSummary {
  partner: Cloud;
  tenants: number;
  restricted: number;
  review: number;
  allowed: number;
  unresolved: number;
  /** the partner's sources are older than their maximum age: decisions stale, report withheld */
  stale: boolean;
  /** a source of this partner failed in its last attempt: the report says so */
  complete: boolean;
  report?: { dir: string; manifestSha256: string; counts: ReportCounts };
  /** why no report was written */
  withheld?: string;
}

export interface DeltaSummary {
  previousRun: string;
  compared: number;
  changed: number;
  share: number;
  limit: number;
  /** "restricted->allowed": n */
  transitions: Record<string, number>;
  blocked: boolean;
}

export interface AuditSummary {
  runId: string;
  status: AuditStatus;
  asOf: string;
  policy: { id: string; version: string; sha256: string };
  ownership: { files: number; statements: number; issues: number; sha256: string };
  sync?: Pick<RunSummary, 'runId' | 'status' | 'durationMs' | 'clouds' | 'failures'>;
  partners: PartnerSummary[];
  delta?: DeltaSummary;
  stages: Array<{ stage: string; ms: number }>;
  durationMs: number;
}

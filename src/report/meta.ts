// The report-level facts every format states: partner, run, policy, as-of date, snapshots.
import type { Cloud } from '../adapter.ts';
import type { PolicyRef } from '../policy/schema.ts';
import type { PartnerReportInput, SnapshotRef } from './types.ts';

export interface ReportMeta {
  partner: Cloud;
  run: string;
  generatedAt: string;
  asOf: string;
  period: { start: string; end: string };
  policy: PolicyRef & { threshold: { percent: number; inclusive: boolean } };
  snapshots: Array<{
    source: string;
    cloud: Cloud | null;
    retrievedAt: string;
    sha256: string | null;
    complete: boolean;
  }>;
  dataComplete: boolean;
  incompleteSources: string[];
  previousManifestSha256: string | null;
}

const bySource = (a: SnapshotRef, b: SnapshotRef) =>
  a.source < b.source
    ? -1
    : a.source > b.source
      ? 1
      : a.retrievedAt < b.retrievedAt
        ? -1
        : a.retrievedAt > b.retrievedAt
          ? 1
          : 0;

export function reportMeta(input: PartnerReportInput): ReportMeta {
  const snapshots = [...input.snapshots].sort(bySource).map((s) => ({
    source: s.source,
    cloud: s.cloud ?? null,
    retrievedAt: s.retrievedAt,
    sha256: s.sha256 ?? null,
    complete: s.complete === true,
  }));
  const incompleteSources = [...new Set(snapshots.filter((s) => !s.complete).map((s) => s.source))];
  return {
    partner: input.partner,
    run: input.runId,
    generatedAt: input.generatedAt,
    asOf: input.asOf,
    period: { start: input.period.start, end: input.period.end },
    policy: {
      id: input.policy.id,
      version: input.policy.version,
      sha256: input.policy.sha256,
      threshold: {
        percent: input.policyRules.threshold.percent,
        inclusive: input.policyRules.threshold.inclusive,
      },
    },
    snapshots,
    // No snapshot at all is not evidence of completeness.
    dataComplete: snapshots.length > 0 && incompleteSources.length === 0,
    incompleteSources: snapshots.length === 0 ? ['(no data snapshot listed)'] : incompleteSources,
    previousManifestSha256: input.previousReport?.digest ?? null,
  };
}

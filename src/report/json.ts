// report.json, schema version 1.0 (report.schema.json). Written as a stream: the header, one
// tenant object per line, the resolved tenants, then the counts. Key order is fixed by
// construction, so equal inputs give equal bytes.
import type { ReportMeta } from './meta.ts';
import type { ReportRow } from './rows.ts';
import type { ReportCounts } from './types.ts';

export const REPORT_SCHEMA_VERSION = '1.0';

export function jsonHead(meta: ReportMeta): string {
  const head = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'channelguard-partner-exception-report',
    partner: meta.partner,
    run: meta.run,
    generatedAt: meta.generatedAt,
    asOf: meta.asOf,
    period: meta.period,
    policy: meta.policy,
    dataComplete: meta.dataComplete,
    incompleteSources: meta.incompleteSources,
    snapshots: meta.snapshots,
    previousManifestSha256: meta.previousManifestSha256,
  };
  const body = JSON.stringify(head);
  return `${body.slice(0, -1)},\n"tenants":[`;
}

export function jsonRow(row: ReportRow, first: boolean): string {
  const { chain } = row;
  const out = {
    tenantKey: row.tenantKey,
    partnerIds: row.partnerIds,
    entityId: row.entityId,
    entityName: row.entityName,
    decision: row.decision,
    change: row.change,
    previousDecision: row.previousDecision,
    reasons: row.reasons,
    chain: { nodes: chain.nodes, edges: chain.edges, paths: chain.paths },
    usage: row.usage,
    firstFlaggedAt: row.firstFlaggedAt,
    restrictionEffectiveAt: row.restrictionEffectiveAt,
    enforcementGap: row.enforcementGap,
  };
  return `${first ? '\n' : ',\n'}${JSON.stringify(out)}`;
}

export function jsonBetween(): string {
  return '\n],\n"resolved":[';
}

export function jsonTail(counts: ReportCounts): string {
  return `\n],\n"counts":${JSON.stringify(counts)}}\n`;
}

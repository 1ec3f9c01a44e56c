// report.csv: RFC 4180 (CRLF, quoted where needed, quotes doubled), and safe to open in a
// spreadsheet: a cell starting with = + - @ TAB or CR is prefixed with ' so it is never a formula.
import type { ReportMeta } from './meta.ts';
import type { ReportRow } from './rows.ts';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: Array<string | number | null | undefined>): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

export const CSV_COLUMNS = [
  'partner',
  'tenant_key',
  'account',
  'billing_account',
  'tenant',
  'subscriptions',
  'entity_id',
  'entity_name',
  'decision',
  'change',
  'previous_decision',
  'reasons',
  'reason_codes',
  'ownership_chain',
  'requests',
  'input_tokens',
  'output_tokens',
  'spend',
  'currency',
  'last_usage_at',
  'first_flagged_at',
  'restriction_effective_at',
  'enforcement_gap',
  'policy_id',
  'policy_version',
  'policy_sha256',
  'as_of',
  'period_start',
  'period_end',
  'data_status',
  'snapshots',
] as const;

export function csvHeader(): string {
  return csvLine([...CSV_COLUMNS]);
}

/** "Acme Ltd <- 60% shareholding <- Parent Co [rel-1]" per path, paths separated by " ; ". */
export function chainText(row: ReportRow): string {
  const label = new Map(row.chain.nodes.map((n) => [n.ref, n.label]));
  return row.chain.paths
    .map((p) => {
      const parts: string[] = [];
      p.edges.forEach((ei, i) => {
        const e = row.chain.edges[ei];
        if (!e) return;
        if (i === 0) parts.push(label.get(e.subject) ?? '?');
        const src = e.source === null ? 'record withheld: individual' : e.source;
        parts.push(`<- ${e.share.text} ${e.interestType} <- ${label.get(e.holder) ?? '?'} [${src}]`);
      });
      if (parts.length === 0) parts.push(label.get(p.root) ?? '?');
      return `${parts.join(' ')} (${p.rootReason.text})`;
    })
    .join(' ; ');
}

export function csvRow(row: ReportRow, meta: ReportMeta): string {
  const ids = row.partnerIds;
  return csvLine([
    meta.partner,
    row.tenantKey,
    ids.account,
    ids.billingAccount,
    ids.tenant,
    ids.subscriptions?.join(';'),
    row.entityId,
    row.entityName,
    row.decision ?? 'resolved',
    row.change,
    row.previousDecision,
    row.reasons.map((r) => r.text).join(' | '),
    row.reasons.map((r) => r.code).join(' '),
    chainText(row),
    row.usage?.requests,
    row.usage?.inputTokens,
    row.usage?.outputTokens,
    row.usage?.spend,
    row.usage?.currency,
    row.usage?.lastUsageAt,
    row.firstFlaggedAt,
    row.restrictionEffectiveAt,
    row.enforcementGap === 'no'
      ? ''
      : row.enforcementGap === 'yes'
        ? 'ENFORCEMENT GAP'
        : 'POSSIBLE ENFORCEMENT GAP',
    meta.policy.id,
    meta.policy.version,
    meta.policy.sha256,
    meta.asOf,
    meta.period.start,
    meta.period.end,
    meta.dataComplete ? 'complete' : `INCOMPLETE: ${meta.incompleteSources.join(', ')}`,
    meta.snapshots.map((s) => `${s.source}@${s.retrievedAt}${s.complete ? '' : ' (INCOMPLETE)'}`).join('; '),
  ]);
}

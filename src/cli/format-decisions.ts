// Decisions as jsonl, CSV or an aligned table. Pure: text in, text out; same decisions, same bytes.
import type { Decision, WitnessPath } from '../evaluator/index.ts';
import { columns } from './columns.ts';

export type DecisionFormat = 'jsonl' | 'csv' | 'table';
export const DECISION_FORMATS: readonly DecisionFormat[] = ['jsonl', 'csv', 'table'];

export function jsonlLine(d: Decision): string {
  return JSON.stringify(d) + '\n';
}

export const CSV_COLUMNS = [
  'id',
  'name',
  'kind',
  'decision',
  'reasons',
  'cascade_verdict',
  'cascade_min',
  'cascade_max',
  'look_through_verdict',
  'look_through_min',
  'look_through_max',
  'flags',
  'paths',
  'policy_id',
  'policy_version',
  'policy_sha256',
  'as_of',
] as const;

/**
 * One CSV cell: quoted when it holds a comma, quote or line break; a text cell that a spreadsheet
 * would run as a formula (= + - @ tab CR) gets a leading apostrophe.
 */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const pct = (n: number) => `${n}%`;

/** "T <- 60% shareholding <- H <- 100% shareholding <- CN1 [origin:headquarters:CN]" */
export function pathText(p: WitnessPath): string {
  const hops = p.hops.map((h) => {
    const share = h.share.min === h.share.max ? pct(h.share.min) : `${h.share.min}-${h.share.max}%`;
    return ` <- ${share} ${h.interestType} <- ${h.holder}`;
  });
  const start = p.hops[0]?.subject ?? p.root;
  return `${start}${hops.join('')} [${p.rootReason}]`;
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\n';
}

export function csvRow(d: Decision): string {
  const cells: Array<string | number> = [
    d.id,
    d.name ?? '',
    d.kind,
    d.decision,
    d.reasons.join(';'),
    d.cascade.verdict,
    d.cascade.min,
    d.cascade.max,
    d.lookThrough.verdict,
    d.lookThrough.min,
    d.lookThrough.max,
    d.flags.join(';'),
    d.paths.map(pathText).join(' | '),
    d.policy.id,
    d.policy.version,
    d.policy.sha256,
    d.asOf,
  ];
  return cells.map(csvCell).join(',') + '\n';
}

const range = (r: { min: number; max: number }) => (r.min === r.max ? pct(r.min) : `${r.min}-${r.max}%`);

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** An aligned table for a terminal. */
export function table(decisions: readonly Decision[]): string {
  const header = ['ID', 'NAME', 'DECISION', 'CASCADE', 'LOOK-THROUGH', 'REASONS'];
  const rows = decisions.map((d) => [
    d.id,
    clip(d.name ?? '', 40),
    d.decision.toUpperCase(),
    `${d.cascade.verdict} ${range(d.cascade)}`,
    `${d.lookThrough.verdict} ${range(d.lookThrough)}`,
    d.reasons.join(', '),
  ]);

  const counts = (['restricted', 'review', 'allowed'] as const)
    .map((v) => `${decisions.filter((d) => d.decision === v).length} ${v}`)
    .join(', ');
  return columns(header, rows).join('\n') + `\n\n${decisions.length} entities: ${counts}\n`;
}

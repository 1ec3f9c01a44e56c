// One decision as a person reads it: the verdict and why, both methods against the threshold,
// the chains up to the restricted owners (each hop with its share and source record), the holders.
import type { Decision, HolderView, WitnessPath } from '../evaluator/index.ts';
import type { RecordIssue, ShareInput } from '../model/types.ts';
import type { Policy } from '../policy/schema.ts';
import { formatIssue } from './evaluate-input.ts';

const REASONS: Record<string, string> = {
  cascade:
    'cascade: the stakes held by restricted parties, control passing whole through each restricted company, cross the threshold',
  'look-through':
    'look-through: the effective restricted ownership, multiplied along the chains, crosses the threshold',
  'unknown-origin': 'an owner of unknown origin may be restricted (policy unidentifiedOwners: review)',
  'invalid-share': 'a stated share is not a valid percentage: it counts as anything from 0 to 100%',
  'inconsistent-shares': 'the stated stakes add up to more than 100%: the data contradicts itself',
  'self-holding': 'the company is stated to hold itself (ignored)',
  'conflicting-statements':
    'two statements of the same date disagree; the one with the larger statementId was used',
  remainder:
    'part of the capital is held by no stated owner and may be restricted (policy unaccountedShares: unknown)',
  'paths-truncated': 'there are more chains than shown',
  'input-issue': 'a record this decision depends on was refused when the ownership data was read (see below)',
};

export function reasonText(code: string): string {
  const origin = /^origin:([A-Za-z]+):(.+)$/.exec(code);
  if (origin) return `its ${origin[1]} is ${origin[2]}, a restricted region: it is restricted by itself`;
  const control = /^control:(.+)$/.exec(code);
  if (control) return `a restricted or possibly restricted party holds ${control[1]}, a control interest`;
  return REASONS[code] ?? code;
}

export function thresholdText(p: Policy): string {
  return p.threshold.inclusive ? `${p.threshold.percent}% or more` : `more than ${p.threshold.percent}%`;
}

const pct = (n: number) => `${n}%`;
const range = (r: { min: number; max: number }) =>
  r.min === r.max ? `exactly ${pct(r.min)}` : `between ${pct(r.min)} and ${pct(r.max)}`;

function conclusion(d: Decision, p: Policy): string {
  const t = thresholdText(p);
  if (d.decision === 'restricted')
    return `RESTRICTED: it is controlled from a restricted region (${t}, or by origin or control).`;
  if (d.decision === 'review')
    return `REVIEW: it may be controlled from a restricted region, but the data does not settle it: at most it crosses ${t}, at least it does not.`;
  return `ALLOWED: even counting every uncertain stake at its most, restricted owners do not reach ${t}.`;
}

export function shareText(s: ShareInput | undefined): string {
  if (s === undefined) return 'share not stated';
  if (s.exact !== undefined) return `${String(s.exact)}%`;
  const lo =
    s.exclusiveMinimum !== undefined
      ? `more than ${String(s.exclusiveMinimum)}%`
      : s.minimum !== undefined
        ? `at least ${String(s.minimum)}%`
        : '';
  const hi =
    s.exclusiveMaximum !== undefined
      ? `less than ${String(s.exclusiveMaximum)}%`
      : s.maximum !== undefined
        ? `at most ${String(s.maximum)}%`
        : '';
  return [lo, hi].filter((x) => x !== '').join(', ') || 'share not stated';
}

function chain(p: WitnessPath, n: number, policy: Policy): string[] {
  const control = new Set<string>([...policy.control.restricting, ...policy.control.indicative]);
  const out = [
    `  ${n}. up to ${p.root} (${reasonText(p.rootReason)})`,
    `       ${p.hops[0]?.subject ?? p.root}`,
  ];
  for (const h of p.hops) {
    const share = h.share.min === h.share.max ? pct(h.share.min) : `${pct(h.share.min)}-${pct(h.share.max)}`;
    const how = control.has(h.interestType)
      ? `controlled (${h.interestType})`
      : `held ${share} (${h.interestType})`;
    out.push(`         ${how} by ${h.holder}   [record ${h.source}, statement ${h.statementId}]`);
  }
  return out;
}

function holderLine(h: HolderView): string {
  const who = typeof h.holder === 'string' ? h.holder : `an unspecified party (${h.holder.reason})`;
  const interests =
    h.interests.length === 0
      ? 'no interest stated'
      : h.interests.map((i) => `${i.type ?? '(no type)'} ${shareText(i.share)}`).join('; ');
  return `  - ${who}: ${interests}   [record ${h.relationshipId}, statement ${h.statementId}]`;
}

export function explainText(
  d: Decision,
  policy: Policy,
  holders: readonly HolderView[],
  issues: readonly RecordIssue[],
): string {
  const lines: string[] = [];
  lines.push(`${d.id}${d.name !== undefined ? `  ${d.name}` : ''}  (${d.kind})`);
  lines.push(
    `as of ${d.asOf}, policy ${d.policy.id} ${d.policy.version} (sha256 ${d.policy.sha256.slice(0, 12)}…)`,
  );
  lines.push('');
  lines.push(conclusion(d, policy));
  lines.push('');
  lines.push(
    `Threshold: ${thresholdText(policy)}; method: ${policy.method}; aggregation: ${policy.aggregation}`,
  );
  lines.push(
    `  cascade (control passes whole):  ${(d.cascade.verdict + ':').padEnd(11)} held by restricted parties: ${range(d.cascade)}`,
  );
  lines.push(
    `  look-through (multiplied):       ${(d.lookThrough.verdict + ':').padEnd(11)} effective restricted ownership: ${range(d.lookThrough)}`,
  );
  lines.push('');
  lines.push('Why:');
  if (d.reasons.length === 0) lines.push('  no restricted owner, control or uncertainty reaches it');
  for (const r of d.reasons) lines.push(`  - ${reasonText(r)}  [${r}]`);
  if (d.flags.length > 0) lines.push(`Flags: ${d.flags.join(', ')}`);
  lines.push('');
  lines.push(
    d.paths.length > 0
      ? 'Chains to restricted or unknown owners:'
      : 'Chains to restricted or unknown owners: none',
  );
  d.paths.forEach((p, i) => lines.push(...chain(p, i + 1, policy)));
  lines.push('');
  lines.push(holders.length > 0 ? 'Direct holders in force:' : 'Direct holders in force: none stated');
  for (const h of holders) lines.push(holderLine(h));
  if (issues.length > 0) {
    lines.push('');
    lines.push('Input issues bearing on it:');
    for (const i of issues) lines.push(`  - ${formatIssue(i)}`);
  }
  return lines.join('\n') + '\n';
}

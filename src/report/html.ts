// report.html: one self-contained page (inline CSS and JS allowed by hash, nothing external), a
// sortable, filterable table with each tenant's chain drawn as inline SVG. Streamed: head, rows,
// tail. Every value from the data is escaped.
import type { ChainView } from './chain.ts';
import { escapeHtml as e } from './escape.ts';
import { REPORT_CSP, REPORT_CSS, REPORT_JS } from './html-assets.ts';
import type { ReportMeta } from './meta.ts';
import type { ReportRow } from './rows.ts';
import { chainSvg } from './svg.ts';
import type { ReportCounts } from './types.ts';

const PARTNER_NAMES = { aws: 'AWS', gcp: 'Google Cloud', azure: 'Microsoft Azure' } as const;

const COLUMNS: Array<{ label: string; num?: boolean }> = [
  { label: 'Tenant' },
  { label: 'Partner ids' },
  { label: 'Company' },
  { label: 'Decision' },
  { label: 'Change' },
  { label: 'Reasons' },
  { label: 'Requests', num: true },
  { label: 'Spend', num: true },
  { label: 'Last usage' },
  { label: 'First flagged' },
  { label: 'Enforcement' },
  { label: 'Ownership chain' },
];

export function htmlHead(meta: ReportMeta): string {
  const title = `${PARTNER_NAMES[meta.partner]} exception report — ${meta.asOf}`;
  const alert = meta.dataComplete
    ? ''
    : `<div class="alert" role="alert">INCOMPLETE DATA: this report was built from incomplete sources (${e(meta.incompleteSources.join(', '))}). Tenants may be missing; absence from this report does not mean a tenant was checked.</div>\n`;
  const snapshots = meta.snapshots
    .map(
      (s) =>
        `<li>${e(s.source)}${s.cloud ? ` (${e(s.cloud)})` : ''}, retrieved ${e(s.retrievedAt)}${s.sha256 ? `, sha256 <code>${e(s.sha256)}</code>` : ''}${s.complete ? '' : ' <strong>INCOMPLETE</strong>'}</li>`,
    )
    .join('');
  const thr = meta.policy.threshold;
  const head = COLUMNS.map(
    (c, i) =>
      `<th scope="col"><button type="button" data-col="${i}"${c.num ? ' data-type="num"' : ''}>${e(c.label)}</button></th>`,
  ).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(REPORT_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${alert}<header>
<h1>${e(title)}</h1>
<dl class="meta">
<dt>Partner</dt><dd>${e(PARTNER_NAMES[meta.partner])} (<code>${e(meta.partner)}</code>)</dd>
<dt>Run</dt><dd><code>${e(meta.run)}</code>, generated ${e(meta.generatedAt)}</dd>
<dt>Decisions as of</dt><dd>${e(meta.asOf)}</dd>
<dt>Usage period</dt><dd>${e(meta.period.start)} to ${e(meta.period.end)}</dd>
<dt>Policy</dt><dd><code>${e(meta.policy.id)}</code> version <code>${e(meta.policy.version)}</code>, sha256 <code>${e(meta.policy.sha256)}</code>; threshold ${thr.inclusive ? `${e(thr.percent)}% or more` : `more than ${e(thr.percent)}%`}</dd>
<dt>Data snapshots</dt><dd><ul>${snapshots || '<li><strong>none listed</strong></li>'}</ul></dd>
<dt>Previous report</dt><dd>${meta.previousManifestSha256 ? `manifest sha256 <code>${e(meta.previousManifestSha256)}</code>` : 'none (first report)'}</dd>
</dl>
<p class="muted">Natural persons are shown only as "individual, country". Shares are intervals: "&gt;50%" means more than 50%, "25–50%" between the two, "unknown" 0–100%.</p>
</header>
<section>
<label for="filter">Filter rows: </label><input id="filter" type="search" placeholder="tenant, company, decision, reason…" autocomplete="off">
<span class="muted">showing <span id="shown">all</span></span>
<table id="tenants">
<thead><tr>${head}</tr></thead>
<tbody>
`;
}

function hopsList(chain: ChainView): string {
  if (chain.edges.length === 0) return '';
  const label = new Map(chain.nodes.map((n) => [n.ref, n.label]));
  const items = chain.edges.map(
    (h) =>
      `<li>${e(label.get(h.holder))} holds ${e(h.share.text)} (${e(h.interestType)}) of ${e(label.get(h.subject))} — source ${h.source === null ? 'withheld (individual)' : `<code>${e(h.source)}</code>`}</li>`,
  );
  const roots = chain.paths.map((p) => `<li>${e(label.get(p.root))}: ${e(p.rootReason.text)}</li>`);
  return `<ul class="hops">${items.join('')}</ul><ul class="hops">${[...new Set(roots)].join('')}</ul>`;
}

function gapCell(row: ReportRow): string {
  if (row.enforcementGap === 'yes')
    return `<td data-v="2"><span class="gap">ENFORCEMENT GAP</span>usage after the restriction took effect (${e(row.restrictionEffectiveAt)})</td>`;
  if (row.enforcementGap === 'possible')
    return `<td data-v="1"><span class="gap possible">POSSIBLE ENFORCEMENT GAP</span>usage in the period; time of last use unknown</td>`;
  return `<td data-v="0">${row.restrictionEffectiveAt ? `restricted since ${e(row.restrictionEffectiveAt)}` : ''}</td>`;
}

export function htmlRow(row: ReportRow, index: number): string {
  const ids = row.partnerIds;
  const idText = [
    ids.account ? `account ${ids.account}` : '',
    ids.billingAccount ? `billing ${ids.billingAccount}` : '',
    ids.tenant ? `tenant ${ids.tenant}` : '',
    ids.subscriptions?.length ? `subscriptions ${ids.subscriptions.join(', ')}` : '',
  ]
    .filter(Boolean)
    .map((s) => `<div>${e(s)}</div>`)
    .join('');
  const decision = row.decision ?? 'resolved';
  const change =
    row.change === 'changed'
      ? `changed (was ${row.previousDecision})`
      : row.change === 'resolved'
        ? `resolved (was ${row.previousDecision})`
        : row.change;
  const reasons = row.reasons.length
    ? `<ul class="reasons">${row.reasons.map((r) => `<li title="${e(r.code)}">${e(r.text)}</li>`).join('')}</ul>`
    : '<span class="muted">no longer flagged</span>';
  const u = row.usage;
  const chain = row.chain.nodes.length
    ? `<details><summary>${row.chain.paths.length} path(s)</summary>${chainSvg(row.chain, String(index))}${hopsList(row.chain)}</details>`
    : '';
  return `<tr>
<td><code>${e(row.tenantKey)}</code></td>
<td>${idText}</td>
<td data-v="${e(row.entityName ?? '')}">${e(row.entityName ?? '')}${row.entityId ? `<div class="muted">${e(row.entityId)}</div>` : ''}</td>
<td class="${e(decision)}">${e(decision)}</td>
<td>${e(change)}</td>
<td>${reasons}</td>
<td class="num" data-v="${u ? u.requests : -1}">${u ? e(u.requests) : ''}</td>
<td class="num" data-v="${u ? u.spend : -1}">${u ? `${e(u.spend)} ${e(u.currency)}` : ''}</td>
<td>${e(u?.lastUsageAt ?? '')}</td>
<td>${e(row.firstFlaggedAt)}</td>
${gapCell(row)}
<td>${chain}</td>
</tr>
`;
}

export function htmlTail(counts: ReportCounts): string {
  const items: Array<[string, number]> = [
    ['tenants flagged', counts.tenants],
    ['restricted', counts.restricted],
    ['review', counts.review],
    ['new', counts.new],
    ['unchanged', counts.unchanged],
    ['changed', counts.changed],
    ['resolved since the last report', counts.resolved],
    ['enforcement gaps', counts.enforcementGaps],
    ['possible enforcement gaps', counts.possibleEnforcementGaps],
  ];
  return `</tbody>
</table>
</section>
<section id="summary"><h2>Summary</h2><ul>${items.map(([k, v]) => `<li>${e(k)}: <strong>${v}</strong></li>`).join('')}</ul></section>
<script>${REPORT_JS}</script>
</body>
</html>
`;
}

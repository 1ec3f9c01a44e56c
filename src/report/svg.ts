// The ownership chain of one tenant drawn as inline SVG: owners above, the tenant's entity at the
// bottom, one box per party and one arrow per holding labelled with its share. Every text escaped.
import type { ChainView } from './chain.ts';
import { escapeHtml } from './escape.ts';

const BOX_W = 190;
const BOX_H = 38;
const GAP_X = 24;
const GAP_Y = 70;
const PAD = 10;
const MAX_LABEL = 26;

function shorten(text: string): string {
  const cps = [...text];
  return cps.length <= MAX_LABEL ? text : cps.slice(0, MAX_LABEL - 1).join('') + '…';
}

/** `uid` makes the arrow marker id unique in the page. */
export function chainSvg(chain: ChainView, uid: string): string {
  if (chain.nodes.length === 0) return '';
  const byLayer = new Map<number, string[]>();
  for (const n of chain.nodes) {
    const list = byLayer.get(n.layer) ?? [];
    list.push(n.ref);
    byLayer.set(n.layer, list);
  }
  const maxLayer = Math.max(...byLayer.keys());
  const widest = Math.max(...[...byLayer.values()].map((l) => l.length));
  const width = PAD * 2 + widest * BOX_W + (widest - 1) * GAP_X;
  const height = PAD * 2 + (maxLayer + 1) * BOX_H + maxLayer * GAP_Y;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [layer, refs] of byLayer) {
    const rowW = refs.length * BOX_W + (refs.length - 1) * GAP_X;
    const x0 = (width - rowW) / 2;
    refs.forEach((ref, i) =>
      pos.set(ref, { x: x0 + i * (BOX_W + GAP_X), y: PAD + (maxLayer - layer) * (BOX_H + GAP_Y) }),
    );
  }
  const marker = `a-${uid}`;
  const parts: string[] = [
    `<svg class="chain" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="ownership chain">`,
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>`,
  ];
  for (const e of chain.edges) {
    const h = pos.get(e.holder);
    const s = pos.get(e.subject);
    if (!h || !s) continue;
    const x1 = h.x + BOX_W / 2;
    const y1 = h.y + BOX_H;
    const x2 = s.x + BOX_W / 2;
    const y2 = s.y;
    const label = `${e.share.text} ${e.interestType}`;
    parts.push(
      `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#555" stroke-width="1.4" marker-end="url(#${marker})"/>`,
      `<text x="${(x1 + x2) / 2 + 4}" y="${(y1 + y2) / 2}" font-size="11" fill="#222"><title>${escapeHtml(`${label} — source ${e.source ?? 'withheld (individual)'}`)}</title>${escapeHtml(shorten(label))}</text>`,
    );
  }
  for (const n of chain.nodes) {
    const p = pos.get(n.ref);
    if (!p) continue;
    const fill =
      n.layer === 0
        ? '#e8eefc'
        : n.kind === 'individual'
          ? '#f3f3f3'
          : n.kind === 'unknown'
            ? '#fff4d6'
            : '#fff';
    parts.push(
      `<g><title>${escapeHtml(n.id === null ? n.label : `${n.label} (${n.id})`)}</title>`,
      `<rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="5" fill="${fill}" stroke="#333"/>`,
      `<text x="${p.x + 8}" y="${p.y + 16}" font-size="12" fill="#000">${escapeHtml(shorten(n.label))}</text>`,
      `<text x="${p.x + 8}" y="${p.y + 31}" font-size="10" fill="#555">${escapeHtml(n.kind + (n.countries.length ? ' · ' + n.countries.join('/') : ''))}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

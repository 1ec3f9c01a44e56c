// The company-level ownership chain of one tenant, as the report may show it: witness paths
// merged into one graph (diamonds drawn once), every hop with its share and source record, and
// natural persons reduced to "individual, <country>" — no name, no id, no record id of theirs.
import type { PartyKind } from '../model/types.ts';
import type { ChainParty } from './types.ts';
import type { WitnessPath } from './witness.ts';
import { formatShare, isUnknownShare, wordRootReason, type WordingContext } from './wording.ts';

export type NodeKind = 'company' | 'state' | 'individual' | 'unknown';

export interface ChainNode {
  /** "n0" is the tenant's entity; refs are local to one tenant */
  ref: string;
  kind: NodeKind;
  label: string;
  /** the party's record id: companies and states only */
  id: string | null;
  countries: string[];
  /** longest distance from the tenant's entity along the paths (0 = the entity) */
  layer: number;
}

export interface ChainEdge {
  holder: string;
  subject: string;
  interestType: string;
  share: { text: string; min: number; max: number; minOpen: boolean; maxOpen: boolean };
  /** relationship record id; null when the holder is a natural person (withheld) */
  source: string | null;
}

export interface ChainPathView {
  root: string;
  rootReason: { code: string; text: string };
  /** indexes into `edges`, from the entity upwards */
  edges: number[];
}

export interface ChainView {
  nodes: ChainNode[];
  edges: ChainEdge[];
  paths: ChainPathView[];
  /** some hop's share is entirely unknown (0–100%) */
  hasUnknownShare: boolean;
}

const PERSON_KINDS: ReadonlySet<PartyKind> = new Set(['person', 'unknownPerson', 'anonymousPerson']);

function nodeKind(party: ChainParty | undefined, id: string): NodeKind {
  if (id.startsWith('unspecified:') || party === undefined) return 'unknown';
  if (PERSON_KINDS.has(party.kind)) return 'individual';
  if (party.kind === 'state' || party.kind === 'stateBody') return 'state';
  if (party.kind === 'unknownEntity' || party.kind === 'anonymousEntity') return 'unknown';
  return 'company';
}

function countriesOf(party: ChainParty | undefined, rootReason: string | undefined): string[] {
  const out = new Set(party?.countries ?? []);
  const m = rootReason?.match(/^origin:[A-Za-z]+:([A-Z]{2}(?:-[A-Z0-9]{1,3})?)$/);
  if (m?.[1]) out.add(m[1]);
  return [...out].sort();
}

function labelOf(kind: NodeKind, party: ChainParty | undefined, id: string, countries: string[]): string {
  const where = countries.length > 0 ? countries.join('/') : 'country unknown';
  switch (kind) {
    case 'individual':
      return `individual, ${where}`;
    case 'unknown':
      return id.startsWith('unspecified:') ? 'unidentified owner' : `undescribed party`;
    case 'state':
    case 'company':
      return party?.name ?? id;
  }
}

/** Merges the witness paths of one decision into a drawable, redacted graph. */
export function buildChain(
  entityId: string | undefined,
  paths: readonly WitnessPath[],
  parties: Readonly<Record<string, ChainParty>>,
  ctx: WordingContext,
): ChainView {
  const layers = new Map<string, number>();
  const rootReasonOf = new Map<string, string>();
  const entity = entityId ?? paths[0]?.hops[0]?.subject;
  if (entity !== undefined) layers.set(entity, 0);
  for (const p of paths) {
    if (!rootReasonOf.has(p.root)) rootReasonOf.set(p.root, p.rootReason);
    p.hops.forEach((hop, i) => {
      if (!layers.has(hop.subject)) layers.set(hop.subject, i);
      layers.set(hop.holder, Math.max(layers.get(hop.holder) ?? 0, i + 1));
    });
    if (!layers.has(p.root)) layers.set(p.root, p.hops.length);
  }
  // Order nodes by layer, then by id, so refs are stable whatever order the paths came in.
  const ids = [...layers.keys()].sort((a, b) => {
    if (a === entity) return -1;
    if (b === entity) return 1;
    const d = (layers.get(a) ?? 0) - (layers.get(b) ?? 0);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
  const refOf = new Map<string, string>();
  const nodes: ChainNode[] = ids.map((id, i) => {
    const party = parties[id];
    const kind = nodeKind(party, id);
    const countries = countriesOf(party, rootReasonOf.get(id));
    const ref = `n${i}`;
    refOf.set(id, ref);
    const shown = kind === 'company' || kind === 'state';
    return {
      ref,
      kind,
      label: labelOf(kind, party, id, countries),
      id: shown ? id : null,
      countries,
      layer: layers.get(id) ?? 0,
    };
  });
  const kindOf = new Map(nodes.map((n) => [n.ref, n.kind]));
  const edges: ChainEdge[] = [];
  const edgeIndex = new Map<string, number>();
  let hasUnknownShare = false;
  const pathViews: ChainPathView[] = paths.map((p) => {
    const idx = p.hops.map((hop) => {
      const holder = refOf.get(hop.holder) ?? 'n0';
      const subject = refOf.get(hop.subject) ?? 'n0';
      const key = JSON.stringify([holder, subject, hop.interestType, hop.source, hop.share]);
      const seen = edgeIndex.get(key);
      if (seen !== undefined) return seen;
      if (isUnknownShare(hop.share)) hasUnknownShare = true;
      edges.push({
        holder,
        subject,
        interestType: hop.interestType,
        share: {
          text: formatShare(hop.share),
          min: hop.share.min,
          max: hop.share.max,
          minOpen: hop.share.minOpen === true,
          maxOpen: hop.share.maxOpen === true,
        },
        source: kindOf.get(holder) === 'individual' ? null : hop.source,
      });
      edgeIndex.set(key, edges.length - 1);
      return edges.length - 1;
    });
    return {
      root: refOf.get(p.root) ?? 'n0',
      rootReason: { code: p.rootReason, text: wordRootReason(p.rootReason, ctx) },
      edges: idx,
    };
  });
  return { nodes, edges, paths: pathViews, hasUnknownShare };
}

/** "companies in CN", "owners in CN, RU": who the restricted roots of the paths are. */
export function describeOwners(
  paths: readonly WitnessPath[],
  parties: Readonly<Record<string, ChainParty>>,
): string | undefined {
  const regions = new Set<string>();
  const kinds = new Set<NodeKind>();
  for (const p of paths) {
    const m = p.rootReason.match(/^origin:[A-Za-z]+:([A-Z]{2}(?:-[A-Z0-9]{1,3})?)$/);
    if (!m?.[1]) continue;
    regions.add(m[1]);
    kinds.add(nodeKind(parties[p.root], p.root));
  }
  if (regions.size === 0) return undefined;
  const noun =
    kinds.size === 1 && kinds.has('company')
      ? 'companies'
      : kinds.size === 1 && kinds.has('individual')
        ? 'individuals'
        : kinds.size === 1 && kinds.has('state')
          ? 'states or state bodies'
          : 'owners';
  return `${noun} in ${[...regions].sort().join(', ')}`;
}

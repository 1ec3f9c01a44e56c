// One GLEIF record as a small element tree (never the whole file), from the XML or from GLEIF's
// JSON rendering (XML-like: {"$": text, "@attr": value}); then the typed record of gleif-map.ts.
import type { GleifAddress, GleifPeriod, GleifRecord } from './gleif-map.ts';

export interface XNode {
  /** local name, namespace prefix removed */
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XNode[];
}

/** Element names that start one record in LEI-CDF, RR-CDF and the reporting exceptions files. */
export const RECORD_ELEMENTS = new Set(['LEIRecord', 'RelationshipRecord', 'Exception']);

export const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

function at(node: XNode | undefined, path: string): XNode | undefined {
  let cur = node;
  for (const name of path.split('/')) cur = cur?.children.find((c) => c.name === name);
  return cur;
}

function all(node: XNode | undefined, path: string): XNode[] {
  const parts = path.split('/');
  const last = parts.pop()!;
  const parent = parts.length > 0 ? at(node, parts.join('/')) : node;
  return parent?.children.filter((c) => c.name === last) ?? [];
}

function text(node: XNode | undefined, path: string): string | undefined {
  const t = at(node, path)?.text.trim();
  return t === undefined || t === '' ? undefined : t;
}

function address(node: XNode | undefined): GleifAddress {
  const out: GleifAddress = {};
  const country = text(node, 'Country');
  const region = text(node, 'Region');
  if (country !== undefined) out.country = country;
  if (region !== undefined) out.region = region;
  return out;
}

function period(node: XNode): GleifPeriod {
  const out: GleifPeriod = {};
  const start = text(node, 'StartDate');
  const end = text(node, 'EndDate');
  const type = text(node, 'PeriodType');
  if (start !== undefined) out.startDate = start;
  if (end !== undefined) out.endDate = end;
  if (type !== undefined) out.periodType = type;
  return out;
}

/** Sets only the defined values (exactOptionalPropertyTypes). */
function defined<T extends object>(base: T, extra: Record<string, string | undefined>): T {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (base as Record<string, unknown>)[k] = v;
  return base;
}

/** The typed record of one record element, or the name of the required field it lacks. */
export function recordFromNode(node: XNode, contentDate?: string): GleifRecord | { missing: string } {
  if (node.name === 'LEIRecord') {
    const lei = text(node, 'LEI');
    if (lei === undefined) return { missing: 'LEI' };
    const entity = at(node, 'Entity');
    return defined(
      {
        kind: 'lei' as const,
        lei,
        otherNames: all(entity, 'OtherEntityNames/OtherEntityName')
          .map((n) => n.text.trim())
          .filter((n) => n !== ''),
        legalAddress: address(at(entity, 'LegalAddress')),
        headquartersAddress: address(at(entity, 'HeadquartersAddress')),
      },
      {
        legalName: text(entity, 'LegalName'),
        legalJurisdiction: text(entity, 'LegalJurisdiction'),
        entityCategory: text(entity, 'EntityCategory'),
        entityStatus: text(entity, 'EntityStatus'),
        registrationStatus: text(node, 'Registration/RegistrationStatus'),
        lastUpdateDate: text(node, 'Registration/LastUpdateDate'),
      },
    );
  }
  if (node.name === 'RelationshipRecord') {
    const rel = at(node, 'Relationship');
    const startNode = text(rel, 'StartNode/NodeID');
    const endNode = text(rel, 'EndNode/NodeID');
    const relationshipType = text(rel, 'RelationshipType');
    if (startNode === undefined) return { missing: 'Relationship.StartNode.NodeID' };
    if (endNode === undefined) return { missing: 'Relationship.EndNode.NodeID' };
    if (relationshipType === undefined) return { missing: 'Relationship.RelationshipType' };
    return defined(
      {
        kind: 'relationship' as const,
        startNode,
        endNode,
        relationshipType,
        periods: all(rel, 'RelationshipPeriods/RelationshipPeriod').map(period),
      },
      {
        startNodeType: text(rel, 'StartNode/NodeIDType'),
        endNodeType: text(rel, 'EndNode/NodeIDType'),
        relationshipStatus: text(rel, 'RelationshipStatus'),
        registrationStatus: text(node, 'Registration/RegistrationStatus'),
        lastUpdateDate: text(node, 'Registration/LastUpdateDate'),
      },
    );
  }
  const lei = text(node, 'LEI');
  const category = text(node, 'ExceptionCategory');
  const reason = text(node, 'ExceptionReason');
  if (lei === undefined) return { missing: 'LEI' };
  if (category === undefined) return { missing: 'ExceptionCategory' };
  if (reason === undefined) return { missing: 'ExceptionReason' };
  return defined({ kind: 'exception' as const, lei, category, reason }, { contentDate });
}

/** GLEIF's JSON rendering of one record -> the element tree the XML gives. */
export function nodeFromJson(name: string, value: unknown): XNode[] {
  if (Array.isArray(value)) return value.flatMap((v) => nodeFromJson(name, v));
  const node: XNode = { name, attrs: {}, text: '', children: [] };
  if (value === null || typeof value !== 'object') {
    node.text = value === null ? '' : String(value as string | number | boolean);
    return [node];
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === '$') node.text = String(v);
    else if (key.startsWith('@')) node.attrs[key.slice(1)] = String(v);
    else node.children.push(...nodeFromJson(localName(key), v));
  }
  return [node];
}

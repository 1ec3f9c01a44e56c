// What the caller's thread and the index-building thread say to each other (index-build-thread.ts).
// A chunk of parties travels as one JSON text of tuples holding only what the index reads: one
// string to copy between threads instead of thousands of objects to clone.
import type { DescribedFields } from '../evaluator/index.ts';
import type { Identifier, Party } from '../model/types.ts';
import type { EntityIndexSnapshot } from './index-layout.ts';

/** slots of the shared counter array: chunks posted by the caller, chunks taken by the builder */
export const POSTED = 0;
export const CONSUMED = 1;

export type BuildChunk = { end?: false; parties: string } | { end: true };

export type BuildReply = { snapshot: EntityIndexSnapshot } | { failed: { message: string; stack?: string } };

type IdentifierTuple = [scheme: string | null, schemeName: string | null, id: string];
/** [id, kind, name, alternate names, identifiers, headquarters, incorporation]; null for absent */
type PartyTuple = [
  string,
  Party['kind'],
  string | null,
  readonly string[] | null,
  IdentifierTuple[] | null,
  readonly string[],
  readonly string[],
];

const identifierTuples = (ids: readonly Readonly<Identifier>[] | undefined): IdentifierTuple[] | null =>
  ids === undefined ? null : ids.map((i) => [i.scheme ?? null, i.schemeName ?? null, i.id]);

/** the tuple of a party or of a graph's view of one (copied out: the view is reused) */
export function partyTuple(p: Party | DescribedFields): PartyTuple {
  return [
    p.id,
    p.kind,
    p.name ?? null,
    p.alternateNames ?? null,
    identifierTuples(p.identifiers),
    p.headquarters ?? [],
    p.incorporation ?? [],
  ];
}

export const encodeChunk = (tuples: PartyTuple[]): string => JSON.stringify(tuples);

/** The parties of a chunk, with the fields the index reads. */
export function decodeChunk(text: string): Party[] {
  return (JSON.parse(text) as PartyTuple[]).map(([id, kind, name, alternateNames, identifiers, hq, inc]) => {
    const p: Party = { id, kind };
    if (name !== null) p.name = name;
    if (alternateNames !== null) p.alternateNames = [...alternateNames];
    if (identifiers !== null)
      p.identifiers = identifiers.map(([scheme, schemeName, idv]) => {
        const i: Identifier = { id: idv };
        if (scheme !== null) i.scheme = scheme;
        if (schemeName !== null) i.schemeName = schemeName;
        return i;
      });
    if (hq.length > 0) p.headquarters = [...hq];
    if (inc.length > 0) p.incorporation = [...inc];
    return p;
  });
}

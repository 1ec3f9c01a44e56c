// Match results between threads as one flat array of strings and numbers per batch: a structured
// clone of nested objects costs the receiving thread (here the caller's, the one that is not
// matching) twice as much as the same strings in a flat array, rebuilt as object literals.
import type { RefusedIdentifier } from './identifiers.ts';
import type { MatchCandidate, MatchResult } from './match.ts';

const STATUS: readonly MatchResult['status'][] = ['matched', 'review', 'unresolved'];
const SEP = '\u0001';

const joined = (xs: readonly string[]) => xs.join(SEP);
const split = (s: string): string[] => (s === '' ? [] : s.split(SEP));

/**
 * Per result: status, entity id ('' for none), score, candidate count, per candidate (id, name,
 * score, matched, conflicts joined by U+0001), explanation count and lines, refused count and items.
 */
export function packResults(results: readonly MatchResult[]): unknown[] {
  const out: unknown[] = [];
  for (const r of results) {
    out.push(STATUS.indexOf(r.status), r.entityId ?? '', r.score, r.candidates.length);
    for (const c of r.candidates)
      out.push(c.entityId, c.name, c.score, joined(c.matched), joined(c.conflicts));
    out.push(r.explanation.length, ...r.explanation, r.refused.length, ...r.refused);
  }
  return out;
}

export function unpackResults(packed: readonly unknown[]): MatchResult[] {
  const out: MatchResult[] = [];
  let i = 0;
  const num = () => packed[i++] as number;
  const str = () => packed[i++] as string;
  while (i < packed.length) {
    const status = STATUS[num()]!;
    const entityId = str();
    const score = num();
    const candidates: MatchCandidate[] = new Array<MatchCandidate>(num());
    for (let c = 0; c < candidates.length; c++)
      candidates[c] = {
        entityId: str(),
        name: str(),
        score: num(),
        matched: split(str()),
        conflicts: split(str()),
      };
    const explanation: string[] = new Array<string>(num());
    for (let k = 0; k < explanation.length; k++) explanation[k] = str();
    const refused: RefusedIdentifier[] = new Array<RefusedIdentifier>(num());
    for (let k = 0; k < refused.length; k++) refused[k] = packed[i++] as RefusedIdentifier;
    // the key order matchTenant gives, so that the JSON of a result is the same bytes
    out.push(
      status === 'matched'
        ? { status, entityId, score, candidates, explanation, refused }
        : { status, score, candidates, explanation, refused },
    );
  }
  return out;
}

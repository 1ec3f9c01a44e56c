// The EntityIndex over a snapshot's shared arrays: what createEntityIndex returns in the thread that
// built it, and what a worker thread builds from a posted snapshot (no copy, no rebuild). Per view,
// only caches: country fits per tenant country, and tokens read back from the dictionary.
import { letterMask, popcount32, withinEdits } from './edit-distance.ts';
import {
  COUNTRY_CONFLICT,
  COUNTRY_MATCH,
  COUNTRY_UNKNOWN,
  INFO_TRANSLITERATED,
  REC_COMPACT,
  REC_ENTITY,
  REC_HEADER,
  REC_INFO,
  REC_LENGTH,
  TOKEN_STOP,
  infoScript,
  type EntityIndex,
  type EntityIndexSnapshot,
} from './index-layout.ts';
import { HashBuckets, StringTable, fnv1a } from './pools.ts';

export const SNAPSHOT_FORMAT = 'channelguard-entity-index/1';

/** The half-word key a token of `len` letters is filed under: its first or its last half. */
export const halfKey = (len: number, first: boolean, half: string): string =>
  `${len}${first ? '<' : '>'}${half}`;

export function attachEntityIndex(snapshot: EntityIndexSnapshot): EntityIndex {
  if (snapshot.format !== SNAPSHOT_FORMAT)
    throw new Error(`not an entity index snapshot of this version: ${String(snapshot.format)}`);
  const { arrays, tokenFlags, tokenLetters, countrySets } = snapshot;
  const { rec, nameStart: starts, entNameStart: entStarts, entCountrySet, postStart, idf } = arrays;
  const recF = new Float32Array(rec.buffer, rec.byteOffset, rec.length);
  const ids = new StringTable(snapshot.ids);
  const names = new StringTable(snapshot.names);
  const keysOf = new StringTable(snapshot.entityKeys);
  const vocab = new StringTable(snapshot.vocab);
  const compact = new HashBuckets(snapshot.compact);
  const keyBuckets = new HashBuckets(snapshot.keys);
  const halves = new HashBuckets(snapshot.halves);
  const fits = new Map<string, Int8Array>();
  const tokens: (string | undefined)[] = new Array<string | undefined>(vocab.length).fill(undefined);
  const token = (tid: number): string => (tokens[tid] ??= vocab.get(tid));

  return {
    entityCount: snapshot.entityCount,
    nameCount: snapshot.nameCount,
    refusedIdentifiers: snapshot.refusedIdentifiers,
    arrays: { ...arrays, recF },
    snapshot: () => snapshot,
    entityId: (e) => ids.get(e),
    compareEntityIds: snapshot.ids.ascii
      ? (a, b) => ids.compareBytes(a, b)
      : (a, b) => {
          const x = ids.get(a);
          const y = ids.get(b);
          return x < y ? -1 : x > y ? 1 : 0;
        },
    entityName: (e) => names.get(e),
    entityCountries: (e) => countrySets[entCountrySet[e]!]!,
    countrySet: (id) => countrySets[id]!,
    countryFit: (country) => {
      const c = country ?? '';
      let fit = fits.get(c);
      if (!fit) {
        fit = new Int8Array(countrySets.length);
        countrySets.forEach((set, i) => {
          fit![i] =
            c === '' || set.length === 0
              ? COUNTRY_UNKNOWN
              : set.includes(c)
                ? COUNTRY_MATCH
                : COUNTRY_CONFLICT;
        });
        fits.set(c, fit);
      }
      return fit;
    },
    entityKeys: (e) => {
      const s = keysOf.get(e);
      return s === '' ? [] : s.split('\u0001');
    },
    lookupKey: (key) => {
      const out: number[] = [];
      // a hash hit is confirmed against the entity's own keys (32-bit hashes collide)
      keyBuckets.each(fnv1a(key), (e) => {
        if (!out.includes(e) && keysOf.get(e).split('\u0001').includes(key)) out.push(e);
      });
      return out.sort((a, b) => a - b);
    },
    tokenId: (t) => vocab.find(t),
    token,
    isStopToken: (tid) => (tokenFlags[tid]! & TOKEN_STOP) !== 0,
    weight: (tid) => idf[tid]!,
    similarTokens: (q) => {
      const out: number[] = [];
      const limit = q.length >= 9 ? 2 : 1;
      const letters = letterMask(q);
      for (let len = q.length - limit; len <= q.length + limit; len++) {
        if (len < 5) continue;
        const h = len >> 1;
        for (const first of [true, false]) {
          const half = first ? q.slice(0, h) : q.slice(q.length - (len - h));
          halves.each(fnv1a(halfKey(len, first, half)), (tid) => {
            // most words under a half-word key differ in too many letters: skipped before they are read
            if (popcount32(letters ^ tokenLetters[tid]!) > 2 * limit || out.includes(tid)) return;
            const t = token(tid);
            // a hash hit is confirmed against the token itself (32-bit hashes collide)
            if (t.length !== len || !(first ? t.startsWith(half) : t.endsWith(half))) return;
            if (withinEdits(q, t, limit)) out.push(tid);
          });
        }
      }
      return out.sort((a, b) => a - b);
    },
    df: (tid) => postStart[tid + 1]! - postStart[tid]!,
    compactPostings: (hash) => {
      const out: number[] = [];
      compact.each(hash, (n) => out.push(n));
      return out.sort((a, b) => a - b);
    },
    nameEntity: (n) => rec[starts[n]! + REC_ENTITY]!,
    entityNameRange: (e) => [entStarts[e]!, entStarts[e + 1]!],
    nameLength: (n) => rec[starts[n]! + REC_LENGTH]!,
    nameTokens: (n) => {
      const first = starts[n]! + REC_HEADER;
      return rec.subarray(first, first + rec[starts[n]! + REC_LENGTH]!);
    },
    nameScript: (n) => infoScript(rec[starts[n]! + REC_INFO]!),
    nameTransliterated: (n) => (rec[starts[n]! + REC_INFO]! & INFO_TRANSLITERATED) !== 0,
    nameCompact: (n) => rec[starts[n]! + REC_COMPACT]! >>> 0,
  };
}

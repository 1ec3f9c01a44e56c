// The registry index: identifier and compact-name hash tables and blocking postings over
// normalised name tokens, built once from a stream of parties into typed arrays (bounded memory:
// no object, string or Map entry per entity beyond its id and display name in two string pools).
import type { Party } from '../model/types.ts';
import { identifierKeys } from './identifiers.ts';
import { STOP_FACTOR, isStopWord, nameForms, type NameForm, type NameScript } from './names.ts';
import { withinEdits } from './edit-distance.ts';
import { GrowableInt32, HashChains, StringPool, fnv1a } from './pools.ts';

const SCRIPTS: readonly NameScript[] = ['latin', 'cjk', 'cyrillic', 'other'];

/** How an entity's countries meet the tenant's: per country-set id (see IndexArrays.entCountrySet). */
export const COUNTRY_CONFLICT = -1;
export const COUNTRY_UNKNOWN = 0;
export const COUNTRY_MATCH = 1;

/**
 * Each posting carries a summary of its name record, so the blocking scan can bound a record's
 * pre-score from the posting alone and read the record itself (a cache miss) only when the bound
 * could enter the best few: bits 0-11 a signature of the record's token ids (one bit per token,
 * SIG_SLOTS slots), bits 12-19 the record's weight in quarters (a lower bound, capped), bits 20-30
 * its entity's country-set id (COUNTRY_OVERFLOW when the id does not fit: read the entity).
 */
export const SIG_SLOTS = 12;
export const WEIGHT_STEPS = 4;
export const COUNTRY_OVERFLOW = 2047;
export const tokenSigBit = (tid: number): number => 1 << ((Math.imul(tid, 0x9e3779b1) >>> 16) % SIG_SLOTS);
export const postingWeight = (word: number): number => ((word >>> 12) & 255) / WEIGHT_STEPS;
export const postingCountry = (word: number): number => word >>> 20;

/**
 * A name record is one row of `rec`, header then tokens, so that reading a record is one cache
 * miss rather than one per array (the scan's cost at registry scale is memory latency):
 * [record number, entity, entity-id hash, weight (float32 bits), token count, token ids...].
 */
export const REC_NAME = 0;
export const REC_ENTITY = 1;
/** a hash of the entity id: a tie-break that does not depend on the registry's order */
export const REC_RANK = 2;
/** Σ IDF weights of the record's tokens (the entity side of the Dice denominator); read via recF */
export const REC_WEIGHT = 3;
export const REC_LENGTH = 4;
export const REC_HEADER = 5;

/** The flat arrays behind the index, for the blocking scan (src/resolve only; read, never write). */
export interface IndexArrays {
  /** name records back to back (see REC_HEADER); a token ~tid was expanded from an abbreviation */
  readonly rec: Int32Array;
  /** the same buffer as float32, for REC_WEIGHT */
  readonly recF: Float32Array;
  /** row of name record n in rec */
  readonly nameStart: Int32Array;
  /** entity e holds name records entNameStart[e] .. entNameStart[e + 1] */
  readonly entNameStart: Int32Array;
  /** interned set of the entity's countries */
  readonly entCountrySet: Int32Array;
  /** postings of token t: postList[postStart[t] .. postStart[t + 1]), rows in rec, ascending */
  readonly postStart: Int32Array;
  readonly postList: Int32Array;
  /** per posting: the record summary described at SIG_SLOTS */
  readonly postWord: Int32Array;
  readonly idf: Float64Array;
}

/** Read-only view the matcher uses. */
export interface EntityIndex {
  readonly entityCount: number;
  readonly nameCount: number;
  /** identifiers in parties that failed validation (never indexed) */
  readonly refusedIdentifiers: number;
  readonly arrays: IndexArrays;
  entityId(e: number): string;
  entityName(e: number): string;
  /** ISO country codes (headquarters, incorporation) of entity e, sorted */
  entityCountries(e: number): readonly string[];
  /** per country-set id: COUNTRY_MATCH, COUNTRY_UNKNOWN (no country on one side) or COUNTRY_CONFLICT */
  countryFit(country: string | undefined): Int8Array;
  /** identifier keys of entity e ("lei:…", "uscc:…", "domain:…") */
  entityKeys(e: number): string[];
  /** entities holding an identifier key, ascending */
  lookupKey(key: string): number[];
  tokenId(token: string): number;
  token(tid: number): string;
  /** known tokens one edit away (two for long ones), found through half-word keys, not by enumeration */
  similarTokens(token: string): number[];
  /** IDF weight of a token, a tenth for stop words (precomputed) */
  weight(tid: number): number;
  /** number of name records holding a token */
  df(tid: number): number;
  /** name records whose compact form hashes like this */
  compactPostings(hash: number): number[];
  nameEntity(n: number): number;
  /** the name records [start, end) of entity e (its name and alternate names, as normalised forms) */
  entityNameRange(e: number): [number, number];
  nameLength(n: number): number;
  /** token ids of name n; a negative value ~tid marks a token expanded from an abbreviation */
  nameTokens(n: number): Int32Array;
  nameScript(n: number): NameScript;
  nameTransliterated(n: number): boolean;
  nameCompact(n: number): number;
}

/** "CN" for ["cn"], "GB,US" for ["US", "GB", "us"]: the entity's countries as one interned key. */
function countryKey(p: Party): string {
  const hq = p.headquarters ?? [];
  const inc = p.incorporation ?? [];
  if (hq.length + inc.length === 1) return (hq[0] ?? inc[0]!).slice(0, 2).toUpperCase();
  const out = new Set<string>();
  for (const c of hq) out.add(c.slice(0, 2).toUpperCase());
  for (const c of inc) out.add(c.slice(0, 2).toUpperCase());
  return [...out].sort().join(',');
}

const sameTokens = (a: NameForm, b: NameForm) =>
  a.script === b.script &&
  a.transliterated === b.transliterated &&
  a.tokens.length === b.tokens.length &&
  a.tokens.every((t, i) => t === b.tokens[i]);

/** Builds the index from parties of kind entity/state/stateBody (persons and unknowns are skipped). */
export function createEntityIndex(parties: Iterable<Party>): EntityIndex {
  const ids = new StringPool();
  const names = new StringPool();
  const keysPool = new StringPool(1 << 12);
  const keyHash = new GrowableInt32();
  const keyEnt = new GrowableInt32();
  const countrySetOf = new Map<string, number>();
  const countrySets: string[][] = [];
  const entCountry = new GrowableInt32();
  const vocab = new Map<string, number>();
  const vocabList: string[] = [];
  const dfCount = new GrowableInt32();
  const entNameStart = new GrowableInt32();
  const nameStart = new GrowableInt32();
  const nameFlags = new GrowableInt32();
  const nameHash = new GrowableInt32();
  const recPool = new GrowableInt32(1 << 16);
  let refused = 0;

  for (const p of parties) {
    if (p.kind !== 'entity' && p.kind !== 'state' && p.kind !== 'stateBody') continue;
    const e = ids.add(p.id);
    const rank = fnv1a(p.id) | 0;
    entNameStart.push(nameStart.length);
    names.add(p.name ?? p.id);
    const ck = countryKey(p);
    let cs = countrySetOf.get(ck);
    if (cs === undefined) {
      cs = countrySets.length;
      countrySetOf.set(ck, cs);
      countrySets.push(ck === '' ? [] : ck.split(','));
    }
    entCountry.push(cs);
    const countries = countrySets[cs]!;
    const keys: string[] = [];
    for (const ident of p.identifiers ?? []) {
      const opts = countries.length === 1 ? { country: countries[0]! } : {};
      const check = identifierKeys(ident.scheme ?? ident.schemeName ?? '', ident.id, {
        ...opts,
        ...(ident.schemeName ? { schemeName: ident.schemeName } : {}),
      });
      if (!check.ok) {
        refused++;
        continue;
      }
      for (const k of check.keys) {
        if (keys.includes(k.key)) continue;
        keys.push(k.key);
        keyHash.push(fnv1a(k.key) | 0);
        keyEnt.push(e);
      }
    }
    keysPool.add(keys.join('\u0001'));
    const kept: NameForm[] = [];
    for (const n of p.alternateNames ? [p.name, ...p.alternateNames] : [p.name]) {
      if (!n) continue;
      for (const form of nameForms(n)) {
        if (form.tokens.length === 0 || kept.some((k) => sameTokens(k, form))) continue;
        kept.push(form);
        nameStart.push(recPool.length);
        recPool.push(nameStart.length - 1);
        recPool.push(e);
        recPool.push(rank);
        recPool.push(0); // weight, once the IDF is known
        recPool.push(form.tokens.length);
        nameFlags.push(SCRIPTS.indexOf(form.script) | (form.transliterated ? 4 : 0));
        nameHash.push(fnv1a(form.compact) | 0);
        for (let i = 0; i < form.tokens.length; i++) {
          const t = form.tokens[i]!;
          let tid = vocab.get(t);
          if (tid === undefined) {
            tid = vocabList.length;
            vocab.set(t, tid);
            vocabList.push(t);
            dfCount.push(0);
          }
          dfCount.set(tid, dfCount.get(tid) + 1);
          recPool.push(form.expanded[i] ? ~tid : tid);
        }
      }
    }
  }

  const nNames = nameStart.length;
  const entityCount = ids.length;
  entNameStart.push(nNames);
  const rec = recPool.toArray();
  const recF = new Float32Array(rec.buffer, rec.byteOffset, rec.length);
  const starts = nameStart.toArray();
  const vocabSize = vocabList.length;
  const idf = new Float64Array(vocabSize);
  for (let t = 0; t < vocabSize; t++) {
    const w = Math.log(1 + (nNames + 1) / (dfCount.get(t) + 1));
    idf[t] = isStopWord(vocabList[t]!) ? w * STOP_FACTOR : w;
  }
  // Postings in CSR form: counts -> offsets -> fill. One Int32Array, no per-token arrays.
  const postStart = new Int32Array(vocabSize + 1);
  for (let t = 0; t < vocabSize; t++) postStart[t + 1] = postStart[t]! + dfCount.get(t);
  const fill = postStart.slice(0, vocabSize);
  const postList = new Int32Array(postStart[vocabSize]!);
  const postWord = new Int32Array(postList.length);
  const entCountrySet = entCountry.toArray();
  for (let n = 0; n < nNames; n++) {
    const row = starts[n]!;
    const first = row + REC_HEADER;
    const end = first + rec[row + REC_LENGTH]!;
    let w = 0;
    let sig = 0;
    for (let i = first; i < end; i++) {
      const raw = rec[i]!;
      const tid = raw < 0 ? ~raw : raw;
      w += idf[tid]!;
      sig |= tokenSigBit(tid);
    }
    recF[row + REC_WEIGHT] = w;
    const word =
      (Math.min(COUNTRY_OVERFLOW, entCountrySet[rec[row + REC_ENTITY]!]!) << 20) |
      (Math.min(255, Math.floor(recF[row + REC_WEIGHT]! * WEIGHT_STEPS)) << 12) |
      sig;
    for (let i = first; i < end; i++) {
      const raw = rec[i]!;
      const at = fill[raw < 0 ? ~raw : raw]!++;
      postList[at] = row;
      postWord[at] = word;
    }
  }
  const hashes = nameHash.toArray();
  const compact = new HashChains(hashes);
  const keyHashes = keyHash.toArray();
  const keyEnts = keyEnt.toArray();
  const keyChains = new HashChains(keyHashes);
  // Typo blocking: a single edit leaves the first or the second half of a word intact, so each
  // word of 5+ letters is keyed by length and each half.
  const halves = new Map<string, number | number[]>();
  const addHalf = (key: string, tid: number) => {
    const prev = halves.get(key);
    if (prev === undefined) halves.set(key, tid);
    else if (typeof prev === 'number') halves.set(key, [prev, tid]);
    else prev.push(tid);
  };
  for (let t = 0; t < vocabSize; t++) {
    const w = vocabList[t]!;
    if (w.length < 5 || !/^[a-z0-9]+$/.test(w)) continue;
    const h = w.length >> 1;
    addHalf(`${w.length}<${w.slice(0, h)}`, t);
    addHalf(`${w.length}>${w.slice(h)}`, t);
  }
  const entStarts = entNameStart.toArray();
  const flags = nameFlags.toArray();
  const fits = new Map<string, Int8Array>();

  return {
    entityCount,
    nameCount: nNames,
    refusedIdentifiers: refused,
    arrays: {
      rec,
      recF,
      nameStart: starts,
      entNameStart: entStarts,
      entCountrySet,
      postStart,
      postList,
      postWord,
      idf,
    },
    entityId: (e) => ids.get(e),
    entityName: (e) => names.get(e),
    entityCountries: (e) => countrySets[entCountrySet[e]!]!,
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
      const s = keysPool.get(e);
      return s === '' ? [] : s.split('\u0001');
    },
    lookupKey: (key) => {
      const out: number[] = [];
      // a hash hit is confirmed against the entity's own keys (32-bit hashes collide)
      keyChains.each(fnv1a(key), (i) => {
        const e = keyEnts[i]!;
        if (!out.includes(e) && keysPool.get(e).split('\u0001').includes(key)) out.push(e);
      });
      return out.sort((a, b) => a - b);
    },
    tokenId: (t) => vocab.get(t) ?? -1,
    token: (tid) => vocabList[tid]!,
    weight: (tid) => idf[tid]!,
    similarTokens: (q) => {
      const out: number[] = [];
      const limit = q.length >= 9 ? 2 : 1;
      for (let len = q.length - limit; len <= q.length + limit; len++) {
        if (len < 5) continue;
        const h = len >> 1;
        for (const key of [`${len}<${q.slice(0, h)}`, `${len}>${q.slice(q.length - (len - h))}`]) {
          const hit = halves.get(key);
          if (hit === undefined) continue;
          for (const tid of typeof hit === 'number' ? [hit] : hit)
            if (!out.includes(tid) && withinEdits(q, vocabList[tid]!, limit)) out.push(tid);
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
    nameScript: (n) => SCRIPTS[flags[n]! & 3]!,
    nameTransliterated: (n) => (flags[n]! & 4) !== 0,
    nameCompact: (n) => hashes[n]! >>> 0,
  };
}

// The registry index: identifier maps and blocking postings over normalised name tokens, built
// once from a stream of parties into typed arrays (bounded memory: no object per entity).
import type { Party } from '../model/types.ts';
import { identifierKeys } from './identifiers.ts';
import { STOP_FACTOR, isStopWord, nameForms, type NameScript } from './names.ts';
import { withinEdits } from './edit-distance.ts';
import { GrowableInt32, StringPool, fnv1a } from './pools.ts';

const SCRIPTS: readonly NameScript[] = ['latin', 'cjk', 'cyrillic', 'other'];

/** Read-only view the matcher uses; the arrays are internal to src/resolve. */
export interface EntityIndex {
  readonly entityCount: number;
  readonly nameCount: number;
  /** identifiers in parties that failed validation (never indexed) */
  readonly refusedIdentifiers: number;
  entityId(e: number): string;
  entityName(e: number): string;
  /** ISO country codes (headquarters, incorporation) of entity e */
  entityCountries(e: number): string[];
  /** identifier keys of entity e ("lei:…", "uscc:…", "domain:…") */
  entityKeys(e: number): string[];
  /** entities holding an identifier key */
  lookupKey(key: string): readonly number[];
  tokenId(token: string): number;
  token(tid: number): string;
  /** known tokens one edit away (two for long ones), found through half-word keys, not by enumeration */
  similarTokens(token: string): number[];
  /** IDF weight of a token, a tenth for stop words (precomputed) */
  weight(tid: number): number;
  /** number of name records holding a token */
  df(tid: number): number;
  /** name records holding a token */
  postings(tid: number): Int32Array;
  /** name records whose compact form hashes like this */
  compactPostings(hash: number): number[];
  nameEntity(n: number): number;
  /** the name records [start, end) of entity e (its name and alternate names, as normalised forms) */
  entityNameRange(e: number): [number, number];
  /** Σ weights[i] over query token ids tids[i] that name n holds (a cheap pre-score) */
  overlap(n: number, tids: Int32Array, weights: Float64Array): number;
  nameLength(n: number): number;
  /** token ids of name n; a negative value ~tid marks a token expanded from an abbreviation */
  nameTokens(n: number): Int32Array;
  nameScript(n: number): NameScript;
  nameTransliterated(n: number): boolean;
  nameCompact(n: number): number;
}

function countriesOf(p: Party): string[] {
  const out = new Set<string>();
  for (const c of [...(p.headquarters ?? []), ...(p.incorporation ?? [])])
    out.add(c.slice(0, 2).toUpperCase());
  return [...out].sort();
}

/** Builds the index from parties of kind entity/state/stateBody (persons and unknowns are skipped). */
export function createEntityIndex(parties: Iterable<Party>): EntityIndex {
  const ids = new StringPool();
  const names = new StringPool();
  const countries = new StringPool(1 << 12);
  const keysPool = new StringPool(1 << 12);
  const keyMap = new Map<string, number | number[]>();
  const vocab = new Map<string, number>();
  const vocabList: string[] = [];
  const dfCount = new GrowableInt32();
  const nameEnt = new GrowableInt32();
  const entNameStart = new GrowableInt32();
  const nameStart = new GrowableInt32();
  const nameFlags = new GrowableInt32();
  const nameHash = new GrowableInt32();
  const tokPool = new GrowableInt32(1 << 16);
  let refused = 0;

  const addKey = (key: string, e: number) => {
    const prev = keyMap.get(key);
    if (prev === undefined) keyMap.set(key, e);
    else if (typeof prev === 'number') {
      if (prev !== e) keyMap.set(key, [prev, e]);
    } else if (!prev.includes(e)) prev.push(e);
  };

  for (const p of parties) {
    if (p.kind !== 'entity' && p.kind !== 'state' && p.kind !== 'stateBody') continue;
    const e = ids.add(p.id);
    entNameStart.push(nameEnt.length);
    names.add(p.name ?? p.id);
    const cs = countriesOf(p);
    countries.add(cs.join(','));
    const keys: string[] = [];
    for (const ident of p.identifiers ?? []) {
      const opts = cs.length === 1 ? { country: cs[0]! } : {};
      const check = identifierKeys(ident.scheme ?? ident.schemeName ?? '', ident.id, {
        ...opts,
        ...(ident.schemeName ? { schemeName: ident.schemeName } : {}),
      });
      if (!check.ok) {
        refused++;
        continue;
      }
      for (const k of check.keys) {
        addKey(k.key, e);
        keys.push(k.key);
      }
    }
    keysPool.add(keys.join('\u0001'));
    const seen = new Set<string>();
    for (const n of [p.name, ...(p.alternateNames ?? [])]) {
      if (!n) continue;
      for (const form of nameForms(n)) {
        const sig = `${form.script}|${form.transliterated}|${form.tokens.join(' ')}`;
        if (form.tokens.length === 0 || seen.has(sig)) continue;
        seen.add(sig);
        nameEnt.push(e);
        nameStart.push(tokPool.length);
        nameFlags.push(SCRIPTS.indexOf(form.script) | (form.transliterated ? 4 : 0));
        nameHash.push(fnv1a(form.compact) | 0);
        form.tokens.forEach((t, i) => {
          let tid = vocab.get(t);
          if (tid === undefined) {
            tid = vocabList.length;
            vocab.set(t, tid);
            vocabList.push(t);
            dfCount.push(0);
          }
          dfCount.set(tid, dfCount.get(tid) + 1);
          tokPool.push(form.expanded[i] ? ~tid : tid);
        });
      }
    }
  }

  // Postings in CSR form: counts -> offsets -> fill. One Int32Array, no per-token arrays.
  const nNames = nameEnt.length;
  const vocabSize = vocabList.length;
  const tokens = tokPool.toArray();
  const starts = nameStart.toArray();
  const postStart = new Int32Array(vocabSize + 1);
  for (let t = 0; t < vocabSize; t++) postStart[t + 1] = postStart[t]! + dfCount.get(t);
  const fill = postStart.slice(0, vocabSize);
  const postList = new Int32Array(postStart[vocabSize]!);
  for (let n = 0; n < nNames; n++) {
    const end = n + 1 < nNames ? starts[n + 1]! : tokens.length;
    for (let i = starts[n]!; i < end; i++) {
      const raw = tokens[i]!;
      const tid = raw < 0 ? ~raw : raw;
      postList[fill[tid]!++] = n;
    }
  }
  // Compact-name fingerprints, sorted, for binary search.
  const hashes = nameHash.toArray();
  const order = new Int32Array(nNames).map((_, i) => i);
  order.sort((a, b) => (hashes[a]! >>> 0) - (hashes[b]! >>> 0) || a - b);
  const sortedHashes = new Uint32Array(nNames);
  order.forEach((n, i) => (sortedHashes[i] = hashes[n]! >>> 0));
  const idf = new Float64Array(vocabSize);
  for (let t = 0; t < vocabSize; t++) {
    const w = Math.log(1 + (nNames + 1) / (dfCount.get(t) + 1));
    idf[t] = isStopWord(vocabList[t]!) ? w * STOP_FACTOR : w;
  }
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
  const ents = nameEnt.toArray();
  const entStarts = entNameStart.toArray();
  const entityCount = ids.length;
  const flags = nameFlags.toArray();

  return {
    entityCount,
    nameCount: nNames,
    refusedIdentifiers: refused,
    entityId: (e) => ids.get(e),
    entityName: (e) => names.get(e),
    entityCountries: (e) => {
      const s = countries.get(e);
      return s === '' ? [] : s.split(',');
    },
    entityKeys: (e) => {
      const s = keysPool.get(e);
      return s === '' ? [] : s.split('\u0001');
    },
    lookupKey: (key) => {
      const v = keyMap.get(key);
      return v === undefined ? [] : typeof v === 'number' ? [v] : v;
    },
    tokenId: (t) => vocab.get(t) ?? -1,
    token: (tid) => vocabList[tid]!,
    weight: (tid) => idf[tid]!,
    similarTokens: (q) => {
      const out = new Set<number>();
      const limit = q.length >= 9 ? 2 : 1;
      for (let len = q.length - limit; len <= q.length + limit; len++) {
        if (len < 5) continue;
        const h = len >> 1;
        for (const key of [`${len}<${q.slice(0, h)}`, `${len}>${q.slice(q.length - (len - h))}`]) {
          const hit = halves.get(key);
          if (hit === undefined) continue;
          for (const tid of typeof hit === 'number' ? [hit] : hit)
            if (!out.has(tid) && withinEdits(q, vocabList[tid]!, limit)) out.add(tid);
        }
      }
      return [...out].sort((a, b) => a - b);
    },
    df: (tid) => postStart[tid + 1]! - postStart[tid]!,
    postings: (tid) => postList.subarray(postStart[tid]!, postStart[tid + 1]!),
    compactPostings: (hash) => {
      let lo = 0;
      let hi = nNames;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sortedHashes[mid]! < hash) lo = mid + 1;
        else hi = mid;
      }
      const out: number[] = [];
      for (let i = lo; i < nNames && sortedHashes[i] === hash; i++) out.push(order[i]!);
      return out;
    },
    nameEntity: (n) => ents[n]!,
    entityNameRange: (e) => [entStarts[e]!, e + 1 < entityCount ? entStarts[e + 1]! : nNames],
    overlap: (n, qt, qw) => {
      const end = n + 1 < nNames ? starts[n + 1]! : tokens.length;
      let sum = 0;
      for (let i = starts[n]!; i < end; i++) {
        const raw = tokens[i]!;
        const tid = raw < 0 ? ~raw : raw;
        for (let k = 0; k < qt.length; k++) if (qt[k] === tid) sum += qw[k]!;
      }
      return sum;
    },
    nameLength: (n) => (n + 1 < nNames ? starts[n + 1]! : tokens.length) - starts[n]!,
    nameTokens: (n) => tokens.subarray(starts[n]!, n + 1 < nNames ? starts[n + 1]! : tokens.length),
    nameScript: (n) => SCRIPTS[flags[n]! & 3]!,
    nameTransliterated: (n) => (flags[n]! & 4) !== 0,
    nameCompact: (n) => hashes[n]! >>> 0,
  };
}

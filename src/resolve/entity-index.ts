// The registry index: identifier maps and blocking postings over normalised name tokens, built
// once from a stream of parties into typed arrays (bounded memory: no object per entity).
import type { Party } from '../model/types.ts';
import { identifierKeys } from './identifiers.ts';
import { nameForms, type NameScript } from './names.ts';
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
  /** number of name records holding a token */
  df(tid: number): number;
  /** name records holding a token */
  postings(tid: number): Int32Array;
  /** name records whose compact form hashes like this */
  compactPostings(hash: number): number[];
  nameEntity(n: number): number;
  /** the name records [start, end) of entity e (its name and alternate names, as normalised forms) */
  entityNameRange(e: number): [number, number];
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
    nameTokens: (n) => tokens.subarray(starts[n]!, n + 1 < nNames ? starts[n + 1]! : tokens.length),
    nameScript: (n) => SCRIPTS[flags[n]! & 3]!,
    nameTransliterated: (n) => (flags[n]! & 4) !== 0,
    nameCompact: (n) => hashes[n]! >>> 0,
  };
}

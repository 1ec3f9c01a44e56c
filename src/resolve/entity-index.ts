// The registry index: identifier and compact-name hash tables and blocking postings over
// normalised name tokens, built once from a stream of parties into typed arrays over shared memory
// (bounded memory: no object, string or Map entry per entity beyond its id and display name in two
// string pools; a worker thread attaches to the same arrays, see index-attach.ts).
import type { Party } from '../model/types.ts';
import { letterMask } from './edit-distance.ts';
import { identifierKeys } from './identifiers.ts';
import { attachEntityIndex, halfKey, SNAPSHOT_FORMAT } from './index-attach.ts';
import {
  COUNTRY_OVERFLOW,
  INFO_TRANSLITERATED,
  REC_ENTITY,
  REC_HEADER,
  REC_LENGTH,
  REC_WEIGHT,
  SCRIPTS,
  TOKEN_STOP,
  WEIGHT_STEPS,
  tokenSigBit,
  tokenSigBit32,
  type EntityIndex,
} from './index-layout.ts';
import { STOP_FACTOR, isStopWord, nameForms, type NameForm } from './names.ts';
import {
  GrowableInt32,
  HashBuckets,
  StringPool,
  fnv1a,
  sharedFloat64,
  sharedInt32,
  sharedUint8,
} from './pools.ts';

export * from './index-layout.ts';
export { attachEntityIndex } from './index-attach.ts';

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
  const vocabPool = new StringPool();
  const dfCount = new GrowableInt32();
  const entNameStart = new GrowableInt32();
  const nameStart = new GrowableInt32();
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
        const compact = fnv1a(form.compact) | 0;
        nameStart.push(recPool.length);
        nameHash.push(compact);
        // the header, in REC_ENTITY .. REC_COMPACT order
        recPool.push(e);
        recPool.push(rank);
        recPool.push(0); // weight, once the IDF is known
        recPool.push(form.tokens.length);
        recPool.push(
          SCRIPTS.indexOf(form.script) | (form.transliterated ? INFO_TRANSLITERATED : 0) | (cs << 3),
        );
        recPool.push(compact);
        for (let i = 0; i < form.tokens.length; i++) {
          const t = form.tokens[i]!;
          let tid = vocab.get(t);
          if (tid === undefined) {
            tid = vocabPool.add(t);
            vocab.set(t, tid);
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
  const rec = recPool.toShared();
  const recF = new Float32Array(rec.buffer, rec.byteOffset, rec.length);
  const starts = nameStart.toShared();
  const vocabSize = vocab.size;
  const idf = sharedFloat64(vocabSize);
  const tokenFlags = sharedUint8(vocabSize);
  const tokenLetters = sharedInt32(vocabSize);
  for (const [t, tid] of vocab) {
    const w = Math.log(1 + (nNames + 1) / (dfCount.get(tid) + 1));
    const stop = isStopWord(t);
    idf[tid] = stop ? w * STOP_FACTOR : w;
    tokenFlags[tid] = stop ? TOKEN_STOP : 0;
    tokenLetters[tid] = letterMask(t);
  }
  // Postings in CSR form: counts -> offsets -> fill. One Int32Array, no per-token arrays.
  const postStart = sharedInt32(vocabSize + 1);
  for (let t = 0; t < vocabSize; t++) postStart[t + 1] = postStart[t]! + dfCount.get(t);
  const fill = postStart.slice(0, vocabSize);
  const postList = sharedInt32(postStart[vocabSize]!);
  const postWord = sharedInt32(postList.length);
  const postSig = sharedInt32(postList.length);
  const entCountrySet = entCountry.toShared();
  for (let n = 0; n < nNames; n++) {
    const row = starts[n]!;
    const first = row + REC_HEADER;
    const end = first + rec[row + REC_LENGTH]!;
    let w = 0;
    let sig = 0;
    let sig32 = 0;
    for (let i = first; i < end; i++) {
      const raw = rec[i]!;
      const tid = raw < 0 ? ~raw : raw;
      w += idf[tid]!;
      sig |= tokenSigBit(tid);
      sig32 |= tokenSigBit32(tid);
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
      postSig[at] = sig32;
    }
  }
  // Typo blocking: a single edit leaves the first or the second half of a word intact, so each
  // word of 5+ letters is filed under its length and each half (by the key's hash).
  const halfHash = new GrowableInt32();
  const halfToken = new GrowableInt32();
  for (const [w, t] of vocab) {
    if (w.length < 5 || !/^[a-z0-9]+$/.test(w)) continue;
    const h = w.length >> 1;
    halfHash.push(fnv1a(halfKey(w.length, true, w.slice(0, h))) | 0);
    halfToken.push(t);
    halfHash.push(fnv1a(halfKey(w.length, false, w.slice(h))) | 0);
    halfToken.push(t);
  }
  vocab.clear();

  return attachEntityIndex({
    format: SNAPSHOT_FORMAT,
    entityCount,
    nameCount: nNames,
    refusedIdentifiers: refused,
    arrays: {
      rec,
      nameStart: starts,
      entNameStart: entNameStart.toShared(),
      entCountrySet,
      postStart,
      postList,
      postWord,
      postSig,
      idf,
    },
    compact: HashBuckets.build(nameHash.toShared(), starts).parts,
    keys: HashBuckets.build(keyHash.toShared(), keyEnt.toShared()).parts,
    ids: ids.seal().parts,
    names: names.seal().parts,
    entityKeys: keysPool.seal().parts,
    vocab: vocabPool.seal(true).parts,
    tokenFlags,
    tokenLetters,
    halves: HashBuckets.build(halfHash.toShared(), halfToken.toShared()).parts,
    countrySets,
  });
}

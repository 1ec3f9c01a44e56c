// Candidate generation for one tenant name form: the name records worth scoring in full.
// Records come from the postings of the query's rarest distinctive tokens (and of known words an
// edit away from tokens the registry never saw) and from the compact-name hash. Each is pre-ranked
// by the score it will get: the Dice share of exactly shared token weight, plus the country
// adjustment the final score applies. One pass over the postings, no Set, no object per record:
// a record is read only when a bound computed from its posting could enter the best few.
// (Plain functions over one state object: closures made per call cost more than the scan here.)
import {
  COUNTRY_CONFLICT,
  COUNTRY_MATCH,
  COUNTRY_OVERFLOW,
  REC_ENTITY,
  REC_HEADER,
  REC_INFO,
  REC_LENGTH,
  REC_RANK,
  REC_WEIGHT,
  postingCountry,
  infoCountrySet,
  postingWeight,
  tokenSigBit,
  tokenSigBit32,
  type EntityIndex,
  type IndexArrays,
} from './entity-index.ts';
import { TYPO_CREDIT, type QueryForm } from './name-score.ts';
import { isStopWord } from './names.ts';

/** Score adjustments for a tenant country the entity has (+) or lacks while having others (-). */
export const COUNTRY_BONUS = 0.05;
export const COUNTRY_PENALTY = 0.15;
/** a token in more name records than this is too common to block on */
export const MAX_POSTINGS = 5000;
/** a second or third blocking token is used only when this rare */
export const WIDEN_MAX = 200;
/** name records scored in full per query form, after pre-ranking */
export const MAX_SCORED = 24;

const ASCII_WORD = /^[a-z0-9]+$/;

interface Scan {
  index: EntityIndex;
  A: IndexArrays;
  fit: Int8Array;
  /** match entries: a token id, the weight credited when a record holds it, its query position */
  mt: number[];
  mc: number[];
  mq: number[];
  /** signature bit of each entry's token */
  bits: number[];
  bits32: number[];
  qWeight: number;
  /** blocking tokens, in scan order */
  scan: number[];
  /** the best rows so far, best first, with their pre-scores, entities and entity-id hashes */
  topRow: Int32Array;
  topS: Float64Array;
  topEnt: Int32Array;
  topRank: Uint32Array;
  count: number;
}

interface Ranked {
  row: number;
  score: number;
  ent: number;
  rank: number;
}

function countryAdjust(s: Scan, countrySet: number): number {
  const f = s.fit[countrySet]!;
  return f === COUNTRY_MATCH ? COUNTRY_BONUS : f === COUNTRY_CONFLICT ? -COUNTRY_PENALTY : 0;
}

/** pre-score of the record at `row`; -Infinity when it holds one of the tokens scan[0 .. scanned) */
function preScore(s: Scan, row: number, scanned: number): number {
  const { rec, recF } = s.A;
  const { mt, mc, mq, scan } = s;
  let shared = 0;
  let used = 0;
  for (let i = row + REC_HEADER, end = i + rec[row + REC_LENGTH]!; i < end; i++) {
    const raw = rec[i]!;
    const tid = raw < 0 ? ~raw : raw;
    for (let k = 0; k < scanned; k++) if (scan[k] === tid) return -Infinity;
    for (let k = 0; k < mt.length; k++) {
      if (mt[k] !== tid) continue;
      const bit = mq[k]! < 30 ? 1 << mq[k]! : 0;
      if (used & bit) continue;
      used |= bit;
      shared += mc[k]!;
      break;
    }
  }
  return (
    (2 * shared) / (s.qWeight + recF[row + REC_WEIGHT]!) +
    countryAdjust(s, infoCountrySet(rec[row + REC_INFO]!))
  );
}

/** at equal pre-scores: by entity-id hash, then id, then the name's place in its entity */
function ranksBefore(s: Scan, rowA: number, entA: number, rankA: number, at: number): boolean {
  const entB = s.topEnt[at]!;
  if (entA === entB) return rowA < s.topRow[at]!;
  const rankB = s.topRank[at]!;
  if (rankA !== rankB) return rankA < rankB;
  return s.index.entityId(entA) < s.index.entityId(entB);
}

/** keeps the best MAX_SCORED, sorted, in small typed arrays (insertion into a short list) */
function offer(s: Scan, row: number, score: number): void {
  const { topRow, topS, topEnt, topRank } = s;
  const ent = s.A.rec[row + REC_ENTITY]!;
  const rank = s.A.rec[row + REC_RANK]! >>> 0;
  if (s.count === MAX_SCORED) {
    const last = topS[MAX_SCORED - 1]!;
    if (score < last || (score === last && !ranksBefore(s, row, ent, rank, MAX_SCORED - 1))) return;
    s.count--;
  }
  let at = s.count;
  while (
    at > 0 &&
    (topS[at - 1]! < score || (topS[at - 1] === score && ranksBefore(s, row, ent, rank, at - 1)))
  ) {
    topRow[at] = topRow[at - 1]!;
    topS[at] = topS[at - 1]!;
    topEnt[at] = topEnt[at - 1]!;
    topRank[at] = topRank[at - 1]!;
    at--;
  }
  topRow[at] = row;
  topS[at] = score;
  topEnt[at] = ent;
  topRank[at] = rank;
  s.count++;
}

// Scratch for one posting list (at most MAX_POSTINGS long): bounds, and the places of the postings
// kept, grouped by their bound in buckets of 1/BUCKET_STEPS (a counting sort: reading the records
// best bucket first is what lets the scan stop early; the order inside a bucket does not matter,
// since the best MAX_SCORED are the same whatever order they are offered in).
const BOUND = new Float64Array(MAX_POSTINGS);
const PLACE = new Uint16Array(MAX_POSTINGS);
const BUCKET = new Uint16Array(MAX_POSTINGS);
const ORDER = new Uint16Array(MAX_POSTINGS);
const BUCKET_STEPS = 200;
const BUCKET_FLOOR = -0.25; // bounds lie in [-COUNTRY_PENALTY, 2 + COUNTRY_BONUS], typo credit aside
const BUCKETS = 512; // the last holds every bound above the others
const BUCKET_START = new Int32Array(BUCKETS + 1);

function scanPostings(s: Scan, k: number, scannedBits: number): void {
  const { postStart, postList, postWord, postSig } = s.A;
  const { mc, bits, bits32 } = s;
  const tid = s.scan[k]!;
  const first = postStart[tid]!;
  const end = postStart[tid + 1]!;
  // Pass 1, over the postings alone: a bound per record (every entry whose signature bit the
  // record has, its weight rounded down, the best its country can do); keep those that could enter.
  let kept = 0;
  const starts = BUCKET_START.fill(0);
  for (let p = first; p < end; p++) {
    const word = postWord[p]!;
    const sig = postSig[p]!;
    let sharedBound = 0;
    for (let x = 0; x < bits.length; x++) if (word & bits[x]! && sig & bits32[x]!) sharedBound += mc[x]!;
    const code = postingCountry(word);
    const bound =
      (2 * sharedBound) / (s.qWeight + postingWeight(word)) +
      (code === COUNTRY_OVERFLOW ? COUNTRY_BONUS : countryAdjust(s, code));
    if (s.count === MAX_SCORED && bound < s.topS[MAX_SCORED - 1]!) continue;
    const place = p - first;
    BOUND[place] = bound;
    // buckets numbered from the top, so that the counting sort puts the best first
    const b =
      BUCKETS - 1 - Math.max(0, Math.min(BUCKETS - 1, Math.floor((bound - BUCKET_FLOOR) * BUCKET_STEPS)));
    PLACE[kept] = place;
    BUCKET[kept++] = b;
    starts[b + 1]!++;
  }
  for (let b = 0; b < BUCKETS; b++) starts[b + 1]! += starts[b]!;
  for (let i = 0; i < kept; i++) ORDER[starts[BUCKET[i]!]!++] = PLACE[i]!;
  // Pass 2, best bucket first: read records until the bucket's top falls below the list's last score.
  // (starts[b] is now where bucket b ends.)
  let b = 0;
  for (let i = 0; i < kept; i++) {
    while (starts[b]! <= i) b++;
    const place = ORDER[i]!;
    if (s.count === MAX_SCORED && BOUND[place]! < s.topS[MAX_SCORED - 1]!) {
      // (a hair above the bucket's top: rounding must not stop the scan at a bound that could enter)
      if (b > 0 && (BUCKETS - b) / BUCKET_STEPS + BUCKET_FLOOR + 1e-9 < s.topS[MAX_SCORED - 1]!) break;
      continue;
    }
    const p = first + place;
    const row = postList[p]!;
    // a name holding the token twice is listed twice, side by side
    if (p > first && postList[p - 1] === row) continue;
    const score = preScore(s, row, postWord[p]! & scannedBits ? k : 0);
    if (score !== -Infinity) offer(s, row, score);
  }
}

// The best-so-far list is reused from call to call (blockNames is synchronous and returns plain
// numbers): typed arrays this size are allocated off the JS heap, which costs more than the scan.
const TOP_ROW = new Int32Array(MAX_SCORED);
const TOP_S = new Float64Array(MAX_SCORED);
const TOP_ENT = new Int32Array(MAX_SCORED);
const TOP_RANK = new Uint32Array(MAX_SCORED);

/**
 * The name records to score for query form q (their rows in rec), in rank order (best pre-score first; ties by a hash
 * of the entity id, then the id, then the name's place in its entity: never by registry order).
 * `fit` is index.countryFit(tenant country); `typos` adds known words an edit away from unknown ones.
 */
export function blockNames(index: EntityIndex, q: QueryForm, fit: Int8Array, typos: boolean): number[] {
  const A = index.arrays;
  const s: Scan = {
    index,
    A,
    fit,
    mt: [],
    mc: [],
    mq: [],
    bits: [],
    bits32: [],
    qWeight: 0,
    scan: [],
    topRow: TOP_ROW,
    topS: TOP_S,
    topEnt: TOP_ENT,
    topRank: TOP_RANK,
    count: 0,
  };
  const { mt, mc, mq, scan } = s;
  for (let i = 0; i < q.tids.length; i++) {
    s.qWeight += q.weights[i]!;
    if (q.tids[i]! < 0) continue;
    mt.push(q.tids[i]!);
    mc.push(q.weights[i]!);
    mq.push(i);
  }
  // Blocking tokens: the rarest distinctive one always, two more when rare (against a wrong word).
  const rare: number[] = [];
  for (let k = 0; k < mt.length; k++)
    if (!isStopWord(q.form.tokens[mq[k]!]!) && index.df(mt[k]!) <= MAX_POSTINGS) rare.push(mt[k]!);
  rare.sort((a, b) => index.df(a) - index.df(b) || a - b);
  for (const tid of rare) {
    if (scan.length === 3 || (scan.length > 0 && index.df(tid) > WIDEN_MAX)) break;
    if (!scan.includes(tid)) scan.push(tid);
  }
  if (typos) {
    // Tokens the registry has never seen are likely typos: look up the known words an edit away.
    for (let i = 0; i < q.tids.length; i++) {
      const t = q.form.tokens[i]!;
      if (q.tids[i]! >= 0 || t.length < 5 || !ASCII_WORD.test(t)) continue;
      for (const tid of index.similarTokens(t)) {
        if (index.df(tid) > MAX_POSTINGS) continue;
        mt.push(tid);
        mc.push((TYPO_CREDIT * (q.weights[i]! + A.idf[tid]!)) / 2);
        mq.push(i);
        if (!scan.includes(tid)) scan.push(tid);
      }
    }
  }
  for (const tid of mt) {
    s.bits.push(tokenSigBit(tid));
    s.bits32.push(tokenSigBit32(tid));
  }
  let scannedBits = 0;
  for (let k = 0; k < scan.length; k++) {
    scanPostings(s, k, scannedBits);
    scannedBits |= tokenSigBit(scan[k]!);
  }
  const out: Ranked[] = [];
  for (let i = 0; i < s.count; i++)
    out.push({ row: s.topRow[i]!, score: s.topS[i]!, ent: s.topEnt[i]!, rank: s.topRank[i]! });
  // same letters, other spacing ("ByteDance" / "Byte Dance"): always scored, ranked like the rest
  for (const row of index.compactPostings(q.compactHash)) {
    if (out.some((o) => o.row === row)) continue;
    const ent = A.rec[row + REC_ENTITY]!;
    out.push({ row, score: preScore(s, row, 0), ent, rank: A.rec[row + REC_RANK]! >>> 0 });
  }
  out.sort(
    (a, b) =>
      b.score - a.score ||
      (a.ent === b.ent
        ? a.row - b.row
        : a.rank !== b.rank
          ? a.rank - b.rank
          : index.entityId(a.ent) < index.entityId(b.ent)
            ? -1
            : 1),
  );
  return out.map((o) => o.row);
}

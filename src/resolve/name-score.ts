// Name similarity between a tenant name form and one indexed name: IDF-weighted token overlap,
// order-independent, with edit-distance-1 typo credit. Pure arithmetic over the index.
import type { EntityIndex } from './entity-index.ts';
import { isStopWord, type NameForm } from './names.ts';

export interface QueryForm {
  form: NameForm;
  /** token ids in the index (-1 when the registry has never seen the token) */
  tids: number[];
  weights: number[];
  compactHash: number;
}

export interface NameScore {
  score: number;
  /** tokens matched, "haige", "bytedance~bytedanse" for a typo */
  matched: string[];
  /** the match leaned on an abbreviation expansion on one side only */
  viaAbbreviation: boolean;
  /** every distinctive token matched only by typo credit */
  fuzzyOnly: boolean;
  /** scripts differ, or one side is our transliteration */
  crossScript: boolean;
  /** why a pair with overlapping words scored 0 */
  refusal?: string;
}

const TYPO_CREDIT = 0.85;
const STOP_FACTOR = 0.1;

export function tokenWeight(index: EntityIndex, tid: number, token: string): number {
  const n = index.nameCount + 1;
  const df = tid < 0 ? 0 : index.df(tid);
  const w = Math.log(1 + n / (df + 1));
  return isStopWord(token) ? w * STOP_FACTOR : w;
}

export function queryForm(index: EntityIndex, form: NameForm, compactHash: number): QueryForm {
  const tids = form.tokens.map((t) => index.tokenId(t));
  const weights = form.tokens.map((t, i) => tokenWeight(index, tids[i]!, t));
  return { form, tids, weights, compactHash };
}

/** Damerau-Levenshtein distance <= limit (small strings; early exit). */
export function withinEdits(a: string, b: string, limit: number): boolean {
  if (Math.abs(a.length - b.length) > limit) return false;
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return false;
    prev2 = prev;
    prev = cur;
  }
  return prev[n]! <= limit;
}

const typoLimit = (len: number) => (len >= 9 ? 2 : len >= 5 ? 1 : 0);

export function scoreName(index: EntityIndex, q: QueryForm, n: number): NameScore {
  const raw = index.nameTokens(n);
  const crossScript =
    index.nameScript(n) !== q.form.script || index.nameTransliterated(n) || q.form.transliterated;
  const eTids: number[] = [];
  const eExp: boolean[] = [];
  for (const r of raw) {
    eTids.push(r < 0 ? ~r : r);
    eExp.push(r < 0);
  }
  const eTokens = eTids.map((t) => index.token(t));
  const eWeights = eTids.map((t, i) => tokenWeight(index, t, eTokens[i]!));
  // Same letters, different spacing ("ByteDance" / "Byte Dance"): the whole name matches.
  if (q.form.compact === eTokens.join('') && !eTokens.every(isStopWord)) {
    const viaAbbreviation = q.form.expanded.some(Boolean) !== eExp.some(Boolean);
    return { score: 1, matched: [q.form.tokens.join(' ')], viaAbbreviation, fuzzyOnly: false, crossScript };
  }
  const used = new Array<boolean>(eTids.length).fill(false);
  let shared = 0;
  let distinctive = 0;
  let exactDistinctive = 0;
  let viaAbbreviation = false;
  const matched: string[] = [];
  const stopOnly: string[] = [];
  const qTokens = q.form.tokens;
  const pending: number[] = [];
  // exact matches first, so a typo pass cannot steal a token another word matches exactly
  for (let i = 0; i < qTokens.length; i++) {
    const j = q.tids[i]! >= 0 ? eTids.findIndex((t, k) => !used[k] && t === q.tids[i]) : -1;
    if (j < 0) {
      pending.push(i);
      continue;
    }
    used[j] = true;
    shared += (q.weights[i]! + eWeights[j]!) / 2;
    if (isStopWord(qTokens[i]!)) stopOnly.push(qTokens[i]!);
    else {
      distinctive++;
      exactDistinctive++;
      if (q.form.expanded[i] !== eExp[j]) viaAbbreviation = true;
    }
    matched.push(qTokens[i]!);
  }
  for (const i of pending) {
    const t = qTokens[i]!;
    const limit = typoLimit(t.length);
    if (limit === 0 || isStopWord(t)) continue;
    const j = eTokens.findIndex((et, k) => !used[k] && et.length >= 5 && withinEdits(t, et, limit));
    if (j < 0) continue;
    used[j] = true;
    shared += (TYPO_CREDIT * (q.weights[i]! + eWeights[j]!)) / 2;
    distinctive++;
    matched.push(`${t}~${eTokens[j]}`);
  }
  const total = q.weights.reduce((a, b) => a + b, 0) + eWeights.reduce((a, b) => a + b, 0);
  const base = {
    matched,
    viaAbbreviation,
    fuzzyOnly: exactDistinctive === 0 && distinctive > 0,
    crossScript,
  };
  if (distinctive === 0) {
    const refusal =
      stopOnly.length > 0 ? `only legal-form or stop words in common (${stopOnly.join(', ')})` : undefined;
    return { ...base, score: 0, ...(refusal ? { refusal } : {}) };
  }
  return { ...base, score: total > 0 ? (2 * shared) / total : 0 };
}

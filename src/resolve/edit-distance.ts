// Small-string edit distance for typo credit and typo blocking.

/** a from x and b from y are the same to their ends */
function restEqual(a: string, x: number, b: string, y: number): boolean {
  if (a.length - x !== b.length - y) return false;
  for (; x < a.length; x++, y++) if (a.charCodeAt(x) !== b.charCodeAt(y)) return false;
  return true;
}

/** One edit: a substitution, an insertion, a deletion or two adjacent letters swapped (no DP). */
function withinOneEdit(a: string, b: string): boolean {
  const m = a.length;
  const n = b.length;
  let i = 0;
  while (i < m && i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === m && i === n) return true;
  if (m === n)
    return (
      restEqual(a, i + 1, b, i + 1) ||
      (i + 1 < m &&
        a.charCodeAt(i) === b.charCodeAt(i + 1) &&
        a.charCodeAt(i + 1) === b.charCodeAt(i) &&
        restEqual(a, i + 2, b, i + 2))
    );
  return m === n + 1 ? restEqual(a, i + 1, b, i) : restEqual(a, i, b, i + 1);
}

// Three rolling DP rows, reused: this runs in the matcher's inner loop.
let rows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/** Damerau-Levenshtein (optimal string alignment) distance <= limit (small strings; early exit). */
export function withinEdits(a: string, b: string, limit: number): boolean {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > limit) return false;
  if (limit <= 0) return a === b;
  if (limit === 1) return withinOneEdit(a, b);
  if (rows[0]!.length <= n) rows = [0, 1, 2].map(() => new Int32Array(2 * n + 2));
  let prev2 = rows[0]!;
  let prev = rows[1]!;
  let cur = rows[2]!;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj)
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return false;
    const free = prev2;
    prev2 = prev;
    prev = cur;
    cur = free;
  }
  return prev[n]! <= limit;
}

/**
 * The characters of s as a set of 32 bits (character code mod 32). An edit changes at most two
 * bits of it (a substitution drops one character and adds another; a swap changes none), so two
 * words whose sets differ in more than 2 × limit bits are more than limit edits apart: a test that
 * costs one XOR before a word is read at all.
 */
export function letterMask(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) m |= 1 << (s.charCodeAt(i) & 31);
  return m;
}

export function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 63;
}

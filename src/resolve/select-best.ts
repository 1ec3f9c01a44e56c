// The first k of a list in a comparator's order, without sorting the rest: what a stable sort
// followed by slice(0, k) gives (equal items keep their input order), comparing each item with the
// few kept only, so a costly tie-break (an id read from the index) runs for near ties alone.

export function selectBest<T>(xs: Iterable<T>, k: number, before: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  if (k <= 0) return best;
  for (const x of xs) {
    if (best.length === k) {
      if (before(x, best[k - 1]!) >= 0) continue;
      best.pop();
    }
    let at = best.length;
    while (at > 0 && before(x, best[at - 1]!) < 0) at--;
    best.splice(at, 0, x);
  }
  return best;
}

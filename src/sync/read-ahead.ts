// Fetch the next pages while the current one is being written, so a rate-limited source is asked
// at its full rate instead of waiting for every database commit. Bounded: at most `depth` pages
// are held beyond the one being consumed. Order, and an error's place in it, are kept: the pages
// before a failure are all handed out first.

const noop = () => {};

export async function* readAhead<T>(source: AsyncIterable<T>, depth: number): AsyncGenerator<T> {
  if (depth < 1) {
    yield* source;
    return;
  }
  const it = source[Symbol.asyncIterator]();
  const queue: Array<Promise<IteratorResult<T>>> = [];
  let ended = false;
  const fill = () => {
    while (!ended && queue.length < depth + 1) {
      const p = it.next();
      // a failure is observed when its turn comes; until then it must not count as unhandled
      p.catch(noop);
      queue.push(p);
      // stop asking once the source says it is done (or failed), checked as results arrive
      p.then(
        (r) => {
          if (r.done) ended = true;
        },
        () => {
          ended = true;
        },
      );
    }
  };
  let finished = false;
  try {
    for (;;) {
      fill();
      const r = await queue.shift()!;
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } catch (err) {
    finished = true;
    throw err;
  } finally {
    // the consumer stopped early: let the source clean up (close sockets, release files)
    if (!finished) await it.return?.()?.catch(noop);
  }
}

/**
 * Like readAhead, but hands out runs of consecutive items that have all arrived already (at
 * least one, up to `maxWeight` by `weight`), so a writer can commit several small pages in one
 * transaction without ever waiting for a page that is still being fetched. The source is asked
 * for one item at a time (it is a sequential generator anyway), again as soon as the last one
 * arrives, until `depth` items or `maxAheadWeight` of weight are waiting: small pages can then run
 * far ahead of a slow writer while large ones stay within the same memory.
 */
export async function* readAheadBatches<T>(
  source: AsyncIterable<T>,
  depth: number,
  weight: (item: T) => number,
  maxWeight: number,
  maxAheadWeight = Infinity,
): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  type Slot = { promise: Promise<IteratorResult<T>>; settled?: IteratorResult<T> | { error: unknown } };
  const queue: Slot[] = [];
  let ended = false;
  let finished = false;
  const waiting = () => {
    let w = 0;
    for (const s of queue) {
      if (s.settled === undefined) return { w, asking: true };
      if (!('error' in s.settled) && !s.settled.done) w += weight(s.settled.value);
    }
    return { w, asking: false };
  };
  const fill = () => {
    while (!ended && !finished && queue.length < Math.max(1, depth) + 1) {
      const { w, asking } = waiting();
      if (asking || (queue.length > 0 && w >= maxAheadWeight)) return;
      const slot: Slot = { promise: it.next() };
      slot.promise.then(
        (r) => {
          slot.settled = r;
          if (r.done) ended = true;
          else fill(); // keep the source busy while the consumer writes
        },
        (error: unknown) => {
          slot.settled = { error };
          ended = true;
        },
      );
      queue.push(slot);
    }
  };
  try {
    for (;;) {
      fill();
      const first = await queue.shift()!.promise;
      if (first.done) {
        finished = true;
        return;
      }
      const batch = [first.value];
      let total = weight(first.value);
      // take what has already arrived; stop at a failure (it is thrown on the next turn) or the end
      while (total < maxWeight) {
        const next = queue[0]?.settled;
        if (next === undefined || 'error' in next || next.done) break;
        queue.shift();
        batch.push(next.value);
        total += weight(next.value);
        fill();
      }
      yield batch;
    }
  } catch (err) {
    finished = true;
    throw err;
  } finally {
    if (!finished) {
      finished = true;
      await it.return?.()?.catch(noop);
    }
  }
}

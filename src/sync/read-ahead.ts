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

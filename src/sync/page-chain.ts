// Paging a token chain one request ahead: the next page is asked for as soon as the previous
// answer names its token, before the consumer has handled that page. The chain then runs at the
// pace of the round trip or of the rate limiter, not the round trip plus the consumer's work.
// At most one request is in flight beyond the page handed out; stopping early aborts it.

const noop = () => {};

export interface ChainStep<P> {
  page: P;
  /** whether another page follows */
  more: boolean;
}

/**
 * `fetch(token, signal)` gets one page (token undefined for the first); `next(page)` gives the
 * next token or undefined at the end, and may throw (a page guard): the page is still handed
 * out first, then the error is thrown.
 */
export async function* prefetchChain<P>(
  fetch: (token: string | undefined, signal: AbortSignal) => Promise<P>,
  next: (page: P) => string | undefined,
  options: { first?: string | undefined; signal?: AbortSignal | undefined } = {},
): AsyncGenerator<ChainStep<P>> {
  const outer = options.signal;
  outer?.throwIfAborted();
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  let pending: Promise<P> | undefined = fetch(options.first, controller.signal);
  try {
    while (pending !== undefined) {
      const page: P = await pending;
      pending = undefined;
      let token: string | undefined;
      let stop: { error: unknown } | undefined;
      try {
        token = next(page);
      } catch (error) {
        stop = { error };
      }
      if (token !== undefined) {
        pending = fetch(token, controller.signal);
        // a failure is observed when the consumer asks for that page; until then it is not unhandled
        pending.catch(noop);
      }
      yield { page, more: token !== undefined || stop !== undefined };
      if (stop) throw stop.error;
    }
  } finally {
    outer?.removeEventListener('abort', onAbort);
    // the consumer stopped early (or failed): the request sent ahead is no longer wanted
    if (pending !== undefined) controller.abort(new Error('paging stopped'));
  }
}

// Builds the entity index from parties streamed by the caller's thread (see index-build-thread.ts)
// and answers with the index's snapshot: shared arrays, handed over without a copy.
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Party } from '../model/types.ts';
import { createEntityIndex } from './entity-index.ts';
import { CONSUMED, POSTED, decodeChunk, type BuildChunk, type BuildReply } from './index-build-wire.ts';

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
/** a private cell to sleep on */
const nap = new Int32Array(new SharedArrayBuffer(4));

/** Parties as they arrive, blocking this thread between chunks (createEntityIndex reads synchronously). */
function* incoming(): Generator<Party> {
  let taken = 0;
  for (;;) {
    let got = receiveMessageOnPort(port);
    while (got === undefined) {
      // the counter moves after the chunk is on the port: wait for it to move, then look again
      if (Atomics.load(signal, POSTED) === taken) Atomics.wait(signal, POSTED, taken, 1000);
      else Atomics.wait(nap, 0, 0, 1);
      got = receiveMessageOnPort(port);
    }
    taken++;
    const chunk = got.message as BuildChunk;
    Atomics.add(signal, CONSUMED, 1);
    Atomics.notify(signal, CONSUMED);
    if (chunk.end) return;
    yield* decodeChunk(chunk.parties);
  }
}

try {
  const index = createEntityIndex(incoming());
  port.postMessage({ snapshot: index.snapshot() } satisfies BuildReply);
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({
    failed: { message: e.message, ...(e.stack ? { stack: e.stack } : {}) },
  } satisfies BuildReply);
}

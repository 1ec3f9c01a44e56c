// Builds the entity index on a worker thread. The parties are read on the caller's thread (they
// usually come out of an ownership graph that lives there) and streamed over in chunks, a few at a
// time, while the other thread normalises names and fills the index: the two overlap on two cores,
// and the builder's allocations are collected in a heap of its own instead of one that also holds
// a 10M-party graph. The finished index comes back as shared arrays, attached without a copy.
import { getHeapStatistics } from 'node:v8';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Party } from '../model/types.ts';
import { attachEntityIndex } from './index-attach.ts';
import type { OwnershipGraph } from '../evaluator/index.ts';
import {
  CONSUMED,
  POSTED,
  encodeChunk,
  partyTuple,
  type BuildChunk,
  type BuildReply,
} from './index-build-wire.ts';
import type { EntityIndex, EntityIndexSnapshot } from './index-layout.ts';

/** Atomics.waitAsync (Node 16+; its type is in TypeScript's es2024 library, newer than this project's) */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

export interface IndexBuildOptions {
  /** parties per message (default 4,096) */
  chunk?: number;
  /** chunks sent but not yet taken by the builder, at most (default 4): memory stays bounded */
  inFlight?: number;
  /**
   * chunks queued for the builder before `onQueued` is called (default: inFlight). A caller about
   * to keep its own thread busy (solving the ownership graph) first queues enough to keep the
   * builder busy meanwhile; after that, at most `inFlight` wait again.
   */
  ahead?: number;
  /** called once, when `ahead` chunks are queued or every chunk is */
  onQueued?: () => void;
  /** stops the build (its thread too): the promise rejects with the signal's reason */
  signal?: AbortSignal;
}

/** Parties, or a graph that shows its described parties without building a Party each. */
export type IndexSource = Iterable<Party> | Pick<OwnershipGraph, 'visitDescribedEntities'>;

/** The indexable parties of a source as encoded chunks of at most `size`. */
function* chunks(source: IndexSource, size: number): Generator<string> {
  if ('visitDescribedEntities' in source) {
    for (let at = 0; at >= 0;) {
      const tuples: ReturnType<typeof partyTuple>[] = [];
      at = source.visitDescribedEntities(at, size, (f) => {
        if (INDEXED.has(f.kind)) tuples.push(partyTuple(f));
      });
      if (tuples.length > 0) yield encodeChunk(tuples);
    }
    return;
  }
  let tuples: ReturnType<typeof partyTuple>[] = [];
  for (const p of source) {
    if (!INDEXED.has(p.kind)) continue;
    tuples.push(partyTuple(p));
    if (tuples.length >= size) {
      yield encodeChunk(tuples);
      tuples = [];
    }
  }
  if (tuples.length > 0) yield encodeChunk(tuples);
}

/** the kinds createEntityIndex indexes (it skips the others itself; they need not travel) */
const INDEXED = new Set<string>(['entity', 'state', 'stateBody']);

/** The same index as createEntityIndex(parties), built on another thread. */
export async function buildEntityIndexInThread(
  source: IndexSource,
  options: IndexBuildOptions = {},
): Promise<EntityIndex> {
  const chunkSize = Math.max(1, options.chunk ?? 4096);
  const inFlight = Math.max(1, options.inFlight ?? 4);
  const ahead = Math.max(inFlight, options.ahead ?? inFlight);
  let limit = ahead;
  let announced = false;
  const queued = () => {
    if (announced) return;
    announced = true;
    limit = inFlight;
    options.onQueued?.();
  };
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./index-build-worker.js', import.meta.url), {
    workerData: { port: port2, signal },
    transferList: [port2],
    // the entry registers tsx itself; inheriting a loader from the command line would load it twice
    execArgv: [],
    name: 'channelguard-index-builder',
    // the builder's heap may grow as large as this thread's may
    resourceLimits: { maxOldGenerationSizeMb: Math.ceil(getHeapStatistics().heap_size_limit / 1048576) },
  });
  const reply = answer(port1, worker);
  let stopped = false; // the builder answered or failed: stop waiting for it to take chunks
  reply.then(
    () => (stopped = true),
    () => (stopped = true),
  );
  const aborted = new Promise<never>((_, reject) => {
    options.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true });
  });
  aborted.catch(() => {}); // raced below
  let posted = 0;
  const post = async (chunk: BuildChunk) => {
    for (;;) {
      options.signal?.throwIfAborted();
      const taken = Atomics.load(signal, CONSUMED);
      if (stopped || posted - taken < limit) break;
      const w = waitAsync(signal, CONSUMED, taken, 100);
      if (w.async) await w.value;
    }
    port1.postMessage(chunk);
    posted++;
    Atomics.store(signal, POSTED, posted);
    Atomics.notify(signal, POSTED);
    if (posted >= ahead) queued();
  };
  try {
    for (const parties of chunks(source, chunkSize)) await post({ parties });
    await post({ end: true });
    queued();
    options.signal?.throwIfAborted();
    return attachEntityIndex(await Promise.race([reply, aborted]));
  } finally {
    port1.close();
    await worker.terminate();
  }
}

function answer(port: MessagePort, worker: Worker): Promise<EntityIndexSnapshot> {
  return new Promise((resolve, reject) => {
    const settle = (m: BuildReply) => {
      if ('snapshot' in m) resolve(m.snapshot);
      else
        reject(
          Object.assign(new Error(`building the entity index failed: ${m.failed.message}`), {
            stack: m.failed.stack,
          }),
        );
    };
    port.once('message', settle);
    worker.once('error', (err) =>
      reject(new Error(`the index-building thread failed: ${err.message}`, { cause: err })),
    );
    worker.once('exit', (code) => {
      // the thread's last word may still wait on the port when its exit is seen: read it first
      const last = receiveMessageOnPort(port);
      if (last !== undefined) settle(last.message as BuildReply);
      else reject(new Error(`the index-building thread stopped (exit code ${code})`));
    });
  });
}

// The embedded store's Db when PGlite runs on a worker thread (pglite-worker.js): statements are
// messages, answered in order. A transaction holds a lock on this side so that statements from
// outside it wait (as they do inside PGlite's own transaction()); nested calls join it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { StoreError } from '../errors.ts';
import type { Db, QueryResult } from './db.ts';

interface Reply {
  id: number;
  rows?: unknown[];
  ok?: boolean;
  error?: { message: string; code?: string };
}

/** An error PGlite raised, with the SQLSTATE when it gave one. */
export class WorkerDbError extends Error {
  override readonly name = 'WorkerDbError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

class Channel {
  private next = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (r: unknown[]) => void; reject: (e: Error) => void }
  >();
  private failed: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: Reply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if (m.error) w.reject(new WorkerDbError(m.error.message, m.error.code));
      else w.resolve(m.rows ?? []);
    });
    const fail = (err: Error) => {
      this.failed = err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => fail(new Error(`the database thread stopped (exit code ${code})`)));
  }

  send(op: string, sql?: string, params?: unknown[]): Promise<unknown[]> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      // the thread keeps the process alive only while a statement is in flight
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, sql, params });
    });
  }
}

/** A FIFO lock: transactions take it; statements outside a transaction wait for it to be free. */
class Lock {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const before = this.tail;
    let release!: () => void;
    this.tail = new Promise((r) => (release = r));
    await before;
    try {
      return await fn();
    } finally {
      release();
    }
  }
  /** resolves when every transaction queued so far has finished */
  idle(): Promise<void> {
    return this.tail;
  }
}

/** Starts the worker and waits for PGlite to be open on it; on failure the thread is ended. */
async function startWorker(
  dataDir: string | undefined,
  initOnly: boolean,
  wrap: (err: unknown, what: string) => StoreError,
): Promise<Worker> {
  const worker = new Worker(new URL('./pglite-worker.js', import.meta.url), {
    workerData: { dataDir, initOnly },
    // the worker is plain JavaScript: it needs no loader, and must not inherit a TypeScript one
    execArgv: [],
  });
  const ready = await new Promise<Reply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).catch((err: unknown): Reply => ({
    id: 0,
    error: { message: err instanceof Error ? err.message : String(err) },
  }));
  if (ready.error) {
    await worker.terminate();
    throw wrap(
      new WorkerDbError(ready.error.message, ready.error.code),
      `cannot open the embedded database at ${dataDir}`,
    );
  }
  return worker;
}

/**
 * Opens PGlite at `dataDir` (undefined: in memory) on a worker thread. A directory that holds no
 * database yet is first initialised on a thread of its own that then ends: PGlite's initdb leaves
 * some 400 MB of WebAssembly memory that the thread would otherwise keep resident for its life.
 */
export async function openPgliteThread(
  dataDir: string | undefined,
  wrap: (err: unknown, what: string) => StoreError,
): Promise<Db> {
  if (dataDir !== undefined && !existsSync(join(dataDir, 'PG_VERSION')))
    await (await startWorker(dataDir, true, wrap)).terminate();
  const worker = await startWorker(dataDir, false, wrap);
  worker.unref();
  const channel = new Channel(worker);
  const lock = new Lock();
  let closed = false;

  const run = async <R>(op: string, sql: string, params: unknown[] | undefined, what: string) => {
    try {
      return (await channel.send(op, sql, params)) as R[];
    } catch (err) {
      throw wrap(err, what);
    }
  };
  const make = (inTx: boolean): Db => ({
    kind: 'pglite',
    onCallerThread: false,
    async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      if (!inTx) await lock.idle();
      return { rows: await run<R>('query', sql, params, 'query failed') };
    },
    async exec(sql: string): Promise<void> {
      if (!inTx) await lock.idle();
      await run('exec', sql, undefined, 'statement failed');
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (inTx) return fn(make(true));
      return lock.run(async () => {
        await run('exec', 'BEGIN', undefined, 'statement failed');
        try {
          const out = await fn(make(true));
          await run('exec', 'COMMIT', undefined, 'statement failed');
          return out;
        } catch (err) {
          await channel.send('exec', 'ROLLBACK').catch(() => {});
          throw err;
        }
      });
    },
    async session<T>(fn: (conn: Db) => Promise<T>): Promise<T> {
      return fn(make(inTx));
    },
    async close(): Promise<void> {
      if (inTx || closed) return;
      closed = true;
      await lock.idle();
      try {
        await channel.send('close');
      } finally {
        await worker.terminate();
      }
    },
  });
  return make(false);
}

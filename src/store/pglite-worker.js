// The embedded database on its own thread: PGlite (PostgreSQL compiled to WebAssembly) runs every
// statement on the thread that owns it, so hosted here it works while the main thread matches,
// evaluates and reads the clouds. Plain JavaScript on purpose: a worker does not inherit the tsx
// loader that `npx channelguard` registers. Protocol (see pglite-thread.ts): one message per
// statement, answered in order with the same id; PGlite itself runs them one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @param {unknown} err */
function describe(err) {
  if (err instanceof Error) {
    const e = /** @type {Error & Record<string, unknown>} */ (err);
    return { message: e.message, code: typeof e.code === 'string' ? e.code : undefined };
  }
  return { message: String(err) };
}

let pg;
try {
  pg = await PGlite.create(workerData.dataDir ?? undefined);
  // initOnly: this thread only runs initdb on a fresh directory and is then ended (with all the
  // memory initdb left behind); the store is opened on a new thread
  if (workerData.initOnly) await pg.close();
  parentPort.postMessage({ id: 0, ok: true });
} catch (err) {
  parentPort.postMessage({ id: 0, error: describe(err) });
}

parentPort.on(
  'message',
  async (/** @type {{ id: number; op: string; sql?: string; params?: unknown[] }} */ m) => {
    try {
      if (m.op === 'query') {
        const r = await pg.query(m.sql, m.params);
        parentPort.postMessage({ id: m.id, rows: r.rows });
      } else if (m.op === 'exec') {
        await pg.exec(m.sql);
        parentPort.postMessage({ id: m.id, rows: [] });
      } else if (m.op === 'close') {
        await pg.close();
        parentPort.postMessage({ id: m.id, rows: [] });
      } else parentPort.postMessage({ id: m.id, error: { message: `unknown operation ${m.op}` } });
    } catch (err) {
      parentPort.postMessage({ id: m.id, error: describe(err) });
    }
  },
);

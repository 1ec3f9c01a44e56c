import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from './db.ts';

// The embedded store behaves the same on its worker thread as in-process: transactions are atomic
// and isolated from statements outside them, errors keep PostgreSQL's message, data persists.
for (const thread of [true, false])
  describe(`PGlite ${thread ? 'on a worker thread' : 'in-process'}`, () => {
    let db: Db;
    // one database per mode (opening PGlite costs seconds); a fresh table per test
    before(async () => (db = await openDb({ dataDir: 'memory://', thread })));
    after(() => db.close());
    beforeEach(() => db.exec('DROP TABLE IF EXISTS t; CREATE TABLE t (k int PRIMARY KEY, v text NOT NULL)'));

    it(`says whether statements run on the caller's thread (${!thread})`, () => {
      assert.equal(db.onCallerThread, !thread);
    });

    it('returns typed rows and keeps the server message on errors', async () => {
      await db.query('INSERT INTO t VALUES ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
      const { rows } = await db.query<{ k: number; v: string; at: Date; j: unknown }>(
        `SELECT k, v, timestamptz '2026-11-01T00:00:00Z' AS at, '{"x":[1]}'::jsonb AS j FROM t ORDER BY k`,
      );
      assert.deepEqual(rows, [
        { k: 1, v: 'a', at: new Date('2026-11-01T00:00:00Z'), j: { x: [1] } },
        { k: 2, v: 'b', at: new Date('2026-11-01T00:00:00Z'), j: { x: [1] } },
      ]);
      await assert.rejects(
        db.query('INSERT INTO t VALUES (1, $1)', ['dup']),
        /query failed: duplicate key value/,
      );
    });

    it('rolls a failing transaction back whole, and the store stays usable', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO t VALUES (10, 'x')");
          await tx.transaction((inner) => inner.query("INSERT INTO t VALUES (11, 'y')"));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM t')).rows, [{ n: 0 }]);
      await db.transaction((tx) => tx.query("INSERT INTO t VALUES (12, 'z')"));
      assert.deepEqual((await db.query('SELECT k FROM t')).rows, [{ k: 12 }]);
    });

    it('a statement outside a transaction neither joins it nor sees it half done', async () => {
      let inside!: () => void;
      const held = new Promise<void>((r) => (inside = r));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const tx = db.transaction(async (t) => {
        await t.query("INSERT INTO t VALUES (20, 'in')");
        inside();
        await gate;
        throw new Error('rolled back');
      });
      await held;
      const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
      const insert = db.query("INSERT INTO t VALUES (21, 'out')");
      release();
      await assert.rejects(tx, /rolled back/);
      assert.deepEqual((await outside).rows, [{ n: 0 }]);
      await insert;
      assert.deepEqual((await db.query('SELECT k FROM t ORDER BY k')).rows, [{ k: 21 }]);
    });
  });

describe('PGlite on a worker thread, on disk', () => {
  it('keeps what it wrote after close and reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-thread-'));
    try {
      const a = await openDb({ dataDir: dir, thread: true });
      await a.exec('CREATE TABLE t (k int); INSERT INTO t VALUES (7);');
      await a.close();
      const b = await openDb({ dataDir: dir, thread: true });
      assert.deepEqual((await b.query('SELECT k FROM t')).rows, [{ k: 7 }]);
      await b.close();
      await assert.rejects(b.query('SELECT 1'), /database thread stopped|closed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('initialises an empty directory (on a thread of its own) before opening it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-thread-'));
    try {
      assert.equal(existsSync(join(dir, 'PG_VERSION')), false);
      const db = await openDb({ dataDir: dir, thread: true });
      assert.equal(existsSync(join(dir, 'PG_VERSION')), true);
      assert.deepEqual((await db.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a directory that cannot be made, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-thread-'));
    try {
      const file = join(dir, 'plain-file');
      writeFileSync(file, 'not a directory');
      await assert.rejects(
        openDb({ dataDir: join(file, 'db'), thread: true }),
        /cannot open the embedded database at .*plain-file\/db/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

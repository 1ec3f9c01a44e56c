// Review items, determinations (four-eyes, lapses) and the hash-chained audit log, on PGlite and
// on the PostgreSQL server (a fresh schema per test).
import assert from 'node:assert/strict';
import { UsageError } from '../src/errors.ts';
import {
  appendAudit,
  getReviewItem,
  listReviewItems,
  loadDeterminations,
  recordDetermination,
  recordOutcomes,
  upsertReviewItems,
  verifyAuditLog,
  type ReviewItemInput,
} from '../src/review/index.ts';
import type { Db } from '../src/store/db.ts';
import { openStore } from '../src/store/index.ts';
import { backends } from './store-backends.ts';

const T0 = '2026-01-10T09:00:00.000Z';
const T1 = '2026-01-11T09:00:00.000Z';
const T2 = '2026-03-01T09:00:00.000Z';
const run = (at: string) => ({ at, actor: 'channelguard audit', runId: `run-${at}` });

function item(id: string, fields: Partial<ReviewItemInput> = {}): ReviewItemInput {
  return {
    id,
    subjectType: 'tenant',
    cloud: 'aws',
    tenantKey: id.split(':')[1]!,
    automaticDecision: 'review',
    matchStatus: 'review',
    reasons: ['tenant:match-review'],
    candidates: [{ entityId: 'E1', name: 'Acme Ltd', score: 0.8 }],
    evidenceHash: 'a'.repeat(64),
    ...fields,
  };
}

async function inForceFor(db: Db, subject: string) {
  return (await loadDeterminations(db)).filter((d) => d.subject === subject);
}

async function actions(db: Db, subject: string): Promise<string[]> {
  const { rows } = await db.query<{ action: string }>(
    'SELECT action FROM audit_log WHERE subject = $1 ORDER BY seq',
    [subject],
  );
  return rows.map((r) => r.action);
}

for (const backend of backends) {
  describe(`review store on ${backend.name}`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    // one store per backend (opening PGlite costs seconds); tests use their own subjects
    before(async () => {
      const loc = await backend.create();
      drop = loc.drop;
      db = await openStore(loc.databaseUrl ? { databaseUrl: loc.databaseUrl } : { dataDir: loc.dataDir! });
    });
    after(async () => {
      await db.close();
      await drop();
    });

    it('queues items once, refreshes them on later runs, and lists them in id order', async () => {
      const first = await upsertReviewItems(db, [item('aws:222'), item('aws:111')], run(T0));
      assert.deepEqual(
        { inserted: first.inserted, updated: first.updated, lapsed: first.lapsed },
        {
          inserted: 2,
          updated: 0,
          lapsed: [],
        },
      );
      const again = await upsertReviewItems(
        db,
        [item('aws:111', { reasons: ['tenant:unresolved'] })],
        run(T1),
      );
      assert.equal(again.updated, 1);
      const list = (await listReviewItems(db)).filter((i) => i.id === 'aws:111' || i.id === 'aws:222');
      assert.deepEqual(
        list.map((i) => [i.id, i.status, i.reasons]),
        [
          ['aws:111', 'open', ['tenant:unresolved']],
          ['aws:222', 'open', ['tenant:match-review']],
        ],
      );
      assert.equal(list[0]!.firstSeen, T0);
      assert.equal(list[0]!.lastSeen, T1);
      assert.deepEqual(await actions(db, 'aws:111'), ['review.opened']);
    });

    it('four-eyes: restricted -> allowed needs a second, different reviewer', async () => {
      await upsertReviewItems(db, [item('aws:333', { automaticDecision: 'restricted' })], run(T0));
      const req = {
        itemId: 'aws:333',
        kind: 'decide' as const,
        decision: 'allowed' as const,
        reason: 'divested: share register of 2026-01-05',
        reviewer: 'alice',
        evidence: ['https://example.com/register.pdf'],
      };
      const first = await recordDetermination(db, req, { at: T0, actor: 'alice' });
      assert.equal(first.state, 'pending');
      assert.deepEqual(await inForceFor(db, 'aws:333'), [], 'a pending approval is not in force');
      await assert.rejects(
        recordDetermination(db, { ...req, reason: 'again' }, { at: T0, actor: 'alice' }),
        (err: unknown) =>
          err instanceof UsageError && /four-eyes: alice already recorded D\d+/.test(err.message),
      );
      const second = await recordDetermination(
        db,
        { ...req, reviewer: 'bob', reason: 'checked' },
        { at: T1, actor: 'bob' },
      );
      assert.equal(second.state, 'approved');
      assert.equal(second.determination.id, first.determination.id);
      const inForce = await inForceFor(db, 'aws:333');
      assert.equal(inForce.length, 1);
      assert.deepEqual(
        [inForce[0]!.reviewer, inForce[0]!.approver, inForce[0]!.decision],
        ['alice', 'bob', 'allowed'],
      );
      assert.equal((await getReviewItem(db, 'aws:333'))!.status, 'decided');
      assert.deepEqual(await actions(db, 'aws:333'), [
        'review.opened',
        'determination.pending',
        'determination.approved',
      ]);
    });

    it('one reviewer suffices when no restricted outcome is lifted, and a new word supersedes the old', async () => {
      await upsertReviewItems(db, [item('aws:444')], run(T0));
      const a = await recordDetermination(
        db,
        {
          itemId: 'aws:444',
          kind: 'decide',
          decision: 'allowed',
          reason: 'known customer',
          reviewer: 'carol',
        },
        { at: T0, actor: 'carol' },
      );
      assert.equal(a.state, 'recorded');
      const b = await recordDetermination(
        db,
        { itemId: 'aws:444', kind: 'decide', decision: 'restricted', reason: 'new filing', reviewer: 'dave' },
        { at: T1, actor: 'dave' },
      );
      assert.deepEqual(b.superseded, [a.determination.id]);
      const inForce = await inForceFor(db, 'aws:444');
      assert.deepEqual(
        inForce.map((d) => d.decision),
        ['restricted'],
      );
    });

    it('refuses unknown items, missing reasons and past expiry dates', async () => {
      await upsertReviewItems(db, [item('aws:555')], run(T0));
      const base = {
        itemId: 'aws:555',
        kind: 'decide' as const,
        decision: 'allowed' as const,
        reason: 'ok',
        reviewer: 'x',
      };
      await assert.rejects(
        recordDetermination(db, { ...base, itemId: 'aws:nope' }, run(T0)),
        /no review item aws:nope/,
      );
      await assert.rejects(
        recordDetermination(db, { ...base, reason: ' ' }, run(T0)),
        /a reason is required/,
      );
      await assert.rejects(
        recordDetermination(db, { ...base, expiresAt: '2025-12-31' }, run(T0)),
        /not in the future/,
      );
      await assert.rejects(
        recordDetermination(db, { ...base, expiresAt: '31/12/2026' }, run(T0)),
        /is not a date/,
      );
    });

    it('a determination lapses when its evidence changes, and the item returns to review', async () => {
      await upsertReviewItems(db, [item('aws:666')], run(T0));
      const d = await recordDetermination(
        db,
        {
          itemId: 'aws:666',
          kind: 'confirm-match',
          entityId: 'E1',
          reason: 'same VAT on invoice',
          reviewer: 'erin',
        },
        { at: T0, actor: 'erin' },
      );
      assert.equal((await getReviewItem(db, 'aws:666'))!.status, 'decided');
      const same = await upsertReviewItems(db, [item('aws:666')], run(T1));
      assert.deepEqual(same.lapsed, []);
      const changed = await upsertReviewItems(
        db,
        [item('aws:666', { evidenceHash: 'b'.repeat(64) })],
        run(T2),
      );
      assert.deepEqual(changed.lapsed, [
        { id: d.determination.id, subject: 'aws:666', reason: 'evidence-changed' },
      ]);
      const it = (await getReviewItem(db, 'aws:666'))!;
      assert.equal(it.status, 'open');
      assert.equal(it.determinations[0]!.status, 'lapsed');
      assert.deepEqual(await actions(db, 'aws:666'), [
        'review.opened',
        'determination.recorded',
        'determination.lapsed',
        'review.reopened',
      ]);
    });

    it('an expired determination lapses on the next run', async () => {
      await upsertReviewItems(db, [item('aws:777')], run(T0));
      await recordDetermination(
        db,
        {
          itemId: 'aws:777',
          kind: 'decide',
          decision: 'allowed',
          reason: 'ok',
          reviewer: 'f',
          expiresAt: '2026-02-01',
        },
        { at: T0, actor: 'f' },
      );
      assert.equal((await inForceFor(db, 'aws:777')).length, 1);
      const r = await upsertReviewItems(db, [item('aws:777')], run(T2));
      assert.equal(r.lapsed.length, 1);
      assert.equal(r.lapsed[0]!.reason, 'expired');
      assert.equal((await inForceFor(db, 'aws:777')).length, 0);
      assert.equal((await getReviewItem(db, 'aws:777'))!.status, 'open');
    });

    it('logs an outcome only when it changes between runs', async () => {
      const o = (decision: 'allowed' | 'restricted') => [{ subject: 'aws:888', decision, reasons: [] }];
      assert.deepEqual(await recordOutcomes(db, o('allowed'), run(T0)), { changed: 1 });
      assert.deepEqual(await recordOutcomes(db, o('allowed'), run(T1)), { changed: 0 });
      assert.deepEqual(await recordOutcomes(db, o('restricted'), run(T2)), { changed: 1 });
      const { rows } = await db.query<{ payload: string }>(
        `SELECT payload FROM audit_log WHERE subject = 'aws:888' ORDER BY seq`,
      );
      assert.deepEqual(
        rows
          .map((r) => JSON.parse(r.payload) as { from: string | null; to: string })
          .map((p) => [p.from, p.to]),
        [
          [null, 'allowed'],
          ['allowed', 'restricted'],
        ],
      );
    });

    it('appends from concurrent writers stay one chain', async () => {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          appendAudit(db, [
            { at: T0, actor: `w${i}`, action: 'x', subject: `s${i}`, payload: { i } },
            { at: T0, actor: `w${i}`, action: 'y', subject: `s${i}`, payload: { i } },
          ]),
        ),
      );
      const { rows } = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM audit_log');
      const v = await verifyAuditLog(db);
      assert.deepEqual([v.ok, v.count], [true, Number(rows[0]!.n)]);
      assert.ok(v.count >= 16);
    });
    // last: it disables the trigger and breaks the chain of this store
    it('audit log: hashes of any other shape than 64 lowercase hex digits are refused', async () => {
      const good = 'a'.repeat(64);
      for (const [prev, hash] of [
        ['A'.repeat(64), good],
        [good, 'b'.repeat(63)],
        [good, 'c'.repeat(65)],
        [good, `${'d'.repeat(63)}g`],
      ])
        await assert.rejects(
          db.query(
            `INSERT INTO audit_log (seq, at, actor, action, subject, payload, prev_hash, hash)
             VALUES (999999999, 'x', 'x', 'x', 'x', 'null', $1, $2)`,
            [prev, hash],
          ),
          /check constraint/,
        );
    });

    it('audit log: the chain verifies, UPDATE/DELETE are refused, and tampering is found at its row', async () => {
      const base = (await verifyAuditLog(db)).count;
      const at = (k: number) => base + k;
      await appendAudit(db, [
        { at: T0, actor: 'a', action: 'x.one', subject: 's1', payload: { n: 1, text: 'héllo' } },
        { at: T0, actor: 'a', action: 'x.two', subject: 's2', payload: { n: 2 } },
        { at: T1, actor: 'b', action: 'x.three', subject: 's3', payload: null },
      ]);
      const ok = await verifyAuditLog(db, { pageSize: 2 });
      assert.equal(ok.ok, true);
      assert.equal(ok.count, at(3));
      const head = ok.ok ? ok.head! : undefined;
      assert.equal(head?.seq, at(3));
      assert.equal((await verifyAuditLog(db, { anchors: [head!] })).ok, true);

      await assert.rejects(
        db.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = ${at(2)}`),
        /append-only/,
      );
      await assert.rejects(db.query(`DELETE FROM audit_log WHERE seq = ${at(3)}`), /append-only/);
      await assert.rejects(db.query(`TRUNCATE audit_log`), /append-only/);

      await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await db.query(`UPDATE audit_log SET payload = '{"n":20}' WHERE seq = ${at(2)}`);
      const bad = await verifyAuditLog(db);
      assert.deepEqual(bad, {
        ok: false,
        count: at(1),
        firstBadSeq: at(2),
        reason: 'hash does not match the row contents',
      });

      await db.query(`UPDATE audit_log SET payload = '{"n":2}' WHERE seq = ${at(2)}`);
      assert.equal((await verifyAuditLog(db)).ok, true, 'restoring the row restores the chain');
      await db.query(`DELETE FROM audit_log WHERE seq = ${at(2)}`);
      const gap = await verifyAuditLog(db);
      assert.equal(gap.ok, false);
      assert.equal(!gap.ok && gap.firstBadSeq, at(2));
      await db.query(`DELETE FROM audit_log WHERE seq = ${at(3)}`);
      const cut = await verifyAuditLog(db, { anchors: [head!] });
      assert.equal(!cut.ok && cut.reason, `anchored row ${at(3)} is missing`);
    });
  });
}

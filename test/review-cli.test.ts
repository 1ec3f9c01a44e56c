// The review and audit-log commands in-process, on an embedded store in a temp directory
// (and on the PostgreSQL server through DATABASE_URL).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import type { CliIo } from '../src/cli/io.ts';
import { upsertReviewItems } from '../src/review/index.ts';
import { openStore } from '../src/store/index.ts';
import { backends } from './store-backends.ts';

function memoryIo(cwd: string, env: Record<string, string>, tty = false) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    env,
    stdoutIsTTY: tty,
    stderrIsTTY: false,
    cwd,
    now: () => new Date('2026-01-20T10:00:00.000Z'),
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

for (const backend of backends) {
  describe(`review CLI on ${backend.name}`, () => {
    let cwd: string;
    let env: Record<string, string>;
    let drop: () => Promise<void>;
    const run = async (args: string[], tty = false) => {
      const m = memoryIo(cwd, env, tty);
      const code = await main(args, m.io);
      return { code, out: m.out(), err: m.err() };
    };

    before(async () => {
      cwd = await mkdtemp(join(tmpdir(), 'cg-review-'));
      const loc = await backend.create();
      drop = loc.drop;
      env = loc.databaseUrl ? { DATABASE_URL: loc.databaseUrl } : {};
      const db = await openStore(
        loc.databaseUrl ? { databaseUrl: loc.databaseUrl } : { dataDir: '.channelguard/db', cwd },
      );
      await upsertReviewItems(
        db,
        [
          {
            id: 'aws:111122223333',
            subjectType: 'tenant',
            cloud: 'aws',
            tenantKey: '111122223333',
            automaticDecision: 'restricted',
            matchStatus: 'matched',
            reasons: ['tenant:origin:headquarters:CN'],
            candidates: [{ entityId: 'E-RED', name: 'Red Dragon Ltd', score: 1 }],
            evidenceHash: 'c'.repeat(64),
          },
          {
            id: 'azure:tenant-2',
            subjectType: 'tenant',
            cloud: 'azure',
            tenantKey: 'tenant-2',
            automaticDecision: 'review',
            matchStatus: 'review',
            reasons: ['tenant:match-review', 'tenant:match-ambiguous'],
            candidates: [
              { entityId: 'E-A', name: 'Northwind GmbH', score: 0.95 },
              { entityId: 'E-B', name: 'Northwind AG', score: 0.95 },
            ],
            evidenceHash: 'd'.repeat(64),
          },
        ],
        { at: '2026-01-19T00:00:00.000Z', actor: 'channelguard audit', runId: 'r1' },
      );
      await db.close();
    });
    after(async () => {
      await drop();
      await rm(cwd, { recursive: true, force: true });
    });

    it('lists open items as tab-separated lines, a table on a terminal, JSON lines with --json', async () => {
      const plain = await run(['review', 'list']);
      assert.equal(plain.code, 0, plain.err);
      assert.deepEqual(
        plain.out
          .trim()
          .split('\n')
          .map((l) => l.split('\t').slice(0, 4)),
        [
          ['aws:111122223333', 'open', 'restricted', 'matched'],
          ['azure:tenant-2', 'open', 'review', 'review'],
        ],
      );
      const tty = await run(['review', 'list'], true);
      assert.match(tty.out, /^ID\s+STATUS\s+AUTOMATIC\s+MATCH\s+TOP CANDIDATE\s+REASONS\n/);
      assert.match(tty.out, /E-A \(0\.95\) \+1/);
      const json = await run(['review', 'list', '--json']);
      assert.deepEqual(
        json.out
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { id: string }).id),
        ['aws:111122223333', 'azure:tenant-2'],
      );
    });

    it('confirm-match by one reviewer settles an ambiguous tenant', async () => {
      const r = await run([
        'review',
        'confirm-match',
        'azure:tenant-2',
        'E-B',
        '--reviewer',
        'carol',
        '--json',
      ]);
      assert.equal(r.code, 0, r.err);
      const o = JSON.parse(r.out) as { state: string; determination: { kind: string; entityId: string } };
      assert.equal(o.state, 'recorded');
      assert.deepEqual([o.determination.kind, o.determination.entityId], ['confirm-match', 'E-B']);
    });

    it('four-eyes on the command line: same reviewer twice is refused (exit 2), a second one completes', async () => {
      const args = [
        'review',
        'decide',
        'aws:111122223333',
        '--decision',
        'allowed',
        '--reason',
        'divested 2026-01',
      ];
      const first = await run([
        ...args,
        '--reviewer',
        'alice',
        '--evidence',
        'https://example.com/a.pdf',
        '--expires',
        '2027-01-01',
      ]);
      assert.equal(first.code, 0, first.err);
      assert.match(first.out, /pending .*a second, different reviewer/);
      const again = await run([...args, '--reviewer', 'alice']);
      assert.equal(again.code, 2);
      assert.match(again.err, /four-eyes: alice already recorded D\d+/);
      const second = await run([...args, '--reviewer', 'bob']);
      assert.equal(second.code, 0, second.err);
      assert.match(second.out, /in force .*by alice and bob/);
      const show = await run(['review', 'show', 'aws:111122223333']);
      assert.match(
        show.out,
        /D\d+ in-force allowed by alice \+ bob .*\(expires 2027-01-01\): divested 2026-01 \[https:\/\/example.com\/a.pdf\]/,
      );
      assert.match(show.out, /determination\.pending\n.*determination\.approved/);
    });

    it('refuses a bad verdict and an unknown item with usage errors', async () => {
      const bad = await run([
        'review',
        'decide',
        'aws:111122223333',
        '--decision',
        'ok',
        '--reason',
        'x',
        '--reviewer',
        'y',
      ]);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--decision must be one of restricted, review, allowed/);
      const missing = await run(['review', 'show', 'gcp:none']);
      assert.equal(missing.code, 2);
      assert.match(missing.err, /no review item gcp:none/);
    });

    it('audit-log verify exits 0 on an intact chain and head prints seq:hash', async () => {
      const v = await run(['audit-log', 'verify']);
      assert.equal(v.code, 0, v.err + v.out);
      assert.match(v.out, /^intact: \d+ rows, head \d+:[0-9a-f]{64}\n$/);
      const head = await run(['audit-log', 'head']);
      const anchored = await run(['audit-log', 'verify', '--anchor', head.out.trim(), '--json']);
      assert.equal(anchored.code, 0);
      assert.equal((JSON.parse(anchored.out) as { ok: boolean }).ok, true);
      const badAnchor = await run(['audit-log', 'verify', '--anchor', '1:' + '0'.repeat(64)]);
      assert.equal(badAnchor.code, 1);
      assert.match(badAnchor.out, /broken at seq 1: hash differs from the anchored head/);
    });
  });
}

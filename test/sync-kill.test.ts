// Crash-only: a sync killed with SIGKILL at an arbitrary page, then run again, leaves every row
// exactly once, resumes from the committed cursor instead of starting over, and advances it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Db } from '../src/store/db.ts';
import { getCursor, openStore, recentRuns } from '../src/store/index.ts';
import type { RunSummary } from '../src/sync/run-sync.ts';
import { SKIP_PG, postgresBackend } from './store-backends.ts';
import type { FakeAdapterLog } from './sync-fixtures.ts';

const CHILD = fileURLToPath(new URL('./sync-kill-child.ts', import.meta.url));
const TENANTS = 300;
const PAGE = 10;

interface ChildOutput {
  summary: RunSummary;
  startedFrom: Record<string, FakeAdapterLog>;
}

/** Runs the child; kills it with SIGKILL after `killAfterPages` committed pages when given. */
function runChild(store: object, killAfterPages?: number): Promise<{ killed: boolean; out?: ChildOutput }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, JSON.stringify({ store, tenants: TENANTS, pageSize: PAGE, delayMs: 10 })],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let pages = 0;
    let out: ChildOutput | undefined;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('page ')) {
        pages++;
        if (killAfterPages !== undefined && pages === killAfterPages) child.kill('SIGKILL');
      } else if (line.startsWith('summary ')) out = JSON.parse(line.slice(8)) as ChildOutput;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') return resolve({ killed: true });
      if (code !== 0) return reject(new Error(`child exited ${code}: ${stderr}`));
      resolve({ killed: false, ...(out ? { out } : {}) });
    });
  });
}

async function verify(db: Db): Promise<void> {
  for (const cloud of ['aws', 'gcp', 'azure'] as const) {
    const t = await db.query<{ n: string; d: string }>(
      'SELECT count(*) AS n, count(DISTINCT tenant_key) AS d FROM tenants WHERE cloud = $1',
      [cloud],
    );
    assert.equal(Number(t.rows[0]!.n), TENANTS, `${cloud} tenants`);
    // usage quantities are 1..2N: their sum proves no line is missing and none counted twice
    const u = await db.query<{ n: string; s: string }>(
      'SELECT count(*) AS n, sum(quantity)::text AS s FROM usage WHERE cloud = $1',
      [cloud],
    );
    const lines = TENANTS * 2;
    assert.equal(Number(u.rows[0]!.n), lines, `${cloud} usage lines`);
    assert.equal(u.rows[0]!.s, String((lines * (lines + 1)) / 2), `${cloud} usage sum`);
    assert.equal(await getCursor(db, cloud, 'tenants'), `done:${TENANTS}`);
  }
  const runs = await recentRuns(db, 5);
  assert.deepEqual(
    runs.map((r) => r.status).sort(),
    ['ok', 'running'],
    'the killed run stays "running" as evidence; the re-run is ok',
  );
}

async function killAndResume(store: object, open: () => Promise<Db>): Promise<void> {
  const first = await runChild(store, 25);
  assert.equal(first.killed, true, 'the child finished before it could be killed; slow it down');
  const second = await runChild(store);
  assert.ok(second.out, 'the re-run printed its summary');
  assert.equal(second.out.summary.status, 'ok');
  const logs = Object.values(second.out.startedFrom);
  // resumed, not restarted: at least one stream began from a committed cursor, and fewer pages
  // were read than a full sync needs
  assert.ok(
    logs.some((l) => l.startedFrom.some((s) => s.cursor !== undefined)),
    JSON.stringify(logs.map((l) => l.startedFrom)),
  );
  const fullPages = 3 * (TENANTS / PAGE + (TENANTS * 2) / PAGE);
  assert.ok(
    logs.reduce((n, l) => n + l.pagesServed, 0) < fullPages,
    'the re-run read fewer pages than a full sync',
  );
  const db = await open();
  try {
    await verify(db);
  } finally {
    await db.close();
  }
}

describe('sync killed midway and run again', function () {
  this.timeout(120_000);

  it('on PGlite: every row exactly once, cursor advanced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cg-kill-'));
    try {
      await killAndResume({ dataDir: dir }, () => openStore({ dataDir: dir }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  if (!SKIP_PG) {
    it('on PostgreSQL: every row exactly once, cursor advanced', async () => {
      const loc = await postgresBackend.create();
      try {
        await killAndResume({ databaseUrl: loc.databaseUrl }, () =>
          openStore({ databaseUrl: loc.databaseUrl! }),
        );
      } finally {
        await loc.drop();
      }
    });
  }
});

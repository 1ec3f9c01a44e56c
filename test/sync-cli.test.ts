// `channelguard sync` end to end, in-process: the demo (three wire-level fakes, PGlite), a
// throttled cloud failing in isolation, and the documented exit statuses.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeForSummary } from '../src/cli/commands/sync.ts';
import type { CliIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { openStore, sourceStatus } from '../src/store/index.ts';
import type { RunSummary, SyncFailure } from '../src/sync/run-sync.ts';

function memoryIo(cwd: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd,
    now: () => new Date('2026-11-21T00:00:00Z'),
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

const failure = (kind: SyncFailure['kind'], retryable: boolean): SyncFailure => ({
  cloud: 'aws',
  source: 'tenants',
  kind,
  message: 'x',
  retryable,
});

describe('sync exit statuses', () => {
  const cases: Array<[string, Pick<RunSummary, 'status' | 'failures'>, number]> = [
    ['ok', { status: 'ok', failures: [] }, 0],
    ['partial', { status: 'partial', failures: [failure('adapter', true)] }, 3],
    [
      'all failed, all temporary',
      { status: 'failed', failures: [failure('adapter', true), failure('aborted', true)] },
      75,
    ],
    [
      'all failed, one not temporary',
      { status: 'failed', failures: [failure('adapter', true), failure('adapter', false)] },
      69,
    ],
    ['the database failed', { status: 'failed', failures: [failure('store', true)] }, 69],
  ];
  for (const [name, summary, code] of cases) {
    it(`${name} -> ${code}`, () => assert.equal(exitCodeForSummary(summary), code));
  }
});

describe('channelguard sync', function () {
  this.timeout(240_000);
  let cwd: string;
  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'cg-sync-cli-'));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('--demo syncs all three fakes into PGlite and prints one JSON summary', async () => {
    const { io, out, err } = memoryIo(cwd);
    const code = await main(['sync', '--demo', '--demo-tenants', '90', '--json'], io);
    assert.equal(code, 0, err());
    const summary = JSON.parse(out()) as RunSummary;
    assert.equal(summary.status, 'ok');
    assert.deepEqual(
      summary.clouds.map((c) => c.cloud),
      ['aws', 'azure', 'gcp'],
    );
    for (const c of summary.clouds) assert.ok(c.tenants > 0 && c.usageLines > 0, JSON.stringify(c));
    // logs are JSON lines on stderr when it is not a terminal
    for (const line of err()
      .split('\n')
      .filter((l) => l.startsWith('{')))
      JSON.parse(line);
    const db = await openStore({ dataDir: join(cwd, '.channelguard/demo/db') });
    try {
      const status = await sourceStatus(db);
      assert.equal(status.length, 6);
      assert.ok(status.every((s) => s.complete));
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM tenants');
      assert.equal(
        Number(rows[0]!.n),
        summary.clouds.reduce((n, c) => n + c.tenants, 0),
      );
    } finally {
      await db.close();
    }
  });

  it('a throttled cloud fails alone: exit 3, its sources incomplete, the others complete', async () => {
    const { io, out, err } = memoryIo(cwd);
    const code = await main(['sync', '--demo', '--demo-tenants', '60', '--demo-throttle', 'gcp'], io);
    assert.equal(code, 3, err());
    const summary = JSON.parse(out()) as RunSummary;
    assert.equal(summary.status, 'partial');
    assert.ok(summary.failures.length > 0);
    assert.ok(summary.failures.every((f) => f.cloud === 'gcp' && f.retryable));
    const db = await openStore({ dataDir: join(cwd, '.channelguard/demo/db') });
    try {
      const status = await sourceStatus(db);
      assert.equal(status.find((s) => s.cloud === 'gcp' && s.source === 'tenants')?.complete, false);
      assert.ok(status.filter((s) => s.cloud !== 'gcp').every((s) => s.complete));
    } finally {
      await db.close();
    }
  });

  it('nothing readable and every failure temporary: exit 75 (try again later)', async () => {
    // Google's usage comes from report files, which no throttle stops, so throttle AWS alone
    const { io, out, err } = memoryIo(cwd);
    const code = await main(
      ['sync', '--demo', '--cloud', 'aws', '--demo-tenants', '30', '--demo-throttle', 'aws', '--json'],
      io,
    );
    assert.equal(code, 75, err());
    const summary = JSON.parse(out()) as RunSummary;
    assert.equal(summary.status, 'failed');
    assert.deepEqual(
      summary.failures.map((f) => [f.cloud, f.source, f.retryable]),
      [
        ['aws', 'tenants', true],
        ['aws', 'usage', true],
      ],
    );
  });

  it('no configured cloud: exit 78 saying what to add', async () => {
    const { io, err } = memoryIo(cwd);
    assert.equal(await main(['sync'], io), 78);
    assert.match(err(), /no cloud is configured: add clouds\.aws, clouds\.gcp or clouds\.azure/);
  });

  it('an unknown key inside a cloud block: exit 78 naming clouds.<cloud>.<key>', async () => {
    await writeFile(join(cwd, 'channelguard.yaml'), 'clouds:\n  aws:\n    regoin: us-east-1\n');
    const { io, err } = memoryIo(cwd);
    assert.equal(await main(['sync'], io), 78);
    assert.match(err(), /config key clouds\.aws\.regoin/);
  });

  it('a bad --cloud: exit 2', async () => {
    const { io, err } = memoryIo(cwd);
    assert.equal(await main(['sync', '--cloud', 'oracle', '--demo'], io), 2);
    assert.match(err(), /--cloud must be aws, gcp, azure or all/);
  });

  it('the database is unreachable: exit 69, password not shown', async () => {
    await writeFile(
      join(cwd, 'channelguard.yaml'),
      'clouds:\n  gcp:\n    providerId: acme\n    baseUrl: http://127.0.0.1:9/\n',
    );
    const { io, err } = memoryIo(cwd, { DATABASE_URL: 'postgres://cg:hunter2@127.0.0.1:9/none' });
    assert.equal(await main(['sync'], io), 69);
    assert.match(err(), /cannot connect to the PostgreSQL server/);
    assert.ok(!err().includes('hunter2'));
  });
});

// End to end on the demo data: `channelguard audit --demo` syncs the three wire-level fakes,
// resolves tenants against the bundled BODS graph, decides, and writes signed partner reports.
// Checked against the demo world's ground truth, with the partner's own verify command.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoWorld } from '../adapters/demo/world.ts';
import type { AuditSummary } from '../src/audit/types.ts';
import type { CliIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { openStore } from '../src/store/index.ts';

const PUBLIC_KEY = fileURLToPath(new URL('../data/demo/keys/demo-signing.pub', import.meta.url));

function capture(cwd: string, now = new Date('2026-11-21T12:00:00Z')) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { ...process.env, CHANNELGUARD_SIGNING_KEY: '', DATABASE_URL: '' },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd,
    now: () => now,
  };
  return { io, out, err };
}

async function run(cwd: string, args: string[], now?: Date) {
  const c = capture(cwd, now);
  const code = await main(args, c.io);
  return { code, stdout: c.out.join(''), stderr: c.err.join('') };
}

interface JsonReport {
  tenants: Array<{ tenantKey: string; decision: string | null; change: string }>;
}

const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as JsonReport;

describe('audit --demo, end to end', function () {
  this.timeout(300_000);
  const cwd = mkdtempSync(join(tmpdir(), 'cg-audit-'));
  const world = generateDemoWorld();
  let first: AuditSummary;

  before(async () => {
    const r = await run(cwd, ['audit', '--demo', '--json']);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    first = JSON.parse(r.stdout) as AuditSummary;
  });

  it('audits every partner from complete sources and writes a report for each', () => {
    assert.equal(first.status, 'ok');
    assert.deepEqual(first.partners.map((p) => p.partner).sort(), ['aws', 'azure', 'gcp']);
    for (const p of first.partners) {
      assert.equal(p.complete, true);
      assert.ok(p.report, `${p.partner} has no report`);
      assert.equal(p.tenants, world.tenants.filter((t) => t.cloud === p.partner).length, p.partner);
    }
  });

  it('decides and reports the same when tenants go through the pipeline in batches of 7', async () => {
    const small = mkdtempSync(join(tmpdir(), 'cg-audit-batches-'));
    writeFileSync(join(small, 'channelguard.yaml'), 'audit:\n  batchSize: 7\n');
    const r = await run(small, ['audit', '--demo', '--json']);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    const batched = JSON.parse(r.stdout) as AuditSummary;
    for (const p of first.partners) {
      const q = batched.partners.find((x) => x.partner === p.partner)!;
      assert.ok(q.tenants > 7 * 20, `${p.partner}: too few tenants to make many batches`);
      const { report: pr, ...counts } = p;
      const { report: qr, ...batchedCounts } = q;
      assert.deepEqual(batchedCounts, counts, p.partner);
      assert.deepEqual(readReport(qr!.dir).tenants, readReport(pr!.dir).tenants, p.partner);
    }
  });

  it('puts every tenant of a restricted company in its own partner report as restricted, and in no other', () => {
    const restrictedCompanies = new Set(
      world.companies.filter((c) => c.expected === 'restricted').map((c) => c.id),
    );
    const files = new Map(
      first.partners.map((p) => [
        p.partner,
        readdirSync(p.report!.dir)
          .map((f) => readFileSync(join(p.report!.dir, f), 'utf8'))
          .join('\n'),
      ]),
    );
    const reports = new Map(first.partners.map((p) => [p.partner, readReport(p.report!.dir)]));
    let checked = 0;
    for (const t of world.tenants) {
      if (t.companyId === null || !restrictedCompanies.has(t.companyId)) continue;
      const row = reports.get(t.cloud)!.tenants.find((x) => x.tenantKey === t.key);
      assert.equal(row?.decision, 'restricted', `${t.cloud} tenant ${t.key} (${t.reportedName})`);
      for (const [partner, text] of files)
        if (partner !== t.cloud) assert.ok(!text.includes(t.key), `${t.key} leaks into ${partner}`);
      checked++;
    }
    assert.ok(checked > 300, `only ${checked} restricted tenants in the demo`);
  });

  it('never reports a tenant of a clean company with clean channel parties as restricted', () => {
    const expected = new Map(world.companies.map((c) => [c.id, c.expected]));
    const byKey = new Map(world.tenants.map((t) => [`${t.cloud}/${t.key}`, t]));
    const reports = new Map(first.partners.map((p) => [p.partner, readReport(p.report!.dir)]));
    let clean = 0;
    let reported = 0;
    for (const t of world.tenants) {
      if (t.companyId === null || expected.get(t.companyId) !== 'allowed') continue;
      const channel = [
        t.payerKey && byKey.get(`aws/${t.payerKey}`),
        t.resellerKey && byKey.get(`azure/${t.resellerKey}`),
      ];
      if (channel.some((c) => c && c.companyId !== null && expected.get(c.companyId) !== 'allowed')) continue;
      clean++;
      const row = reports.get(t.cloud)!.tenants.find((x) => x.tenantKey === t.key);
      assert.notEqual(row?.decision, 'restricted', `${t.cloud} ${t.key} ${t.reportedName}`);
      if (row) reported++;
    }
    // Only genuinely ambiguous names go to review; the rest of the clean tenants are not in any report.
    assert.ok(reported / clean < 0.1, `${reported} of ${clean} clean tenants sent to review`);
  });

  it('writes reports the partner can verify with the public key, and that fail after any byte changes', async () => {
    for (const p of first.partners) {
      const ok = await run(cwd, ['verify', p.report!.dir, '--public-key', PUBLIC_KEY]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    }
    const dir = first.partners[0]!.report!.dir;
    for (const file of ['report.csv', 'report.json', 'report.html', 'manifest.json']) {
      const path = join(dir, file);
      const bytes = readFileSync(path);
      const copy = Buffer.from(bytes);
      const at = Math.floor(copy.length / 2);
      copy[at] = copy[at]! ^ 0x01;
      writeFileSync(path, copy);
      const bad = await run(cwd, ['verify', dir, '--public-key', PUBLIC_KEY]);
      writeFileSync(path, bytes);
      assert.equal(bad.code, 1, `verify accepted a changed ${file}`);
    }
  });

  it('reports deltas on a second run: unchanged rows, linked to the previous report', async () => {
    const r = await run(cwd, ['audit', '--demo', '--json'], new Date('2026-11-22T12:00:00Z'));
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    const second = JSON.parse(r.stdout) as AuditSummary;
    assert.equal(second.delta?.changed, 0);
    assert.ok((second.delta?.compared ?? 0) > 2900);
    for (const p of second.partners) {
      const before = first.partners.find((x) => x.partner === p.partner)!;
      assert.equal(p.report!.counts.unchanged, before.report!.counts.tenants, p.partner);
      assert.equal(p.report!.counts.new, 0);
      const manifest = JSON.parse(readFileSync(join(p.report!.dir, 'manifest.json'), 'utf8')) as {
        previousManifestSha256: string;
      };
      assert.equal(manifest.previousManifestSha256, before.report!.manifestSha256);
      const ok = await run(cwd, [
        'verify',
        p.report!.dir,
        '--public-key',
        PUBLIC_KEY,
        '--previous',
        before.report!.dir,
      ]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    }
  });

  it('ends partial (exit 3) when one cloud fails, and says so in that partner report only', async () => {
    const r = await run(
      cwd,
      ['audit', '--demo', '--json', '--demo-throttle', 'gcp'],
      new Date('2026-11-22T18:00:00Z'),
    );
    assert.equal(r.code, 3, r.stderr.slice(-2000));
    const s = JSON.parse(r.stdout) as AuditSummary;
    assert.equal(s.status, 'partial');
    for (const p of s.partners) {
      const manifest = JSON.parse(readFileSync(join(p.report!.dir, 'manifest.json'), 'utf8')) as {
        dataComplete: boolean;
      };
      assert.equal(manifest.dataComplete, p.partner !== 'gcp', p.partner);
      assert.equal(p.complete, p.partner !== 'gcp');
    }
  });

  it('withholds every report of sources older than their maximum age (exit 5)', async () => {
    const r = await run(cwd, ['audit', '--demo', '--json', '--skip-sync'], new Date('2026-12-30T12:00:00Z'));
    assert.equal(r.code, 5, r.stderr.slice(-2000));
    const s = JSON.parse(r.stdout) as AuditSummary;
    assert.equal(s.status, 'stale');
    for (const p of s.partners) {
      assert.equal(p.stale, true);
      assert.equal(p.report, undefined);
      assert.match(p.withheld ?? '', /stale sources/);
    }
  });

  it('stops before writing any report when a policy change flips too many decisions, until --accept-delta', async () => {
    const policy = join(cwd, 'inclusive.json');
    // 50% or more: every 50/50 joint venture flips to restricted, with regions unchanged.
    writeFileSync(
      policy,
      JSON.stringify({
        id: 'demo-inclusive',
        version: '2026-11-01',
        threshold: { inclusive: true },
        unaccountedShares: 'unknown',
      }),
    );
    const blocked = await run(
      cwd,
      ['audit', '--demo', '--json', '--policy', policy],
      new Date('2026-11-23T12:00:00Z'),
    );
    assert.equal(blocked.code, 4, blocked.stderr.slice(-2000));
    const s = JSON.parse(blocked.stdout) as AuditSummary;
    assert.equal(s.status, 'blocked-delta');
    assert.ok(s.delta!.share > s.delta!.limit);
    for (const p of s.partners) assert.equal(p.report, undefined);
    const partnerDirs = readdirSync(join(cwd, 'reports', 'demo', 'aws'));
    assert.ok(!partnerDirs.includes(s.runId), 'a blocked run wrote a report');

    const accepted = await run(
      cwd,
      ['audit', '--demo', '--json', '--policy', policy, '--accept-delta'],
      new Date('2026-11-24T12:00:00Z'),
    );
    assert.equal(accepted.code, 0, accepted.stderr.slice(-2000));
    const a = JSON.parse(accepted.stdout) as AuditSummary;
    const changed = a.partners.reduce((n, p) => n + p.report!.counts.changed + p.report!.counts.new, 0);
    assert.ok(changed > 0, 'the accepted run reports no changed rows');
  });
});

describe('audit without a signing key', () => {
  it('exits 69 naming the missing key before it syncs or decides anything', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cg-audit-nokey-'));
    const example = fileURLToPath(new URL('../data/example/ownership.json', import.meta.url));
    const r = await run(cwd, ['audit', '--skip-sync', '--ownership', example, '--json']);
    assert.equal(r.code, 69, r.stdout + r.stderr);
    assert.match(r.stderr, /key/i);
    assert.match(r.stderr, /no report was written/);
    assert.equal(r.stdout, '');
    const db = await openStore({ dataDir: join(cwd, '.channelguard', 'db') });
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_runs');
    await db.close();
    assert.equal(rows[0]!.n, 0, 'the run started before the key was checked');
  });
});

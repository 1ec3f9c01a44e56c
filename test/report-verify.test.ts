// A signed report verifies when fresh and fails after any change: any single byte of any file,
// a removed or added file, a wrong key, a wrong previous link. Also the verify and keygen CLI.
import assert from 'node:assert/strict';
import { cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import type { CliIo } from '../src/cli/io.ts';
import { buildPartnerReport } from '../src/report/build.ts';
import { readPreviousReport } from '../src/report/previous.ts';
import { verifyReport } from '../src/report/verify.ts';
import { awsTenant, reportInput, tempDir, testKey } from './report-fixtures.ts';

function memoryIo(
  env: NodeJS.ProcessEnv = {},
  cwd = process.cwd(),
): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd,
    now: () => new Date('2025-11-01T00:00:00Z'),
  };
}

/** Byte positions to flip: every byte of the signature, a spread of 120 positions of the other files. */
function positions(size: number): number[] {
  if (size <= 256) return Array.from({ length: size }, (_, i) => i);
  const step = size / 120;
  return [
    ...new Set([0, 1, size - 1, size - 2, ...Array.from({ length: 120 }, (_, i) => Math.floor(i * step))]),
  ];
}

describe('report verification', function () {
  this.timeout(120_000);
  let key: Awaited<ReturnType<typeof testKey>>;
  let root: string;
  let r1: string;
  let r2: string;

  before(async () => {
    key = await testKey();
    root = await tempDir();
    r1 = join(root, 'aws', 'r1');
    r2 = join(root, 'aws', 'r2');
    await buildPartnerReport(reportInput('aws', [awsTenant('111111111111'), awsTenant('222222222222')]), {
      dir: r1,
      signingKey: key,
    });
    const previous = await readPreviousReport(r1, { publicKey: key.publicKey });
    await buildPartnerReport(
      reportInput('aws', [awsTenant('111111111111')], {
        runId: 'r2',
        generatedAt: '2025-12-01T00:00:00Z',
        previousReport: previous,
      }),
      { dir: r2, signingKey: key },
    );
  });

  it('passes on a fresh report, with and without the previous link checked', async () => {
    const a = await verifyReport(r1, { publicKey: key.publicKey });
    assert.deepEqual([a.valid, a.problems], [true, []]);
    const b = await verifyReport(r2, { publicKey: key.publicKey, previousDir: r1 });
    assert.deepEqual([b.valid, b.problems], [true, []]);
    const c = await verifyReport(r2, { publicKey: key.publicKey });
    assert.equal(c.valid, true);
    assert.match(c.notes.join(), /previous report was not checked/);
  });

  it('fails after flipping any single byte of any file', async () => {
    const work = join(await tempDir(), 'r');
    await cp(r2, work, { recursive: true });
    let flips = 0;
    for (const name of (await readdir(work)).sort()) {
      const path = join(work, name);
      const original = await readFile(path);
      for (const pos of positions(original.length)) {
        for (const mask of [0x01, 0x80]) {
          const changed = Buffer.from(original);
          changed[pos] = (changed[pos] as number) ^ mask;
          await writeFile(path, changed);
          const res = await verifyReport(work, { publicKey: key.publicKey });
          assert.equal(res.valid, false, `flip 0x${mask.toString(16)} at ${name}:${pos} went unnoticed`);
          flips++;
        }
      }
      await writeFile(path, original);
    }
    assert.ok(flips > 1200, `only ${flips} flips`);
    assert.equal((await verifyReport(work, { publicKey: key.publicKey })).valid, true);
  });

  const layout: Array<[string, (dir: string) => Promise<void>, RegExp]> = [
    [
      'a removed report file',
      (d) => rm(join(d, 'report.html')),
      /report\.html is listed in the manifest but missing/,
    ],
    ['a removed signature', (d) => rm(join(d, 'manifest.sig')), /manifest\.sig cannot be read/],
    [
      'an added file',
      (d) => writeFile(join(d, 'notes.txt'), 'hello'),
      /notes\.txt is not listed in the manifest/,
    ],
    [
      'an appended newline',
      async (d) => writeFile(join(d, 'report.csv'), (await readFile(join(d, 'report.csv'), 'utf8')) + '\r\n'),
      /report\.csv has \d+ bytes/,
    ],
  ];
  for (const [what, change, message] of layout)
    it(`fails with ${what}`, async () => {
      const work = join(await tempDir(), 'r');
      await cp(r1, work, { recursive: true });
      await change(work);
      const res = await verifyReport(work, { publicKey: key.publicKey });
      assert.equal(res.valid, false);
      assert.match(res.problems.join('\n'), message);
    });

  it('fails with a wrong key', async () => {
    const other = await testKey();
    const res = await verifyReport(r1, { publicKey: other.publicKey });
    assert.equal(res.valid, false);
    assert.match(res.problems.join('\n'), /does not verify .* with this public key/);
    assert.match(res.problems.join('\n'), /signer key/);
  });

  it('fails with a wrong previous link', async () => {
    // r1 claims no previous report; giving one is a mismatch.
    const a = await verifyReport(r1, { publicKey: key.publicKey, previousDir: r2 });
    assert.equal(a.valid, false);
    // r2's previous is r1; a different (validly signed) report is not it.
    const other = join(root, 'aws', 'other');
    await buildPartnerReport(reportInput('aws', [awsTenant('333333333333')], { runId: 'other' }), {
      dir: other,
      signingKey: key,
    });
    const b = await verifyReport(r2, { publicKey: key.publicKey, previousDir: other });
    assert.equal(b.valid, false);
    assert.match(b.problems.join('\n'), /previous-report link .* does not match/);
  });

  describe('channelguard verify', () => {
    it('exits 0 on a valid report and names what it checked', async () => {
      const pub = join(root, 'signing.pub');
      await writeFile(pub, key.publicPem);
      const io = memoryIo();
      assert.equal(await main(['verify', r2, '--public-key', pub, '--previous', r1], io), 0);
      assert.match(io.out.join(''), /^valid: .*partner aws, run r2/);
    });

    it('exits 1 naming what failed, reading the key from CHANNELGUARD_PUBLIC_KEY', async () => {
      const work = join(await tempDir(), 'r');
      await cp(r1, work, { recursive: true });
      await writeFile(join(work, 'report.json'), '{}');
      const io = memoryIo({ CHANNELGUARD_PUBLIC_KEY: key.publicPem });
      assert.equal(await main(['verify', work, '--json'], io), 1);
      const out = JSON.parse(io.out.join('')) as { valid: boolean; problems: string[] };
      assert.equal(out.valid, false);
      assert.match(out.problems.join(), /report\.json/);
    });

    it('exits 69 without a public key and 2 on a usage error', async () => {
      const io = memoryIo();
      assert.equal(await main(['verify', r1], io), 69);
      assert.match(io.err.join(''), /no public key/);
      assert.equal(await main(['verify'], memoryIo()), 2);
      const privateAsPublic = memoryIo({ CHANNELGUARD_PUBLIC_KEY: key.privatePem });
      assert.equal(await main(['verify', r1], privateAsPublic), 69);
      assert.ok(!privateAsPublic.err.join('').includes('PRIVATE KEY'));
    });
  });

  describe('channelguard keygen', () => {
    it('writes a usable pair, the private key 0600, and never overwrites', async () => {
      const dir = join(await tempDir(), 'keys');
      const io = memoryIo();
      assert.equal(await main(['keygen', '--out', dir, '--name', 'aws'], io), 0);
      assert.equal((await stat(join(dir, 'aws.key'))).mode & 0o777, 0o600);
      const priv = await readFile(join(dir, 'aws.key'), 'utf8');
      assert.match(priv, /BEGIN PRIVATE KEY/);
      assert.ok(!io.out.join('').includes(priv.trim().split('\n')[1] as string), 'the key is never printed');
      // The pair signs and verifies a report.
      const { loadSigningKey, loadPublicKey } = await import('../src/report/keys.ts');
      const signingKey = await loadSigningKey({ path: join(dir, 'aws.key') });
      const report = join(dir, 'report');
      await buildPartnerReport(reportInput('aws', [awsTenant('111111111111')]), { dir: report, signingKey });
      assert.ok(
        (await verifyReport(report, { publicKey: await loadPublicKey({ path: join(dir, 'aws.pub') }) }))
          .valid,
      );
      const again = memoryIo();
      assert.equal(await main(['keygen', '--out', dir, '--name', 'aws'], again), 2);
      assert.equal(await readFile(join(dir, 'aws.key'), 'utf8'), priv);
    });
  });
});

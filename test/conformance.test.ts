// Every conformance case of /work/shared/cases, run through `channelguard evaluate` in-process
// exactly as the cases' README says a person would, plus one run of the real bin as a child process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main } from '../src/cli/main.ts';
import type { CliIo } from '../src/cli/io.ts';

const CASES = fileURLToPath(new URL('../../shared/cases/', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/channelguard.js', import.meta.url));
const REPO = fileURLToPath(new URL('../', import.meta.url));

interface Case {
  name: string;
  about: string;
  policy: unknown;
  asOf: string;
  statements: unknown[];
  expect: Record<string, string>;
}

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    env: {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd: tmpdir(),
    now: () => new Date('2025-10-01T12:00:00Z'),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'cg-conformance-'));

/** Writes a case's statements and policy as files; returns the evaluate arguments. */
function caseArgs(file: string, c: Case): string[] {
  const stem = file.replace(/\.json$/, '');
  const statements = join(dir, `${stem}.statements.json`);
  writeFileSync(statements, JSON.stringify(c.statements));
  const args = ['evaluate', '--ownership', statements, '--as-of', c.asOf, '--format', 'jsonl'];
  if (c.policy !== null) {
    const policy = join(dir, `${stem}.policy.json`);
    writeFileSync(policy, JSON.stringify(c.policy));
    args.push('--policy', policy);
  }
  return args;
}

function decisionsOf(jsonl: string): Map<string, string> {
  return new Map(
    jsonl
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const d = JSON.parse(l) as { id: string; decision: string };
        return [d.id, d.decision];
      }),
  );
}

const files = readdirSync(CASES)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('conformance cases (shared/cases)', () => {
  it('finds the cases', () => assert.ok(files.length >= 40, `only ${files.length} cases in ${CASES}`));

  for (const file of files) {
    const c = JSON.parse(readFileSync(join(CASES, file), 'utf8')) as Case;
    it(`${file}: ${c.about}`, async () => {
      const io = captureIo();
      const status = await main(caseArgs(file, c), io);
      assert.equal(status, 0, io.err.join(''));
      assert.equal(io.err.join(''), '', 'a case reads without an issue');
      const got = decisionsOf(io.out.join(''));
      for (const [id, expected] of Object.entries(c.expect)) {
        assert.equal(got.get(id), expected, `${id}: expected ${expected}, got ${got.get(id)}`);
      }
    });
  }

  it('the real bin (no build step) runs a case as a child process', async function () {
    this.timeout(30_000);
    const file = '12-cayman-holding-china-hq.json';
    const c = JSON.parse(readFileSync(join(CASES, file), 'utf8')) as Case;
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...caseArgs(`bin-${file}`, c)], {
      cwd: REPO,
    });
    const got = decisionsOf(stdout);
    for (const [id, expected] of Object.entries(c.expect)) assert.equal(got.get(id), expected, id);
  });
});

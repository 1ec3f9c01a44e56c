// `npm run bench` at a tiny scale: it runs, and each ratio it prints is its time over the plain pass.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../scripts/bench/evaluate.ts', import.meta.url));
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, '--scale', '0.0001', ...args], {
    encoding: 'utf8',
  });

/** "12.3 ms" or "1.20 s", in milliseconds */
const ms = (value: string, unit: string) => Number(value) * (unit === 's' ? 1000 : 1);
const TIME = String.raw`([\d.]+) (ms|s)`;

describe('npm run bench (tiny scale)', () => {
  it('times each evaluation as the plain pass is (best of --runs) and shows the first run apart', function () {
    this.timeout(60_000);
    const out = bench('--graph', 'gleif', '--runs', '2');
    assert.equal(out.status, 0, out.stderr);
    const pass = new RegExp(String.raw`plain pass over edges:\s+${TIME}`).exec(out.stdout);
    assert.ok(pass, out.stdout);
    const passMs = ms(pass[1]!, pass[2]!);
    assert.ok(passMs > 0, pass[0]);
    for (const step of ['core \\(steps 2-6\\)', 'every decision']) {
      const line = new RegExp(
        String.raw`evaluate, ${step}:\s+${TIME}\s+= ([\d.]+) x plain pass\s+\(best of 2; first run ${TIME} = ([\d.]+) x plain pass\)`,
      ).exec(out.stdout);
      assert.ok(line, `${step} in:\n${out.stdout}`);
      const [best, first] = [ms(line[1]!, line[2]!), ms(line[4]!, line[5]!)];
      // the printed ratios are the printed times over the plain pass (times printed to three
      // significant digits or better, ratios to one decimal)
      const near = (ratio: string, time: number) =>
        Math.abs(Number(ratio) - time / passMs) <= 0.05 + (0.011 * time) / passMs;
      assert.ok(near(line[3]!, best), `${line[0]}: best ratio`);
      assert.ok(near(line[6]!, first), `${line[0]}: first-run ratio`);
    }
    assert.match(out.stdout, /\d+ restricted, \d+ review, \d+ allowed; \d+ witness paths/);
    assert.doesNotMatch(out.stdout, /Vitali|groups/, 'only the graph asked for');
  });

  it('refuses --runs that is not a whole number of at least 1, naming the flag', function () {
    this.timeout(60_000);
    for (const bad of ['0', '1.5', 'x']) {
      const out = bench('--runs', bad);
      assert.notEqual(out.status, 0);
      assert.match(out.stderr, /--runs must be a whole number, at least 1/);
    }
  });
});

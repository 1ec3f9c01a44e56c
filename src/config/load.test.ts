import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { loadConfig } from './load.ts';

describe('config: loadConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cg-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses defaults when there is no channelguard.yaml', async () => {
    const c = await loadConfig({ env: {}, cwd: dir });
    assert.equal(c.file, undefined);
    assert.equal(c.database.dir, join(dir, '.channelguard/db'));
  });

  it('reads ./channelguard.yaml, then CHANNELGUARD_CONFIG, then --config', async () => {
    await writeFile(join(dir, 'channelguard.yaml'), 'audit:\n  deltaGuardShare: 0.1\n');
    await writeFile(join(dir, 'other.yaml'), 'audit:\n  deltaGuardShare: 0.2\n');
    await writeFile(join(dir, 'third.yaml'), 'audit:\n  deltaGuardShare: 0.3\n');
    assert.equal((await loadConfig({ env: {}, cwd: dir })).audit.deltaGuardShare, 0.1);
    const env = { CHANNELGUARD_CONFIG: 'other.yaml' };
    assert.equal((await loadConfig({ env, cwd: dir })).audit.deltaGuardShare, 0.2);
    assert.equal((await loadConfig({ env, cwd: dir, file: 'third.yaml' })).audit.deltaGuardShare, 0.3);
  });

  it('names the file and line of an unknown key', async () => {
    await writeFile(
      join(dir, 'c.yaml'),
      'database:\n  dir: db\nsources:\n  maxAgeHours:\n    aws: 24\n    ibm: 5\n',
    );
    await assert.rejects(
      loadConfig({ env: {}, cwd: dir, file: 'c.yaml' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message === `${join(dir, 'c.yaml')}:6: config key sources.maxAgeHours.ibm: unknown key` &&
        err.key === 'sources.maxAgeHours.ibm',
    );
  });

  it('names the line of a bad value', async () => {
    await writeFile(join(dir, 'c.yaml'), 'audit:\n  reportsDir: out\n  deltaGuardShare: lots\n');
    await assert.rejects(
      loadConfig({ env: {}, cwd: dir, file: 'c.yaml' }),
      /c\.yaml:3: config key audit\.deltaGuardShare:/,
    );
  });

  it('refuses broken YAML and duplicate keys with a line', async () => {
    await writeFile(join(dir, 'c.yaml'), 'audit:\n  asOf: [2026\n');
    await assert.rejects(loadConfig({ env: {}, cwd: dir, file: 'c.yaml' }), /c\.yaml(:\d+)?: not valid YAML/);
    await writeFile(join(dir, 'd.yaml'), 'audit:\n  reportsDir: a\n  reportsDir: b\n');
    await assert.rejects(loadConfig({ env: {}, cwd: dir, file: 'd.yaml' }), /d\.yaml:3: not valid YAML/);
  });

  it('refuses a named file that does not exist', async () => {
    await assert.rejects(
      loadConfig({ env: {}, cwd: dir, file: 'nope.yaml' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /nope\.yaml: cannot read the config file \(--config\): no such file/.test(err.message),
    );
    await assert.rejects(
      loadConfig({ env: { CHANNELGUARD_CONFIG: 'gone.yaml' }, cwd: dir }),
      /\(CHANNELGUARD_CONFIG\)/,
    );
  });
});

import assert from 'node:assert/strict';
import { ConfigError } from '../errors.ts';
import { parseConfigFile, resolveConfig } from './resolve.ts';

const cwd = '/work/app';
const file = '/etc/channelguard/channelguard.yaml';

describe('config: parseConfigFile refuses what it does not know', () => {
  const bad: Array<[string, unknown, RegExp, string]> = [
    ['an unknown top-level key', { databse: {} }, /config key databse: unknown key/, 'databse'],
    [
      'an unknown nested key',
      { database: { dir: 'x', host: 'y' } },
      /config key database\.host: unknown key/,
      'database.host',
    ],
    [
      'an unknown cloud',
      { clouds: { oracle: {} } },
      /config key clouds\.oracle: unknown key/,
      'clouds.oracle',
    ],
    [
      'a cloud block that is not an object',
      { clouds: { aws: 'yes' } },
      /config key clouds\.aws:/,
      'clouds.aws',
    ],
    [
      'a non-URL database',
      { database: { url: 'mysql://x' } },
      /database\.url: must be a postgres/,
      'database.url',
    ],
    [
      'a negative max age',
      { sources: { maxAgeHours: { aws: -1 } } },
      /sources\.maxAgeHours\.aws/,
      'sources.maxAgeHours.aws',
    ],
    ['a share above 1', { audit: { deltaGuardShare: 2 } }, /audit\.deltaGuardShare/, 'audit.deltaGuardShare'],
    ['a batch of no tenants', { audit: { batchSize: 0 } }, /audit\.batchSize/, 'audit.batchSize'],
    ['a fractional batch', { audit: { batchSize: 2.5 } }, /audit\.batchSize/, 'audit.batchSize'],
    ['a bad as-of date', { audit: { asOf: '2026-13-45' } }, /audit\.asOf: is not a real date/, 'audit.asOf'],
    [
      'an as-of that is not a date',
      { audit: { asOf: 'yesterday' } },
      /audit\.asOf: must be YYYY-MM-DD/,
      'audit.asOf',
    ],
  ];
  for (const [name, doc, message, key] of bad) {
    it(name, () => {
      assert.throws(
        () => parseConfigFile(doc, { file, lineOf: () => 7 }),
        (err: unknown) =>
          err instanceof ConfigError &&
          message.test(err.message) &&
          err.message.startsWith(`${file}:7: `) &&
          err.key === key,
      );
    });
  }

  it('accepts an empty document', () => {
    assert.deepEqual(parseConfigFile(null), {});
  });
});

describe('config: resolveConfig applies env and defaults', () => {
  it('defaults: PGlite under cwd, reports under cwd, freshness per cloud, 5% delta guard', () => {
    assert.deepEqual(resolveConfig({}, { env: {}, cwd }), {
      database: { dir: '/work/app/.channelguard/db' },
      clouds: {},
      sources: { maxAgeHours: { aws: 48, gcp: 72, azure: 72 } },
      audit: { deltaGuardShare: 0.05, batchSize: 2000, reportsDir: '/work/app/reports', ownership: [] },
    });
  });

  const cases: Array<
    [
      string,
      Parameters<typeof resolveConfig>[0],
      Record<string, string>,
      (c: ReturnType<typeof resolveConfig>) => unknown,
      unknown,
    ]
  > = [
    [
      'a file path resolves against the file',
      { database: { dir: 'db' } },
      {},
      (c) => c.database.dir,
      '/etc/channelguard/db',
    ],
    ['an absolute path stays', { audit: { reportsDir: '/srv/r' } }, {}, (c) => c.audit.reportsDir, '/srv/r'],
    [
      'DATABASE_URL wins over the file',
      { database: { url: 'postgres://a/b' } },
      { DATABASE_URL: 'postgres://c/d' },
      (c) => c.database.url,
      'postgres://c/d',
    ],
    [
      'the file url is used without env',
      { database: { url: 'postgres://a/b' } },
      {},
      (c) => c.database.url,
      'postgres://a/b',
    ],
    ['an empty DATABASE_URL is ignored', {}, { DATABASE_URL: ' ' }, (c) => c.database.url, undefined],
    [
      'one max age set, the others default',
      { sources: { maxAgeHours: { gcp: 12 } } },
      {},
      (c) => c.sources.maxAgeHours,
      { aws: 48, gcp: 12, azure: 72 },
    ],
    [
      'cloud blocks pass through for the adapter to validate',
      { clouds: { gcp: { providerId: 'p' } } },
      {},
      (c) => c.clouds,
      { gcp: { providerId: 'p' } },
    ],
    [
      'the signing key resolves against the file',
      { audit: { signingKeyFile: 'keys/k.pem' } },
      {},
      (c) => c.audit.signingKeyFile,
      '/etc/channelguard/keys/k.pem',
    ],
  ];
  for (const [name, input, env, pick, expected] of cases) {
    it(name, () => {
      assert.deepEqual(pick(resolveConfig(input, { env, cwd, file })), expected);
    });
  }

  it('refuses a DATABASE_URL that is not PostgreSQL, without echoing it', () => {
    assert.throws(
      () => resolveConfig({}, { env: { DATABASE_URL: 'mysql://u:hunter2@h/db' }, cwd }),
      (err: unknown) =>
        err instanceof ConfigError && err.key === 'DATABASE_URL' && !err.message.includes('hunter2'),
    );
  });
});

describe('config: audit inputs', () => {
  it('resolves ownership files and the policy against the config file, and refuses an empty list', () => {
    const ctx = { env: {}, cwd: '/work/app', file: '/etc/channelguard/channelguard.yaml' };
    const c = resolveConfig(
      parseConfigFile(
        { audit: { ownership: ['data/bods.jsonl', '/abs/gleif.xml'], policy: 'policy.yaml' } },
        ctx,
      ),
      ctx,
    );
    assert.deepEqual(c.audit.ownership, ['/etc/channelguard/data/bods.jsonl', '/abs/gleif.xml']);
    assert.equal(c.audit.policy, '/etc/channelguard/policy.yaml');
    assert.throws(() => parseConfigFile({ audit: { ownership: [] } }, ctx), /audit\.ownership/);
  });
});

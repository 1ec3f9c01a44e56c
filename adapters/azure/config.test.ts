import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.ts';
import { DEFAULT_BASE_URL, MARKETPLACE_SCOPE, resolveAzureConfig } from './config.ts';

describe('azure config', () => {
  it('resolves defaults: Azure host, api-version, marketplace scope', () => {
    const c = resolveAzureConfig({}, {});
    assert.equal(c.baseUrl, DEFAULT_BASE_URL);
    assert.equal(c.apiVersion, '2018-08-31');
    assert.equal(c.scope, '20e940b3-4c77-4b0b-9a53-9e16a1b010a7/.default');
    assert.equal(c.scope, MARKETPLACE_SCOPE);
    assert.equal(c.usageEvents, true);
    assert.equal(c.reportsDir, undefined);
    assert.deepEqual(c.retry, {});
  });

  const ok: Array<[string, unknown, Record<string, string>, Partial<Record<string, unknown>>]> = [
    [
      'env base URL (trailing slash dropped)',
      {},
      { CHANNELGUARD_AZURE_BASE_URL: 'http://127.0.0.1:9/' },
      { baseUrl: 'http://127.0.0.1:9' },
    ],
    [
      'config beats env',
      { baseUrl: 'http://a.test' },
      { CHANNELGUARD_AZURE_BASE_URL: 'http://b.test' },
      { baseUrl: 'http://a.test' },
    ],
    ['env reports folder', {}, { CHANNELGUARD_AZURE_REPORTS_DIR: '/data/pc' }, { reportsDir: '/data/pc' }],
    ['env rate as a number', {}, { CHANNELGUARD_AZURE_RPS: '2.5' }, { requestsPerSecond: 2.5 }],
    ['blank env is ignored', {}, { CHANNELGUARD_AZURE_RPS: '  ' }, { requestsPerSecond: 5 }],
    [
      'retry knobs',
      { retry: { maxAttempts: 3, budgetMs: 1000 } },
      {},
      { retry: { maxAttempts: 3, budgetMs: 1000 } },
    ],
    ['usageEvents off', { usageEvents: false }, {}, { usageEvents: false }],
  ];
  for (const [name, input, env, want] of ok) {
    it(`accepts: ${name}`, () => {
      const c = resolveAzureConfig(input, env) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(want)) assert.deepEqual(c[k], v, k);
    });
  }

  const bad: Array<[string, unknown, Record<string, string>, string, RegExp]> = [
    ['unknown key', { baseURL: 'http://x' }, {}, 'baseURL', /unknown key baseURL/],
    ['a secret in config', { clientSecret: 's3cr3t' }, {}, 'clientSecret', /AZURE_\* env/],
    ['nested unknown key', { retry: { attempts: 3 } }, {}, 'retry.attempts', /unknown key retry\.attempts/],
    ['not a URL', { baseUrl: 'marketplace' }, {}, 'baseUrl', /baseUrl.*"marketplace"/],
    ['ftp URL', { baseUrl: 'ftp://x.test' }, {}, 'baseUrl', /baseUrl/],
    ['bad api-version', { apiVersion: 'v2' }, {}, 'apiVersion', /apiVersion/],
    ['zero rate', { requestsPerSecond: 0 }, {}, 'requestsPerSecond', /requestsPerSecond.*0/],
    [
      'env rate not a number',
      {},
      { CHANNELGUARD_AZURE_RPS: 'fast' },
      'requestsPerSecond',
      /CHANNELGUARD_AZURE_RPS="fast"/,
    ],
    ['negative timeout', { timeoutMs: -1 }, {}, 'timeoutMs', /timeoutMs/],
    ['not an object', 'azure', {}, 'azure', /must be an object/],
  ];
  for (const [name, input, env, key, message] of bad) {
    it(`refuses: ${name}, naming the key`, () => {
      assert.throws(
        () => resolveAzureConfig(input, env),
        (err: unknown) => err instanceof ConfigError && err.key === key && message.test(err.message),
      );
    });
  }

  it('never echoes a secret value it refuses', () => {
    try {
      resolveAzureConfig({ clientSecret: 'p4ssw0rd-value' }, {});
      assert.fail('should throw');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.ok(!err.message.includes('p4ssw0rd-value'));
    }
  });
});

import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.ts';
import { PROCUREMENT_BASE_URL, resolveGcpConfig } from './config.ts';

const KEY = {
  type: 'service_account',
  client_email: 'a@b.iam.gserviceaccount.com',
  private_key: '-----BEGIN PRIVATE KEY-----\nSECRETSECRET\n-----END PRIVATE KEY-----\n',
};

describe('gcp config', () => {
  it('applies defaults', () => {
    const c = resolveGcpConfig({ providerId: 'acme-public' });
    assert.equal(c.baseUrl, PROCUREMENT_BASE_URL);
    assert.equal(c.pageSize, 200);
    assert.equal(c.throttleMinDelayMs, 30_000);
    assert.equal(c.serverErrorBaseDelayMs, 1000);
    assert.equal(c.keyFile, undefined);
  });

  const fromEnv: Array<[string, Record<string, string>, object, Record<string, unknown>]> = [
    ['env fills the provider', { CHANNELGUARD_GCP_PROVIDER_ID: 'from-env' }, {}, { providerId: 'from-env' }],
    [
      'input beats env',
      { CHANNELGUARD_GCP_PROVIDER_ID: 'from-env' },
      { providerId: 'from-input' },
      { providerId: 'from-input' },
    ],
    [
      'ADC key file from GOOGLE_APPLICATION_CREDENTIALS',
      { GOOGLE_APPLICATION_CREDENTIALS: '/k.json' },
      { providerId: 'p' },
      { keyFile: '/k.json' },
    ],
    [
      'reports folder from env',
      { CHANNELGUARD_GCP_REPORTS_DIR: '/r' },
      { providerId: 'p' },
      { reportsDir: '/r' },
    ],
    [
      'empty env values are ignored',
      { CHANNELGUARD_GCP_BASE_URL: '' },
      { providerId: 'p' },
      { baseUrl: PROCUREMENT_BASE_URL },
    ],
  ];
  for (const [name, env, input, want] of fromEnv) {
    it(name, () => {
      const c = resolveGcpConfig(input, env) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(want)) assert.equal(c[k], v, k);
    });
  }

  const refused: Array<[string, unknown, Record<string, string>, string, RegExp]> = [
    ['not an object', 'acme', {}, 'gcp', /must be an object/],
    ['provider missing', {}, {}, 'gcp.providerId', /providerId/],
    ['provider with a slash', { providerId: 'a/b' }, {}, 'gcp.providerId', /"a\/b"/],
    ['unknown key', { providerId: 'p', pagesize: 10 }, {}, 'gcp.pagesize', /pagesize/],
    ['page size above the API max', { providerId: 'p', pageSize: 500 }, {}, 'gcp.pageSize', /500/],
    [
      'bad base URL from env',
      { providerId: 'p' },
      { CHANNELGUARD_GCP_BASE_URL: 'not a url' },
      'gcp.baseUrl',
      /CHANNELGUARD_GCP_BASE_URL/,
    ],
    ['negative timeout', { providerId: 'p', timeoutMs: -1 }, {}, 'gcp.timeoutMs', /-1/],
    [
      'key file and inline key together',
      { providerId: 'p', keyFile: '/k', credentials: KEY },
      {},
      'gcp.credentials',
      /either/,
    ],
    [
      'inline key of the wrong type',
      { providerId: 'p', credentials: { ...KEY, type: 'authorized_user' } },
      {},
      'gcp.credentials.type',
      /service-account key/,
    ],
  ];
  for (const [name, input, env, key, message] of refused) {
    it(`refuses: ${name}`, () => {
      assert.throws(
        () => resolveGcpConfig(input, env),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.equal(e.key, key);
          assert.match(e.message, message);
          assert.doesNotMatch(e.message, /SECRETSECRET/);
          return true;
        },
      );
    });
  }
});

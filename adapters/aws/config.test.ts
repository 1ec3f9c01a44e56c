import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.ts';
import { parseFeedLocation, resolveAwsConfig } from './config.ts';
import { formatCursor, parseTenantCursor, parseUsageCursor } from './cursor.ts';

describe('resolveAwsConfig', () => {
  it('applies defaults: published quotas, us-east-1, no endpoints, describe on, invoices off', () => {
    const c = resolveAwsConfig({}, {});
    assert.equal(c.region, 'us-east-1');
    assert.deepEqual(c.endpoints, {});
    assert.equal(c.feeds, undefined);
    assert.deepEqual(c.rates, {
      searchAgreements: 5,
      describeAgreement: 5,
      listInvoiceLineItems: 10,
      listFoundationModels: 5,
      s3: 100,
    });
    assert.equal(c.pageSize, 50);
    assert.equal(c.describeAgreements, true);
    assert.equal(c.invoiceLineItems, false);
  });

  const endpointCases: Array<{
    name: string;
    input: object;
    env: Record<string, string>;
    want: { agreement?: string; s3?: string; bedrock?: string };
  }> = [
    {
      name: 'one endpoint for all',
      input: { endpoint: 'http://127.0.0.1:9000' },
      env: {},
      want: {
        agreement: 'http://127.0.0.1:9000',
        s3: 'http://127.0.0.1:9000',
        bedrock: 'http://127.0.0.1:9000',
      },
    },
    {
      name: 'per-service config beats the shared one',
      input: { endpoint: 'http://a:1', endpoints: { s3: 'http://s3:2' } },
      env: {},
      want: { agreement: 'http://a:1', s3: 'http://s3:2', bedrock: 'http://a:1' },
    },
    {
      name: 'service env var beats the global env var',
      input: {},
      env: { AWS_ENDPOINT_URL: 'http://g:1', AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT: 'http://m:2' },
      want: { agreement: 'http://m:2', s3: 'http://g:1', bedrock: 'http://g:1' },
    },
    {
      name: 'config beats env',
      input: { endpoints: { bedrock: 'http://cfg:3' } },
      env: { AWS_ENDPOINT_URL_BEDROCK: 'http://env:4' },
      want: { bedrock: 'http://cfg:3' },
    },
  ];
  for (const t of endpointCases) {
    it(`endpoints: ${t.name}`, () => {
      assert.deepEqual(resolveAwsConfig(t.input, t.env).endpoints, t.want);
    });
  }

  it('reads region and feeds from env', () => {
    const c = resolveAwsConfig(
      {},
      { AWS_DEFAULT_REGION: 'eu-west-1', CHANNELGUARD_AWS_FEEDS: 's3://my-bucket/feeds' },
    );
    assert.equal(c.region, 'eu-west-1');
    assert.deepEqual(c.feeds, { kind: 's3', bucket: 'my-bucket', prefix: 'feeds/' });
  });

  const bad: Array<{ input: unknown; env?: Record<string, string>; key: string; text: RegExp }> = [
    { input: { regoin: 'us-east-1' }, key: 'regoin', text: /regoin/ },
    { input: { endpoints: { s4: 'http://x' } }, key: 'endpoints.s4', text: /endpoints\.s4/ },
    { input: { rates: { searchAgreements: 0 } }, key: 'rates.searchAgreements', text: /got 0/ },
    { input: { pageSize: 51 }, key: 'pageSize', text: /got 51/ },
    { input: { endpoint: 'ftp://x' }, key: 'endpoint', text: /ftp:\/\/x/ },
    { input: { region: 'mars' }, key: 'region', text: /mars/ },
    { input: { feeds: 'relative/dir' }, key: 'feeds', text: /relative\/dir/ },
    { input: { catalog: 'Other' }, key: 'catalog', text: /Other/ },
    { input: { retry: { maxAttempts: 0 } }, key: 'retry.maxAttempts', text: /retry\.maxAttempts/ },
    { input: {}, env: { AWS_ENDPOINT_URL_S3: 'not a url' }, key: 'AWS_ENDPOINT_URL_S3', text: /not a url/ },
    { input: {}, env: { AWS_REGION: 'nowhere' }, key: 'region', text: /nowhere/ },
  ];
  for (const t of bad) {
    it(`refuses ${JSON.stringify(t.input)} ${JSON.stringify(t.env ?? {})}, naming ${t.key}`, () => {
      assert.throws(
        () => resolveAwsConfig(t.input, t.env ?? {}),
        (err: unknown) => err instanceof ConfigError && err.key === t.key && t.text.test(err.message),
      );
    });
  }
});

describe('parseFeedLocation', () => {
  const cases: Array<[string, unknown]> = [
    ['s3://bucket', { kind: 's3', bucket: 'bucket', prefix: '' }],
    ['s3://bucket/a/b', { kind: 's3', bucket: 'bucket', prefix: 'a/b/' }],
    ['s3://bucket/a/', { kind: 's3', bucket: 'bucket', prefix: 'a/' }],
    ['/srv/feeds', { kind: 'local', dir: '/srv/feeds' }],
    ['file:///srv/my%20feeds', { kind: 'local', dir: '/srv/my feeds' }],
  ];
  for (const [text, want] of cases) {
    it(text, () => assert.deepEqual(parseFeedLocation(text), want));
  }
  it('refuses an S3 URL with a bad bucket name', () => {
    assert.throws(() => parseFeedLocation('s3://B_/x'), { name: 'ConfigError', key: 'feeds' });
  });
});

describe('cursors', () => {
  it('round-trips and orders keys', () => {
    const text = formatCursor({ feeds: '2025-05-02T06:00:00.000Z', agreements: '2025-03-01T00:00:00.000Z' });
    assert.equal(text, '{"v":1,"agreements":"2025-03-01T00:00:00.000Z","feeds":"2025-05-02T06:00:00.000Z"}');
    assert.deepEqual(parseTenantCursor(text), {
      v: 1,
      agreements: '2025-03-01T00:00:00.000Z',
      feeds: '2025-05-02T06:00:00.000Z',
    });
  });
  const bad = ['not json', '{"v":2}', '{"v":1,"feeds":"yesterday"}', '{"v":1,"other":"x"}'];
  for (const text of bad) {
    it(`refuses the cursor ${text}`, () => {
      assert.throws(() => parseUsageCursor(text), { name: 'ConfigError', key: 'cursor' });
    });
  }
});

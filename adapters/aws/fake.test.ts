// The fake's bytes, read without an SDK: the spellings real AWS clients depend on.
import assert from 'node:assert/strict';
import { startAwsFake } from './fake.ts';
import type { AwsFake } from './fake.ts';
import { tinyState } from './test-fixtures.ts';

const SIGNED = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDRAW/20250101/us-east-1/aws-marketplace/aws4_request, SignedHeaders=host, Signature=00',
};

describe('aws fake wire format', () => {
  let fake: AwsFake;
  beforeEach(async () => {
    fake = await startAwsFake({ state: tinyState() });
  });
  afterEach(() => fake.close());

  const rpc = (op: string, body: unknown, headers: Record<string, string> = SIGNED) =>
    fetch(fake.url + '/', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `AWSMPCommerceService_v20200301.${op}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('answers SearchAgreements in JSON 1.0 with epoch-second times and a nextToken chain', async () => {
    const filters = [
      { name: 'PartyType', values: ['Proposer'] },
      { name: 'AgreementType', values: ['PurchaseAgreement'] },
    ];
    const res = await rpc('SearchAgreements', { catalog: 'AWSMarketplace', filters, maxResults: 1 });
    assert.equal(res.headers.get('content-type'), 'application/x-amz-json-1.0');
    const body = (await res.json()) as {
      agreementViewSummaries: Array<{ startTime: unknown }>;
      nextToken?: string;
    };
    assert.equal(typeof body.agreementViewSummaries[0]?.startTime, 'number');
    assert.ok(body.nextToken);
    const last = (await (
      await rpc('SearchAgreements', {
        catalog: 'AWSMarketplace',
        filters,
        maxResults: 1,
        nextToken: body.nextToken,
      })
    ).json()) as { nextToken?: string };
    assert.equal(last.nextToken, undefined);
  });

  it('spells errors per protocol: __type, x-amzn-errortype, S3 XML; Retry-After on throttles', async () => {
    fake.faults.inject({ kind: 'throttle', service: 'agreement', retryAfterSeconds: 3 });
    const t = await rpc('DescribeAgreement', { agreementId: 'x' });
    assert.equal(t.status, 429);
    assert.equal(t.headers.get('retry-after'), '3');
    assert.deepEqual(await t.json(), {
      __type: 'com.amazonaws.marketplaceagreement#ThrottlingException',
      message: 'Rate exceeded',
    });

    fake.faults.inject({ kind: 'expired-token', service: 'bedrock' });
    const b = await fetch(fake.url + '/foundation-models', { headers: SIGNED });
    assert.equal(b.status, 403);
    assert.match(b.headers.get('x-amzn-errortype') ?? '', /^ExpiredTokenException:/);

    const s = await fetch(fake.url + '/seller-feeds/feeds/nope.csv', { headers: SIGNED });
    assert.equal(s.status, 404);
    assert.match(await s.text(), /<Error><Code>NoSuchKey<\/Code>/);

    const unsigned = await rpc('SearchAgreements', {}, {});
    assert.equal(unsigned.status, 403);
    assert.match(
      ((await unsigned.json()) as { __type: string }).__type,
      /MissingAuthenticationTokenException$/,
    );
  });

  it('lists the feeds bucket as ListObjectsV2 XML with continuation tokens', async () => {
    fake.faults.pageSize = 2;
    const first = await (
      await fetch(`${fake.url}/seller-feeds?list-type=2&prefix=feeds%2F`, { headers: SIGNED })
    ).text();
    assert.match(first, /<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
    assert.match(first, /<IsTruncated>true<\/IsTruncated>/);
    const token = /<NextContinuationToken>([^<]+)</.exec(first)?.[1] ?? '';
    const second = await (
      await fetch(
        `${fake.url}/seller-feeds?list-type=2&prefix=feeds%2F&continuation-token=${encodeURIComponent(token)}`,
        { headers: SIGNED },
      )
    ).text();
    assert.equal((second.match(/<Key>/g) ?? []).length, 2);
    assert.doesNotMatch(second, /<Key>feeds\/account_v1\/year=2025\/month=03/);
  });
});

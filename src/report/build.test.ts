import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'csv-parse/sync';
import { awsTenant, reportInput, tempDir, testKey } from '../../test/report-fixtures.ts';
import { ReportError } from '../errors.ts';
import { createMemoryLogger } from '../log.ts';
import { buildPartnerReport } from './build.ts';
import { loadSigningKey, KeyUnavailableError } from './keys.ts';
import { PartitionError } from './partition.ts';
import { readPreviousReport } from './previous.ts';
import type { ReportTenant } from './types.ts';
import { verifyReport } from './verify.ts';

const schema = JSON.parse(await readFile(new URL('./report.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

async function* streamed(tenants: ReportTenant[]): AsyncGenerator<ReportTenant> {
  for (const t of tenants) yield t;
}

const readJson = async (dir: string) =>
  JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Record<string, unknown> & {
    tenants: Array<Record<string, unknown>>;
    resolved: Array<Record<string, unknown>>;
    counts: Record<string, number>;
  };

describe('buildPartnerReport', () => {
  it('writes CSV, JSON (valid against the shipped schema) and HTML, signed, for one partner', async () => {
    const key = await testKey();
    const root = await tempDir();
    const dir = join(root, 'aws', 'run-1');
    const res = await buildPartnerReport(
      reportInput('aws', [awsTenant('111122223333'), awsTenant('444455556666')]),
      { dir, signingKey: key },
    );
    assert.deepEqual((await readdir(dir)).sort(), [
      'manifest.dsse.json',
      'manifest.json',
      'manifest.sig',
      'report.csv',
      'report.html',
      'report.json',
    ]);
    const json = await readJson(dir);
    assert.ok(validate(json), JSON.stringify(validate.errors));
    assert.equal(json['schemaVersion'], '1.0');
    assert.deepEqual(
      json.tenants.map((t) => t['tenantKey']),
      ['111122223333', '444455556666'],
    );
    assert.deepEqual(res.counts, {
      tenants: 2,
      restricted: 2,
      review: 0,
      new: 2,
      unchanged: 0,
      changed: 0,
      resolved: 0,
      enforcementGaps: 0,
      possibleEnforcementGaps: 0,
    });
    const csv = parse(await readFile(join(dir, 'report.csv'), 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;
    assert.equal(csv.length, 2);
    assert.equal(
      csv[0]?.['reasons'],
      'owned more than 50% (computed, cascade: 60%) by companies in CN | owned more than 50% (computed, look-through, multiplied along the chain: 60%) by companies in CN',
    );
    assert.equal(
      csv[0]?.['ownership_chain'],
      'Tenant Co 111122223333 <- 60% shareholding <- Parent Holdings [rel-111122223333] (headquartered in CN, a restricted region)',
    );
    assert.equal(csv[0]?.['policy_id'], 'channelguard-default');
    assert.equal(csv[0]?.['data_status'], 'complete');
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<svg class="chain"/);
    assert.match(html, /Content-Security-Policy/);
    assert.ok(!/(src|href)=["']?(https?:)?\/\//i.test(html), 'no external resource');
    const v = await verifyReport(dir, { publicKey: key.publicKey });
    assert.deepEqual(v.problems, []);
    assert.equal(v.manifestDigest, res.manifestDigest);
  });

  it('is deterministic: two builds of the same input are byte-identical', async () => {
    const key = await testKey();
    const root = await tempDir();
    const tenants = () => [
      awsTenant('111122223333', { decision: 'review', reasons: ['unknown-origin', 'cascade'] }),
      awsTenant('999988887777'),
    ];
    await buildPartnerReport(reportInput('aws', tenants()), { dir: join(root, 'a'), signingKey: key });
    await buildPartnerReport(reportInput('aws', streamed(tenants())), {
      dir: join(root, 'b'),
      signingKey: key,
    });
    for (const f of await readdir(join(root, 'a')))
      assert.ok(
        (await readFile(join(root, 'a', f))).equals(await readFile(join(root, 'b', f))),
        `${f} differs`,
      );
  });

  it('marks new, unchanged, changed and resolved against the previous report, and links to it', async () => {
    const key = await testKey();
    const root = await tempDir();
    const first = await buildPartnerReport(
      reportInput('aws', [awsTenant('111111111111'), awsTenant('222222222222'), awsTenant('333333333333')]),
      { dir: join(root, 'r1'), signingKey: key },
    );
    const previous = await readPreviousReport(join(root, 'r1'), { publicKey: key.publicKey });
    assert.equal(previous.digest, first.manifestDigest);
    const second = await buildPartnerReport(
      reportInput(
        'aws',
        [
          awsTenant('111111111111'),
          awsTenant('222222222222', { decision: 'review', reasons: ['unknown-origin'] }),
          awsTenant('444444444444'),
        ],
        { runId: 'run-2', generatedAt: '2025-12-01T00:00:00Z', previousReport: previous },
      ),
      { dir: join(root, 'r2'), signingKey: key },
    );
    const json = await readJson(join(root, 'r2'));
    assert.ok(validate(json), JSON.stringify(validate.errors));
    assert.deepEqual(
      json.tenants.map((t) => [t['tenantKey'], t['change'], t['previousDecision']]),
      [
        ['111111111111', 'unchanged', 'restricted'],
        ['222222222222', 'changed', 'restricted'],
        ['444444444444', 'new', null],
      ],
    );
    assert.deepEqual(
      json.resolved.map((t) => [t['tenantKey'], t['change'], t['decision'], t['previousDecision']]),
      [['333333333333', 'resolved', null, 'restricted']],
    );
    assert.equal(second.counts.resolved, 1);
    assert.equal(json['previousManifestSha256'], first.manifestDigest);
    const csv = await readFile(join(root, 'r2', 'report.csv'), 'utf8');
    assert.match(csv, /333333333333.*resolved/);
    const v = await verifyReport(join(root, 'r2'), {
      publicKey: key.publicKey,
      previousDir: join(root, 'r1'),
    });
    assert.deepEqual(v.problems, []);
  });

  const gaps: Array<[string, Partial<ReportTenant>, 'yes' | 'possible' | 'no']> = [
    ['usage after the restriction took effect', { restrictionEffectiveAt: '2025-10-10T00:00:00Z' }, 'yes'],
    ['last usage before it', { restrictionEffectiveAt: '2025-10-25T00:00:00Z' }, 'no'],
    [
      'no usage at all',
      {
        restrictionEffectiveAt: '2025-10-10T00:00:00Z',
        usage: {
          requests: 0,
          inputTokens: 0,
          outputTokens: 0,
          spend: 0,
          currency: 'USD',
          lastUsageAt: '2025-10-20T00:00:00Z',
        },
      },
      'no',
    ],
    [
      'usage in the period, time unknown',
      {
        restrictionEffectiveAt: '2025-10-10T00:00:00Z',
        usage: { requests: 3, inputTokens: 0, outputTokens: 0, spend: 1, currency: 'USD' },
      },
      'possible',
    ],
    [
      'a review tenant (no restriction)',
      { decision: 'review', reasons: ['unknown-origin'], restrictionEffectiveAt: '2025-10-10T00:00:00Z' },
      'no',
    ],
  ];
  for (const [what, overrides, expected] of gaps)
    it(`flags the enforcement gap: ${what} -> ${expected}`, async () => {
      const key = await testKey();
      const dir = join(await tempDir(), 'r');
      const res = await buildPartnerReport(reportInput('aws', [awsTenant('111122223333', overrides)]), {
        dir,
        signingKey: key,
      });
      const json = await readJson(dir);
      assert.equal(json.tenants[0]?.['enforcementGap'], expected);
      assert.equal(res.counts.enforcementGaps, expected === 'yes' ? 1 : 0);
      const html = await readFile(join(dir, 'report.html'), 'utf8');
      assert.equal(html.includes('>ENFORCEMENT GAP<'), expected === 'yes');
    });

  it('states an incomplete source loudly in every format', async () => {
    const key = await testKey();
    const dir = join(await tempDir(), 'r');
    const input = reportInput('aws', [awsTenant('111122223333')]);
    input.snapshots[0] = {
      source: 'aws:tenants',
      cloud: 'aws',
      retrievedAt: '2025-10-31T00:00:00Z',
      complete: false,
    };
    const res = await buildPartnerReport(input, { dir, signingKey: key });
    assert.equal(res.dataComplete, false);
    const json = await readJson(dir);
    assert.equal(json['dataComplete'], false);
    assert.deepEqual(json['incompleteSources'], ['aws:tenants']);
    assert.match(await readFile(join(dir, 'report.csv'), 'utf8'), /INCOMPLETE: aws:tenants/);
    assert.match(
      await readFile(join(dir, 'report.html'), 'utf8'),
      /class="alert" role="alert">INCOMPLETE DATA/,
    );
    assert.equal(
      (JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { dataComplete: boolean })
        .dataComplete,
      false,
    );
  });

  it('shows natural persons only as "individual, <country>" in every file', async () => {
    const key = await testKey();
    const dir = join(await tempDir(), 'r');
    const t = awsTenant('111122223333', {
      chain: [
        {
          root: 'person-8812',
          rootReason: 'origin:residence:RU',
          hops: [
            {
              holder: 'person-8812',
              subject: 'ent-111122223333',
              interestType: 'shareholding',
              share: { min: 75, max: 75 },
              source: 'rel-ivan-petrov',
              statementId: 'st-ivan',
            },
          ],
        },
      ],
      parties: {
        'ent-111122223333': { kind: 'entity', name: 'Tenant Co' },
        'person-8812': { kind: 'person', name: 'Ivan Petrov', countries: ['RU'] },
      },
    });
    await buildPartnerReport(reportInput('aws', [t]), { dir, signingKey: key });
    for (const f of await readdir(dir)) {
      const text = await readFile(join(dir, f), 'utf8');
      for (const secret of ['Ivan', 'Petrov', 'person-8812', 'rel-ivan', 'st-ivan'])
        assert.ok(!text.includes(secret), `${secret} in ${f}`);
    }
    assert.match(
      await readFile(join(dir, 'report.csv'), 'utf8'),
      /individual, RU \[record withheld: individual\]/,
    );
  });

  it('refuses a foreign tenant: throws PartitionError, names ids only in the error and log, leaves no folder', async () => {
    const key = await testKey();
    const root = await tempDir();
    const logger = createMemoryLogger();
    const azureKey = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
    const input = reportInput(
      'aws',
      [awsTenant('111122223333', { entityName: `Reseller for ${azureKey}` })],
      {
        otherPartnerKeys: new Set([azureKey]),
      },
    );
    await assert.rejects(
      buildPartnerReport(input, { dir: join(root, 'r'), signingKey: key, logger }),
      (err: unknown) => {
        assert.ok(err instanceof PartitionError);
        assert.deepEqual(err.offending, [azureKey]);
        return true;
      },
    );
    assert.deepEqual(await readdir(root), []);
    const logged = logger.records.find((r) => r.level === 'error');
    assert.deepEqual(logged?.['offendingIds'], [azureKey]);
  });

  const foreignRows: Array<[string, ReportTenant]> = [
    ['a row of another partner', { ...awsTenant('111122223333'), partner: 'gcp' }],
    [
      'an Azure tenant id in an AWS row',
      awsTenant('111122223333', {
        partnerIds: { account: '111122223333', tenant: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d' },
      }),
    ],
    [
      'a GCP billing account in an AWS row',
      awsTenant('111122223333', {
        partnerIds: { account: '111122223333', subscriptions: ['billingAccounts/01A2B3-C4D5E6-F7A8B9'] },
      }),
    ],
    ['a malformed AWS account', awsTenant('11112222333x')],
  ];
  for (const [what, row] of foreignRows)
    it(`refuses ${what}`, async () => {
      const key = await testKey();
      const root = await tempDir();
      await assert.rejects(
        buildPartnerReport(reportInput('aws', [row]), { dir: join(root, 'r'), signingKey: key }),
        PartitionError,
      );
      assert.deepEqual(await readdir(root), []);
    });

  it('refuses unsorted or duplicate tenants, an allowed decision and bad dates, leaving nothing', async () => {
    const key = await testKey();
    const root = await tempDir();
    const cases: ReportTenant[][] = [
      [awsTenant('222222222222'), awsTenant('111111111111')],
      [awsTenant('111111111111'), awsTenant('111111111111')],
      [awsTenant('111111111111', { decision: 'allowed' as 'review' })],
      [awsTenant('111111111111', { firstFlaggedAt: 'yesterday' })],
    ];
    for (const [i, tenants] of cases.entries())
      await assert.rejects(
        buildPartnerReport(reportInput('aws', tenants), { dir: join(root, `r${i}`), signingKey: key }),
        ReportError,
      );
    assert.deepEqual(await readdir(root), []);
  });

  it("never overwrites a report and removes a crashed run's partial folder", async () => {
    const key = await testKey();
    const root = await tempDir();
    // A partial folder of a process that no longer exists (pid 2^22+1 is above Linux's pid_max default).
    await mkdir(join(root, 'old.tmp-4194305-deadbeef'));
    await writeFile(join(root, 'old.tmp-4194305-deadbeef', 'report.csv'), 'half');
    await buildPartnerReport(reportInput('aws', [awsTenant('111122223333')]), {
      dir: join(root, 'r'),
      signingKey: key,
    });
    assert.deepEqual(await readdir(root), ['r']);
    await assert.rejects(
      buildPartnerReport(reportInput('aws', [awsTenant('111122223333')]), {
        dir: join(root, 'r'),
        signingKey: key,
      }),
      /already exists/,
    );
  });

  it('never generates a key: no key is a KeyUnavailableError', async () => {
    await assert.rejects(loadSigningKey({ env: {} }), KeyUnavailableError);
    await assert.rejects(loadSigningKey({ path: '/nonexistent/key.pem', env: {} }), KeyUnavailableError);
    await assert.rejects(
      loadSigningKey({ env: { CHANNELGUARD_SIGNING_KEY: 'not a pem' } }),
      (err: unknown) => {
        assert.ok(err instanceof KeyUnavailableError);
        assert.ok(!err.message.includes('not a pem'));
        return true;
      },
    );
  });
});

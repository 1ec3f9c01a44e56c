// The audit's report step takes the other partners' keys from the store: a row that names another
// partner's tenant (as its key or one of its account ids) is refused before anything is signed.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writePartnerReport } from '../src/audit/reports.ts';
import { silentLogger } from '../src/log.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { PartitionError } from '../src/report/partition.ts';
import type { ReportTenant } from '../src/report/types.ts';
import { openStore, writeTenants, type Db } from '../src/store/index.ts';
import { awsTenant, tempDir, testKey } from './report-fixtures.ts';
import { tenantRecord } from './sync-fixtures.ts';

async function* rows(list: ReportTenant[]) {
  yield* list;
}

describe('audit report: partner isolation from the store', () => {
  let db: Db;
  let dir: string;
  before(async () => {
    db = await openStore({ dataDir: 'memory://', logger: silentLogger });
    await db.transaction((tx) =>
      writeTenants(
        tx,
        [
          tenantRecord('gcp', 'acct-gcp-secret', { accountIds: ['acct-gcp-secret', 'C0FFEE-123456-ABCDEF'] }),
          tenantRecord('azure', '0b1c2d3e-0000-4000-8000-000000000001'),
          tenantRecord('aws', '123456789012'),
        ],
        { runId: 'r1', seenAt: '2026-11-01T00:00:00.000Z' },
      ),
    );
  });
  after(() => db.close());
  beforeEach(async () => (dir = await tempDir()));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const write = async (tenants: ReportTenant[]) =>
    writePartnerReport({
      db,
      runId: '20261101T000000Z-000001',
      partner: 'aws',
      reportsDir: dir,
      signingKey: await testKey(),
      policy: loadPolicy(),
      asOf: '2026-11-01',
      period: { start: '2026-10-01T00:00:00Z', end: '2026-11-01T00:00:00Z' },
      generatedAt: '2026-11-01T00:00:00Z',
      snapshots: [],
      logger: silentLogger,
      tenants: rows(tenants),
    });

  for (const foreign of ['acct-gcp-secret', 'C0FFEE-123456-ABCDEF', '0b1c2d3e-0000-4000-8000-000000000001'])
    it(`refuses a row naming another partner's ${foreign}, leaving no folder`, async () => {
      const leaky = awsTenant('123456789012', { entityName: `Reseller of ${foreign}` });
      await assert.rejects(
        write([leaky]),
        (err) => err instanceof PartitionError && err.offending.includes(foreign),
      );
      assert.deepEqual(readdirSync(join(dir, 'aws')), []);
    });

  it('writes the report when every row is the partner’s own', async () => {
    const built = await write([awsTenant('123456789012')]);
    assert.ok(existsSync(join(built.dir, 'manifest.sig')));
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../src/store/db.ts';
import {
  MIGRATIONS_DIR,
  getCursor,
  getTenant,
  linksForTenant,
  migrate,
  openStore,
  putCursor,
  putSourceStatus,
  readMigrations,
  sourceStatus,
  streamTenants,
  streamTenantPages,
  refreshStatistics,
  TENANT_PAGE_SQL,
  usageForTenant,
  usageTotalsForTenants,
  writeTenants,
  writeUsage,
} from '../src/store/index.ts';
import { SKIP_PG, backends, postgresBackend, useFreshStore } from './store-backends.ts';
import { tenantRecord, usageRecord } from './sync-fixtures.ts';

const stamp = (runId: string, seenAt = '2026-01-02T00:00:00.000Z') => ({ runId, seenAt });

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

describe('store: migrations folder', () => {
  it('reads the core migration and refuses badly named or duplicate files', async () => {
    const names = (await readMigrations()).map((m) => m.name);
    assert.ok(names.includes('001-core.sql'));
    const dir = await mkdtemp(join(tmpdir(), 'cg-mig-'));
    try {
      await writeFile(join(dir, '001-a.sql'), 'SELECT 1;');
      await writeFile(join(dir, 'oops.sql'), 'SELECT 1;');
      await assert.rejects(readMigrations(dir), /oops\.sql: name must be NNN-kebab-name\.sql/);
      await rm(join(dir, 'oops.sql'));
      await writeFile(join(dir, '001-b.sql'), 'SELECT 1;');
      await assert.rejects(readMigrations(dir), /share the number 001/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

for (const backend of backends) {
  describe(`store on ${backend.name}`, () => {
    const store = useFreshStore(backend);
    let db: Db;
    beforeEach(() => {
      db = store();
    });

    it('migrates once: a second run applies nothing and every core table exists', async () => {
      assert.deepEqual(await migrate(db), []);
      const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
      assert.ok(rows.some((r) => Number(r.version) === 1));
      for (const t of ['tenants', 'channel_links', 'usage', 'cursors', 'sync_runs', 'source_status']) {
        assert.equal(await count(db, t), 0, t);
      }
    });

    it('refuses a migration that changed after it was applied', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cg-mig-'));
      try {
        await writeFile(join(dir, '150-extra.sql'), 'CREATE TABLE extra_a (id int);');
        assert.deepEqual(await migrate(db, { dir }), ['150-extra.sql']);
        await writeFile(join(dir, '150-extra.sql'), 'CREATE TABLE extra_b (id int);');
        await assert.rejects(migrate(db, { dir }), /150-extra\.sql was changed after it was applied/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('rolls back a failing migration entirely and names it', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cg-mig-'));
      try {
        await writeFile(join(dir, '160-bad.sql'), 'CREATE TABLE half (id int); SELECT no_such_fn();');
        await assert.rejects(migrate(db, { dir }), /migration 160-bad\.sql failed/);
        const { rows } = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half'`);
        assert.equal(rows.length, 0);
        const applied = await db.query('SELECT 1 FROM schema_migrations WHERE version = 160');
        assert.equal(applied.rows.length, 0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('upserts tenants idempotently, keeps first_seen, and collapses a key repeated in one batch', async () => {
      const a = tenantRecord('aws', '111111111111', {
        countryCode: 'DE',
        registrationIds: [{ scheme: 'VAT', id: 'DE1' }],
      });
      await db.transaction((tx) => writeTenants(tx, [a, tenantRecord('aws', '222222222222')], stamp('r1')));
      const renamed = { ...a, legalName: 'Renamed GmbH' };
      const n = await db.transaction((tx) =>
        writeTenants(tx, [a, renamed], stamp('r2', '2026-01-03T00:00:00.000Z')),
      );
      assert.equal(n.tenants, 1);
      assert.equal(await count(db, 'tenants'), 2);
      const got = await getTenant(db, 'aws', '111111111111');
      assert.equal(got?.legalName, 'Renamed GmbH');
      assert.equal(got?.firstSeen, '2026-01-02T00:00:00.000Z');
      assert.equal(got?.lastSeen, '2026-01-03T00:00:00.000Z');
      assert.equal(got?.runId, 'r2');
      assert.deepEqual(got?.registrationIds, [{ scheme: 'VAT', id: 'DE1' }]);
      assert.deepEqual(got?.entitlements, a.entitlements);
      assert.deepEqual(got?.provenance, a.provenance);
    });

    it('with fresh statistics, reads a tenant page by the keyset index instead of sorting the partner', async () => {
      const tenants = Array.from({ length: 3000 }, (_, i) =>
        tenantRecord((['aws', 'gcp', 'azure'] as const)[i % 3]!, `t-${String(i).padStart(5, '0')}`),
      );
      await db.transaction((tx) => writeTenants(tx, tenants, stamp('r1')));
      await refreshStatistics(db);
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${TENANT_PAGE_SQL}`, [
        'gcp',
        'gcp',
        't-00100',
        null,
        100,
      ]);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      assert.match(plan, /Index (Only )?Scan using tenants_partner_keyset/);
      assert.doesNotMatch(plan, /Sort|Bitmap/);
    });

    it('streams a tenant back whole: every field as written, as getTenant reads it', async () => {
      const full = tenantRecord('aws', '123456789012', {
        accountIds: ['123456789012', '210987654321'],
        legalName: 'ZOË "Quoted" 株式会社 \u2028 Ltd',
        displayName: 'Zoë',
        countryCode: 'JP',
        domain: 'zoe.example',
        registrationIds: [{ scheme: 'tax-registration', id: 'JP-1\\2' }],
        missing: ['address'],
      });
      await db.transaction((tx) => writeTenants(tx, [full], stamp('r1', '2026-03-04T05:06:07.891Z')));
      const streamed = [];
      for await (const t of streamTenants(db, 'aws')) streamed.push(t);
      assert.equal(streamed.length, 1);
      assert.deepEqual(streamed[0], await getTenant(db, 'aws', '123456789012'));
      const { links: _links, ...written } = full;
      const { links, firstSeen, lastSeen, runId, ...read } = streamed[0]!;
      assert.deepEqual(read, written);
      assert.deepEqual(
        [links, firstSeen, lastSeen, runId],
        [[], '2026-03-04T05:06:07.891Z', '2026-03-04T05:06:07.891Z', 'r1'],
      );
    });

    it('writes more rows than one batch holds', async () => {
      const many = Array.from({ length: 1234 }, (_, i) => tenantRecord('gcp', `acct-${i}`));
      const n = await db.transaction((tx) => writeTenants(tx, many, stamp('r1')));
      assert.equal(n.tenants, 1234);
      assert.equal(await count(db, 'tenants'), 1234);
    });

    it('replaces the links a tenant record carries: a dropped reseller does not linger', async () => {
      const link = (from: string) => ({
        cloud: 'azure' as const,
        fromKey: from,
        role: 'reseller-of' as const,
        toKey: 'tenant-b',
        source: 'ISVCustomer',
      });
      await db.transaction((tx) =>
        writeTenants(tx, [tenantRecord('azure', 'tenant-b', { links: [link('csp-1')] })], stamp('r1')),
      );
      assert.deepEqual(
        (await linksForTenant(db, 'azure', 'tenant-b')).map((l) => l.fromKey),
        ['csp-1'],
      );
      await db.transaction((tx) =>
        writeTenants(tx, [tenantRecord('azure', 'tenant-b', { links: [link('csp-2')] })], stamp('r2')),
      );
      assert.deepEqual(
        (await linksForTenant(db, 'azure', 'tenant-b')).map((l) => l.fromKey),
        ['csp-2'],
      );
      // the reseller sees the link from its side too
      assert.deepEqual(
        (await linksForTenant(db, 'azure', 'csp-2')).map((l) => l.toKey),
        ['tenant-b'],
      );
    });

    it('streams one partner by keyset pages, in order, with links, never another partner', async () => {
      const aws = Array.from({ length: 25 }, (_, i) =>
        tenantRecord('aws', `a-${String(i).padStart(3, '0')}`),
      );
      aws[3] = {
        ...aws[3]!,
        links: [
          { cloud: 'aws', fromKey: 'payer-1', role: 'payer-of', toKey: aws[3]!.tenantKey, source: 'feed' },
        ],
      };
      await db.transaction((tx) => writeTenants(tx, [...aws, tenantRecord('gcp', 'g-1')], stamp('r1')));
      const seen: string[] = [];
      for await (const t of streamTenants(db, 'aws', { pageSize: 7 })) {
        assert.equal(t.partner, 'aws');
        seen.push(t.tenantKey);
        if (t.tenantKey === 'a-003')
          assert.deepEqual(
            t.links.map((l) => l.fromKey),
            ['payer-1'],
          );
        else assert.deepEqual(t.links, []);
      }
      assert.deepEqual(
        seen,
        aws.map((t) => t.tenantKey),
      );
      const resumed: string[] = [];
      for await (const t of streamTenants(db, 'aws', {
        pageSize: 7,
        after: { cloud: 'aws', tenantKey: 'a-020' },
      })) {
        resumed.push(t.tenantKey);
      }
      assert.deepEqual(resumed, ['a-021', 'a-022', 'a-023', 'a-024']);
      const pages: string[][] = [];
      for await (const page of streamTenantPages(db, 'aws', { pageSize: 7 }))
        pages.push(page.map((t) => t.tenantKey));
      assert.deepEqual(
        pages.map((p) => p.length),
        [7, 7, 7, 4],
      );
      assert.deepEqual(pages.flat(), seen);
    });

    it('upserts usage idempotently and sums it per tenant and period exactly', async () => {
      const lines = [
        usageRecord('aws', 't1', 'L1', 2 ** 53),
        usageRecord('aws', 't1', 'L2', 7),
        { ...usageRecord('aws', 't1', 'L3', 0.1), dimension: 'spend', unit: 'USD', currency: 'USD' },
        { ...usageRecord('aws', 't1', 'L4', 0.2), dimension: 'spend', unit: 'USD', currency: 'USD' },
        {
          ...usageRecord('aws', 't1', 'L5', 5),
          periodStart: '2026-02-01T00:00:00.000Z',
          periodEnd: '2026-03-01T00:00:00.000Z',
        },
        usageRecord('aws', 't2', 'L6', 1),
      ];
      await db.transaction((tx) => writeUsage(tx, lines, stamp('r1')));
      await db.transaction((tx) => writeUsage(tx, lines, stamp('r2')));
      assert.equal(await count(db, 'usage'), 6);
      const totals = await usageForTenant(db, {
        cloud: 'aws',
        tenantKey: 't1',
        from: '2026-01-01',
        to: '2026-02-01',
      });
      const many = await usageTotalsForTenants(db, {
        cloud: 'aws',
        tenantKeys: ['t1', 't2', 't3'],
        from: '2026-01-01',
        to: '2026-02-01',
      });
      assert.deepEqual([...many.keys()], ['t1', 't2']);
      assert.deepEqual(many.get('t1'), totals);
      assert.equal(many.get('t2')?.[0]?.quantity, '1');
      assert.deepEqual(
        totals.map((t) => [t.dimension, t.quantity, t.lines]),
        [
          ['inputTokens', '9007199254740999', 2],
          ['spend', '0.3', 2],
        ],
      );
    });

    it('keeps cursors and source status; a failed attempt does not move last_success_at', async () => {
      await putCursor(db, 'gcp', 'tenants', 'tok-9', { runId: 'r1', at: '2026-01-01T00:00:00.000Z' });
      assert.equal(await getCursor(db, 'gcp', 'tenants'), 'tok-9');
      await putCursor(db, 'gcp', 'tenants', undefined, { runId: 'r1', at: '2026-01-01T00:00:00.000Z' });
      assert.equal(await getCursor(db, 'gcp', 'tenants'), undefined);
      const base = {
        cloud: 'gcp' as const,
        source: 'tenants' as const,
        feeds: ['b', 'a'],
        items: 5,
        rejected: 0,
      };
      await putSourceStatus(db, { ...base, runId: 'r1', at: '2026-01-01T00:00:00.000Z', complete: true });
      await putSourceStatus(db, {
        ...base,
        runId: 'r2',
        at: '2026-01-02T00:00:00.000Z',
        complete: false,
        error: 'gcp x: 503',
      });
      const [row] = await sourceStatus(db, 'gcp');
      assert.equal(row?.complete, false);
      assert.equal(row?.error, 'gcp x: 503');
      assert.equal(row?.lastAttemptAt, '2026-01-02T00:00:00.000Z');
      assert.equal(row?.lastSuccessAt, '2026-01-01T00:00:00.000Z');
      assert.deepEqual(row?.feeds, ['a', 'b']);
      assert.deepEqual(await sourceStatus(db, 'aws'), []);
    });
  });
}

// only without CHANNELGUARD_SKIP_PG=1: it needs a real server with several connections
if (!SKIP_PG)
  describe('store: several processes opening one PostgreSQL database at once', () => {
    it('applies each migration exactly once', async () => {
      const loc = await postgresBackend.create();
      try {
        const dbs = await Promise.all(
          Array.from({ length: 4 }, () => openStore({ databaseUrl: loc.databaseUrl! })),
        );
        const { rows } = await dbs[0]!.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
        assert.equal(Number(rows[0]!.n), (await readMigrations(MIGRATIONS_DIR)).length);
        await Promise.all(dbs.map((d) => d.close()));
      } finally {
        await loc.drop();
      }
    });
  });

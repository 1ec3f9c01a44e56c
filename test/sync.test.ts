import assert from 'node:assert/strict';
import type { Cloud } from '../src/adapter.ts';
import { AdapterError } from '../src/errors.ts';
import { createMemoryLogger } from '../src/log.ts';
import type { Db } from '../src/store/db.ts';
import { getCursor, openStore, recentRuns, sourceStatus } from '../src/store/index.ts';
import { cursorKey } from '../src/sync/sync-stream.ts';
import { defaultWindow, runSync } from '../src/sync/run-sync.ts';
import { SKIP_PG, backends, postgresBackend, useFreshStore } from './store-backends.ts';
import { createFakeAdapter, tenantRecord } from './sync-fixtures.ts';

const WINDOW = { start: '2026-01-01T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z' };
const fixedClock = () => new Date('2026-02-10T12:00:00.000Z');

async function countRows(db: Db, table: string, cloud?: Cloud): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM ${table} WHERE $1::text IS NULL OR cloud = $1`,
    [cloud ?? null],
  );
  return Number(rows[0]!.n);
}

describe('defaultWindow', () => {
  it('covers the previous and the current UTC month, across a year end', () => {
    assert.deepEqual(defaultWindow(new Date('2026-01-15T10:00:00Z')), {
      start: '2025-12-01T00:00:00.000Z',
      end: '2026-02-01T00:00:00.000Z',
    });
  });
});

for (const backend of backends) {
  describe(`runSync on ${backend.name}`, () => {
    const store = useFreshStore(backend);
    let db: Db;
    beforeEach(() => {
      db = store();
    });

    it('writes every cloud, records complete sources and an ok run', async () => {
      const adapters = (['aws', 'gcp', 'azure'] as const).map((cloud, i) =>
        createFakeAdapter({ cloud, tenants: 50 + i * 10, pageSize: 7, usagePerTenant: 2 }),
      );
      const progress: string[] = [];
      const summary = await runSync({
        adapters,
        store: db,
        logger: createMemoryLogger(),
        clock: fixedClock,
        window: WINDOW,
        onProgress: (p) => progress.push(`${p.cloud}/${p.stream}/${p.pages}/${p.items}`),
      });
      assert.equal(summary.status, 'ok');
      assert.deepEqual(summary.failures, []);
      assert.deepEqual(
        summary.clouds.map((c) => [c.cloud, c.status, c.tenants, c.usageLines, c.pages]),
        [
          ['aws', 'ok', 50, 100, 8 + 15],
          ['azure', 'ok', 70, 140, 10 + 20],
          ['gcp', 'ok', 60, 120, 9 + 18],
        ],
      );
      assert.equal(await countRows(db, 'tenants'), 180);
      assert.equal(await countRows(db, 'usage'), 360);
      const status = await sourceStatus(db);
      assert.equal(status.length, 6);
      assert.ok(status.every((s) => s.complete && s.lastSuccessAt === '2026-02-10T12:00:00.000Z'));
      // progress comes after each commit (several arrived pages may share one) and ends at the totals
      const aws = progress.filter((p) => p.startsWith('aws/tenants/'));
      assert.ok(aws.length >= 1 && aws.length <= 8);
      assert.equal(aws[aws.length - 1], 'aws/tenants/8/50');
      const [run] = await recentRuns(db, 1);
      assert.equal(run?.status, 'ok');
      assert.equal(run?.id, summary.runId);
    });

    it('passes the stored cursor back: an incremental source resumes, a full snapshot starts over', async () => {
      const inc = createFakeAdapter({ cloud: 'aws', tenants: 20, pageSize: 5, keepFinalCursor: true });
      const full = createFakeAdapter({ cloud: 'gcp', tenants: 20, pageSize: 5 });
      const opts = { store: db, logger: createMemoryLogger(), clock: fixedClock, window: WINDOW };
      await runSync({ ...opts, adapters: [inc, full] });
      assert.equal(await getCursor(db, 'aws', 'tenants'), 'done:20');
      assert.equal(await getCursor(db, 'gcp', 'tenants'), undefined);
      await runSync({ ...opts, adapters: [inc, full] });
      const tenantsStarts = (a: typeof inc) => a.log.startedFrom.filter((s) => s.stream === 'tenants');
      assert.deepEqual(
        tenantsStarts(inc).map((s) => s.cursor),
        [undefined, 'done:20'],
      );
      assert.deepEqual(
        tenantsStarts(full).map((s) => s.cursor),
        [undefined, undefined],
      );
      assert.equal(await countRows(db, 'tenants'), 40);
    });

    it('isolates a failing cloud: partial, its rows so far kept, its source incomplete, the others complete', async () => {
      const adapters = [
        createFakeAdapter({
          cloud: 'aws',
          tenants: 40,
          pageSize: 5,
          failAfterPages: {
            stream: 'tenants',
            pages: 2,
            error: new AdapterError('throttled; Authorization: Bearer sk-live-123 was sent', {
              cloud: 'aws',
              api: 'SearchAgreements',
              fault: 'server',
              retryable: true,
              throttled: true,
              status: 429,
            }),
          },
        }),
        createFakeAdapter({ cloud: 'gcp', tenants: 30, pageSize: 5 }),
        createFakeAdapter({ cloud: 'azure', tenants: 30, pageSize: 5 }),
      ];
      const summary = await runSync({
        adapters,
        store: db,
        logger: createMemoryLogger(),
        clock: fixedClock,
        window: WINDOW,
      });
      assert.equal(summary.status, 'partial');
      assert.equal(summary.failures.length, 1);
      const [f] = summary.failures;
      assert.equal(f?.cloud, 'aws');
      assert.equal(f?.source, 'tenants');
      assert.equal(f?.retryable, true);
      assert.ok(!f?.message.includes('sk-live-123'), f?.message);
      assert.equal(await countRows(db, 'tenants', 'aws'), 10);
      assert.equal(await getCursor(db, 'aws', 'tenants'), '10');
      assert.equal(await countRows(db, 'tenants', 'gcp'), 30);
      const status = await sourceStatus(db);
      const awsTenants = status.find((s) => s.cloud === 'aws' && s.source === 'tenants');
      assert.equal(awsTenants?.complete, false);
      assert.equal(awsTenants?.lastSuccessAt, undefined);
      assert.match(awsTenants?.error ?? '', /SearchAgreements: throttled/);
      assert.ok(!(awsTenants?.error ?? '').includes('sk-live-123'));
      // usage of the failing cloud still synced: it does not depend on the tenant list
      assert.equal(status.find((s) => s.cloud === 'aws' && s.source === 'usage')?.complete, true);
      assert.ok(status.filter((s) => s.cloud !== 'aws').every((s) => s.complete));
      assert.equal((await recentRuns(db, 1))[0]?.status, 'partial');
    });

    it('ends failed when no stream could be read at all', async () => {
      const adapters = (['aws', 'gcp'] as const).map((cloud) =>
        createFakeAdapter({
          cloud,
          tenants: 10,
          pageSize: 5,
          failAfterPages: { stream: 'both', pages: 0 },
        }),
      );
      const summary = await runSync({
        adapters,
        store: db,
        logger: createMemoryLogger(),
        clock: fixedClock,
        window: WINDOW,
      });
      assert.equal(summary.status, 'failed');
      assert.equal(summary.failures.length, 4);
      assert.ok(summary.failures.every((f) => f.retryable && f.kind === 'adapter'));
    });

    it("rejects placeholder keys and other clouds' records, writes the rest, ends partial", async () => {
      const adapter = createFakeAdapter({ cloud: 'azure', tenants: 0, pageSize: 5 });
      adapter.tenants = async function* () {
        yield {
          source: 'ISVCustomer',
          items: [
            tenantRecord('azure', 'good-1'),
            tenantRecord('azure', 'N/A'),
            tenantRecord('azure', ''),
            tenantRecord('aws', '123456789012'),
            tenantRecord('azure', 'good-2'),
          ],
        };
      };
      const summary = await runSync({
        adapters: [adapter],
        store: db,
        logger: createMemoryLogger(),
        clock: fixedClock,
        window: WINDOW,
      });
      assert.equal(summary.status, 'partial');
      assert.equal(summary.clouds[0]?.rejected, 3);
      assert.equal(summary.clouds[0]?.tenants, 2);
      assert.deepEqual(
        summary.failures.map((f) => f.kind),
        ['rejected', 'rejected', 'rejected'],
      );
      const st = (await sourceStatus(db, 'azure')).find((s) => s.source === 'tenants');
      assert.equal(st?.complete, false);
      assert.match(st?.error ?? '', /3 record\(s\) rejected/);
    });

    it('keys the usage cursor by window', () => {
      assert.equal(cursorKey('usage', WINDOW), 'usage:2026-01-01T00:00:00.000Z/2026-03-01T00:00:00.000Z');
      assert.equal(cursorKey('tenants', WINDOW), 'tenants');
    });
  });
}

if (!SKIP_PG) {
  describe('runSync: two workers against one PostgreSQL database', () => {
    it('syncs each cloud once: no duplicate rows, no lost rows, the other worker skips', async () => {
      const loc = await postgresBackend.create();
      const [db1, db2] = await Promise.all([
        openStore({ databaseUrl: loc.databaseUrl! }),
        openStore({ databaseUrl: loc.databaseUrl! }),
      ]);
      try {
        const make = () =>
          (['aws', 'gcp', 'azure'] as const).map((cloud) =>
            createFakeAdapter({ cloud, tenants: 60, pageSize: 10, usagePerTenant: 2, delayMs: 30 }),
          );
        const [s1, s2] = await Promise.all([
          runSync({ adapters: make(), store: db1!, logger: createMemoryLogger(), window: WINDOW }),
          runSync({ adapters: make(), store: db2!, logger: createMemoryLogger(), window: WINDOW }),
        ]);
        assert.equal(s1.status, 'ok');
        assert.equal(s2.status, 'ok');
        for (const cloud of ['aws', 'gcp', 'azure'] as const) {
          const states = [s1, s2].map((s) => s.clouds.find((c) => c.cloud === cloud)?.status).sort();
          assert.deepEqual(states, ['ok', 'skipped'], cloud);
          assert.equal(await countRows(db1!, 'tenants', cloud), 60);
          assert.equal(await countRows(db1!, 'usage', cloud), 120);
        }
        // a third run after both: every cloud free again, still one row per key
        const s3 = await runSync({
          adapters: make(),
          store: db2!,
          logger: createMemoryLogger(),
          window: WINDOW,
        });
        assert.deepEqual(
          s3.clouds.map((c) => c.status),
          ['ok', 'ok', 'ok'],
        );
        assert.equal(await countRows(db1!, 'tenants'), 180);
        assert.equal(await countRows(db1!, 'usage'), 360);
      } finally {
        await Promise.all([db1!.close(), db2!.close()]);
        await loc.drop();
      }
    });
  });
}

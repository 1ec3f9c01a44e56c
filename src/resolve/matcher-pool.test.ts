import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { createEntityIndex, type EntityIndex, type EntityIndexSnapshot } from './entity-index.ts';
import { matchTenant, type MatchResult, type TenantLike } from './match.ts';
import { crowdCase, matchTable, registry } from './match-fixtures.ts';
import { createMatcherPool, resolveMatcherPoolOptions, type MatcherPool } from './matcher-pool.ts';

const crowd = crowdCase(11, 400, 600);
const index = createEntityIndex([...registry, ...crowd.registry]);
const tenants: TenantLike[] = [...matchTable.map((r) => r.tenant), ...crowd.tenants];
const inThread = (ts: readonly TenantLike[]) => ts.map((t) => JSON.stringify(matchTenant(index, t)));
const bytes = (rs: readonly MatchResult[]) => rs.map((r) => JSON.stringify(r));

const CHILD = fileURLToPath(new URL('./matcher-pool-child.ts', import.meta.url));

/** runs matcher-pool-child.ts; resolves with its exit code and output, or rejects if it hangs */
function runChild(mode: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child (${mode}) did not exit: ${out}`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('matcher pool', () => {
  const pools: MatcherPool[] = [];
  const pool = (workers: number, batchSize = 7) => {
    const p = createMatcherPool(index, { workers, batchSize });
    pools.push(p);
    return p;
  };
  after(async () => {
    for (const p of pools) await p.close();
  });

  for (const workers of [1, 2, 3])
    it(`gives the bytes matchTenant gives in this thread, in input order (${workers} thread${workers > 1 ? 's' : ''})`, async () => {
      assert.deepEqual(bytes(await pool(workers).matchMany(tenants)), inThread(tenants));
    });

  it('gives the same bytes for any batch size and any mix of tenants (property)', async () => {
    const p = pool(2, 5);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...tenants), { maxLength: 60 }), async (ts) => {
        assert.deepEqual(bytes(await p.matchMany(ts)), inThread(ts));
      }),
      { numRuns: 40, seed: 3 },
    );
  });

  it('answers calls made at the same time each with their own results', async () => {
    const p = pool(2, 16);
    const parts = [tenants.slice(0, 100), tenants.slice(100, 101), [], tenants.slice(101)];
    const got = await Promise.all(parts.map((ts) => p.matchMany(ts)));
    got.forEach((rs, i) => assert.deepEqual(bytes(rs), inThread(parts[i]!)));
  });

  it('matches only what a tenant says about itself: other fields of a stored tenant do not cross', async () => {
    const stored = {
      ...tenants[0]!,
      tenantKey: 'k-1',
      links: [{ role: 'payer-of', fromKey: 'k-2' }],
      raw: () => 1,
    };
    assert.deepEqual(bytes(await pool(2).matchMany([stored])), inThread([tenants[0]!]));
  });

  for (const workers of [1, 2])
    it(`rejects a call with a tenant that cannot be matched, naming it, and goes on (${workers} thread${workers > 1 ? 's' : ''})`, async () => {
      const p = pool(workers, 4);
      const bad = [...tenants.slice(0, 9), { legalName: 42 as unknown as string }, ...tenants.slice(9, 20)];
      await assert.rejects(p.matchMany(bad), (err: Error) => {
        assert.equal(err.name, 'MatcherPoolError');
        assert.match(err.message, /matching tenant 10 of 21 \("42"\) failed: .*toLowerCase/);
        return true;
      });
      assert.deepEqual(bytes(await p.matchMany(tenants.slice(0, 30))), inThread(tenants.slice(0, 30)));
    });

  it('rejects a call with a tenant that cannot be copied to a thread, naming it, and goes on', async () => {
    const p = pool(2, 1);
    const odd = [tenants[0]!, { legalName: Symbol('not data') as unknown as string }, tenants[1]!];
    await assert.rejects(p.matchMany(odd), /cannot send tenant 2 of 3 .*to a matcher thread/);
    assert.deepEqual(bytes(await p.matchMany(tenants.slice(0, 10))), inThread(tenants.slice(0, 10)));
  });

  it('rejects the calls waiting on a thread that cannot start, naming the tenant, and every call after', async () => {
    const unattachable: EntityIndex = {
      ...index,
      snapshot: () =>
        ({ ...index.snapshot(), format: 'channelguard-entity-index/0' }) as unknown as EntityIndexSnapshot,
    };
    const p = createMatcherPool(unattachable, { workers: 2, batchSize: 7 });
    pools.push(p);
    await assert.rejects(
      p.matchMany(tenants.slice(0, 3)),
      /a matcher thread failed: not an entity index snapshot of this version.* while matching tenant 1 of 3/,
    );
    await assert.rejects(p.matchMany(tenants.slice(0, 1)), /a matcher thread failed/);
  });

  it('rejects calls still waiting when closed, and every call after', async () => {
    const p = pool(2, 1);
    const waiting = assert.rejects(p.matchMany(tenants), /the matcher pool is closed/);
    await p.close();
    await waiting;
    await assert.rejects(p.matchMany(tenants.slice(0, 1)), /the matcher pool is closed/);
  });

  it('does not keep the process alive: it exits when closed, and when left open while idle', async function () {
    this.timeout(60_000);
    for (const mode of ['close', 'leave-open']) {
      const { code, out } = await runChild(mode);
      assert.equal(code, 0, out);
      assert.match(out, /matched 3 tenants/);
    }
  });
});

describe('resolveMatcherPoolOptions', () => {
  it('defaults to one thread per CPU, 256 tenants a batch', () => {
    const r = resolveMatcherPoolOptions();
    assert.ok(r.workers >= 1);
    assert.equal(r.batchSize, 256);
  });

  for (const [input, key] of [
    [{ workers: 0 }, 'workers'],
    [{ workers: 1.5 }, 'workers'],
    [{ batchSize: -1 }, 'batchSize'],
  ] as const)
    it(`refuses ${JSON.stringify(input)}, naming ${key}`, () => {
      assert.throws(
        () => resolveMatcherPoolOptions(input),
        (err: Error & { key?: string }) => err.name === 'ConfigError' && err.key === key,
      );
    });
});

// Child process for test/sync-kill.test.ts: runs one sync against slow in-test adapters and
// prints one line per committed page, so the parent can SIGKILL it midway.
import { createMemoryLogger } from '../src/log.ts';
import { openStore } from '../src/store/open.ts';
import { runSync } from '../src/sync/run-sync.ts';
import { createFakeAdapter } from './sync-fixtures.ts';

interface ChildArgs {
  store: { databaseUrl?: string; dataDir?: string };
  tenants: number;
  pageSize: number;
  delayMs: number;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
  const store = await openStore(args.store);
  const adapters = (['aws', 'gcp', 'azure'] as const).map((cloud) =>
    createFakeAdapter({
      cloud,
      tenants: args.tenants,
      pageSize: args.pageSize,
      usagePerTenant: 2,
      delayMs: args.delayMs,
      keepFinalCursor: true,
    }),
  );
  const summary = await runSync({
    adapters,
    store,
    logger: createMemoryLogger(),
    window: { start: '2026-01-01T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z' },
    onProgress: (p) => process.stdout.write(`page ${p.cloud} ${p.stream} ${p.pages}\n`),
  });
  await store.close();
  const startedFrom = Object.fromEntries(adapters.map((a) => [a.cloud, a.log]));
  process.stdout.write(`summary ${JSON.stringify({ summary, startedFrom })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});

// Child process for matcher-pool.test.ts: matches a few tenants on two threads, then either closes
// the pool or leaves it open; either way the process must exit by itself.
import { createEntityIndex } from './entity-index.ts';
import { matchTable, registry } from './match-fixtures.ts';
import { createMatcherPool } from './matcher-pool.ts';

const pool = createMatcherPool(createEntityIndex(registry), { workers: 2, batchSize: 1 });
const results = await pool.matchMany(matchTable.slice(0, 3).map((r) => r.tenant));
console.log(`matched ${results.length} tenants`);
if (process.argv[2] === 'close') await pool.close();

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInsightsIndex } from './insights-index.ts';
import type { InsightsInfo } from './map.ts';

const info = (accountId: string, name: string): InsightsInfo => ({
  accountId,
  name,
  recordId: `customer_insights.csv:${name}`,
  rejected: [],
});

async function* from<T>(items: Iterable<T>, failAt = -1): AsyncGenerator<T> {
  let i = 0;
  for (const item of items) {
    if (i++ === failAt) throw new Error('the report went away');
    yield item;
  }
}

describe('gcp Customer Insights index on disk', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cg-insights-test-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every account across blocks and sorted runs, the last row of an account winning', async () => {
    // ids in a scrambled order, each a few times; the later row must win
    const ids = Array.from(
      { length: 3000 },
      (_, i) => `acct-${((i * 7919) % 3000).toString().padStart(5, '0')}`,
    );
    const rows = [...ids.map((id) => info(id, `old ${id}`)), ...ids.map((id) => info(id, `new ${id}`))];
    const index = await buildInsightsIndex(from(rows), { every: 7, spill: { runSize: 500, dir } });
    try {
      assert.equal(index.size, 3000);
      const wanted = [...ids.slice(0, 50), ...ids.slice(-50), 'acct-00000', 'acct-02999'];
      const got = await index.get(wanted);
      assert.equal(got.size, new Set(wanted).size);
      for (const id of wanted) assert.equal(got.get(id)?.name, `new ${id}`, id);
      // every account, page by page
      for (let at = 0; at < ids.length; at += 250) {
        const page = ids.slice(at, at + 250);
        const found = await index.get(page);
        assert.deepEqual(
          page.map((id) => found.get(id)?.name),
          page.map((id) => `new ${id}`),
        );
      }
    } finally {
      await index.close();
    }
  });

  it('answers nothing for accounts the report does not have: before, between and after its ids', async () => {
    const index = await buildInsightsIndex(from(['b', 'd', 'f', 'h'].map((id) => info(id, id))), {
      every: 2,
      spill: { dir },
    });
    try {
      const got = await index.get(['a', 'c', 'e', 'g', 'i', 'b', 'h', 'bb', '']);
      assert.deepEqual([...got.keys()].sort(), ['b', 'h']);
    } finally {
      await index.close();
    }
  });

  it('keeps ids with tabs, newlines, quotes and other scripts apart', async () => {
    const odd = ['a\tb', 'a\nb', 'a"b', 'a\\b', 'Ünïcödé', '账户-1', 'a', 'ab'];
    const index = await buildInsightsIndex(from(odd.map((id) => info(id, `name of ${id}`))), {
      every: 3,
      spill: { dir },
    });
    try {
      const got = await index.get([...odd, 'a\t', 'b']);
      assert.equal(got.size, odd.length);
      for (const id of odd) assert.equal(got.get(id)?.name, `name of ${id}`);
    } finally {
      await index.close();
    }
  });

  it('leaves no file behind: after close, and when the rows fail while being read', async () => {
    const index = await buildInsightsIndex(from([info('x', 'x')]), { spill: { dir } });
    assert.notDeepEqual(readdirSync(dir), []);
    await index.close();
    await index.close();
    assert.deepEqual(readdirSync(dir), []);
    await assert.rejects(index.get(['x']), /closed/);

    const many = Array.from({ length: 100 }, (_, i) => info(`id-${i}`, `n${i}`));
    await assert.rejects(
      buildInsightsIndex(from(many, 60), { spill: { dir, runSize: 10 } }),
      /the report went away/,
    );
    assert.deepEqual(readdirSync(dir), []);
  });
});

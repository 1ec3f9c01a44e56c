import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleTemp } from '../report/index.ts';
import { ExceptionSpill } from './exception-spill.ts';

const row = (tenantKey: string, extra = '') => JSON.stringify({ tenantKey, note: `é ${extra}` });

async function keysOf(spill: ExceptionSpill): Promise<string[]> {
  const out: string[] = [];
  for await (const r of spill.rows()) out.push(r.tenantKey);
  return out;
}

describe('ExceptionSpill', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cg-spill-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives rows back in code-unit key order, whether or not they came in order', async () => {
    const keys = ['b', 'a', 'Z', 'a0', '\u00e9', '10', '9', 'acct-2', 'acct-10'];
    for (const input of [[...keys].sort(), keys]) {
      const spill = await ExceptionSpill.create(dir, 'run1');
      // enough rows to cross a flush
      for (const k of input) await spill.add(k, row(k, 'x'.repeat(300_000)));
      await spill.close();
      assert.deepEqual(await keysOf(spill), [...keys].sort());
      await spill.remove();
    }
    assert.deepEqual(readdirSync(dir), []);
  });

  it('keeps each row whole', async () => {
    const spill = await ExceptionSpill.create(dir, 'run1');
    await spill.add('k2', row('k2', 'two'));
    await spill.add('k1', row('k1', 'one \u2028 "quoted"'));
    await spill.close();
    const rows: unknown[] = [];
    for await (const r of spill.rows()) rows.push(r);
    assert.deepEqual(rows, [JSON.parse(row('k1', 'one \u2028 "quoted"')), JSON.parse(row('k2', 'two'))]);
    await spill.remove();
  });

  it('is named like a temporary report folder, so a crashed run leaves nothing behind', async () => {
    const spill = await ExceptionSpill.create(dir, 'run1');
    await spill.close();
    assert.ok(existsSync(spill.path));
    // our own pid counts as a build in progress; a dead writer's file is removed
    const dead = spill.path.replace(`.tmp-${process.pid}-`, '.tmp-999999999-');
    rmSync(dead, { force: true });
    renameSync(spill.path, dead);
    assert.equal((await removeStaleTemp(dir)).length, 1);
    assert.deepEqual(readdirSync(dir), []);
  });
});

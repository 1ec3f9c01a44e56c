import assert from 'node:assert/strict';
import { createGraphBuilder } from '../evaluator/index.ts';
import type { AnyStatement, Party } from '../model/types.ts';
import { createEntityIndex, type EntityIndexSnapshot } from './entity-index.ts';
import { buildEntityIndexInThread } from './index-build-thread.ts';
import { crowdCase, registry } from './match-fixtures.ts';

const parties: Party[] = [
  ...registry,
  ...crowdCase(11, 900, 0).registry,
  { id: 'person-1', kind: 'person', name: 'Not Indexed' },
];

/** every typed array of a snapshot as bytes, and every other value as JSON, by path */
function flatten(x: unknown, path = 'snapshot', out = new Map<string, string>()): Map<string, string> {
  if (ArrayBuffer.isView(x)) out.set(path, Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex'));
  else if (x !== null && typeof x === 'object' && !Array.isArray(x))
    for (const [k, v] of Object.entries(x)) flatten(v, `${path}.${k}`, out);
  else out.set(path, JSON.stringify(x));
  return out;
}

describe('entity index built on a worker thread', function () {
  this.timeout(60_000);

  it('is byte for byte the index createEntityIndex builds here, whatever the chunking', async () => {
    const here = flatten(createEntityIndex(parties).snapshot());
    for (const options of [{}, { chunk: 7, inFlight: 1 }, { chunk: 1000, inFlight: 3 }]) {
      const there = await buildEntityIndexInThread(parties, options);
      assert.deepEqual(flatten(there.snapshot() as EntityIndexSnapshot), here, JSON.stringify(options));
      assert.equal(there.entityId(0), parties[0]!.id);
      assert.deepEqual(
        there.lookupKey(there.entityKeys(0)[0] ?? 'none'),
        there.entityKeys(0).length ? [0] : [],
      );
    }
  });

  it('reads a graph without building a Party each, to the same index', async () => {
    const builder = createGraphBuilder();
    const statement = (record: Party): AnyStatement => ({
      statementId: `s-${record.id}`,
      recordId: record.id,
      recordStatus: 'new',
      recordType: 'party',
      statementDate: '2025-01-15',
      record,
    });
    for (const p of parties) builder.add(statement(p));
    const graph = builder.build('2026-01-01');
    const here = flatten(createEntityIndex(graph.describedEntities()).snapshot());
    assert.ok(here.size > 0);
    for (const chunk of [1, 13, 4096]) {
      const there = await buildEntityIndexInThread(graph, { chunk, inFlight: 2 });
      assert.deepEqual(flatten(there.snapshot()), here, `chunk ${chunk}`);
    }
    // and the visit sees exactly the described entities, from any position
    const seen: string[] = [];
    for (let at = 0; at >= 0;) at = graph.visitDescribedEntities(at, 5, (f) => seen.push(f.id));
    assert.deepEqual(
      seen,
      [...graph.describedEntities()].map((p) => p.id),
    );
  });

  it('queues `ahead` chunks before saying so once, then builds the same index', async () => {
    const here = flatten(createEntityIndex(parties).snapshot());
    for (const ahead of [5, 10_000]) {
      let calls = 0;
      let readWhenQueued = -1;
      let read = 0;
      function* counted(): Generator<Party> {
        for (const p of parties) {
          read++;
          yield p;
        }
      }
      const built = buildEntityIndexInThread(counted(), {
        chunk: 7,
        inFlight: 1,
        ahead,
        onQueued: () => {
          calls++;
          readWhenQueued = read;
        },
      });
      assert.deepEqual(flatten((await built).snapshot()), here);
      assert.equal(calls, 1, `ahead ${ahead}`);
      // with 5 ahead the caller is told after 5 chunks of 7 were read, not at the end
      if (ahead === 5) assert.ok(readWhenQueued >= 35 && readWhenQueued < parties.length, String(readWhenQueued));
      else assert.equal(readWhenQueued, parties.length);
    }
  });

  it('stops when its signal aborts, with the signal\'s reason', async () => {
    const before = new AbortController();
    before.abort(new Error('stopped before'));
    await assert.rejects(buildEntityIndexInThread(parties, { signal: before.signal }), /stopped before/);
    const during = new AbortController();
    function* slow(): Generator<Party> {
      for (const [i, p] of parties.entries()) {
        if (i === 100) during.abort(new Error('stopped during'));
        yield p;
      }
    }
    await assert.rejects(buildEntityIndexInThread(slow(), { chunk: 10, signal: during.signal }), /stopped during/);
  });

  it('an empty input gives an empty index', async () => {
    const idx = await buildEntityIndexInThread([]);
    assert.equal(idx.entityCount, 0);
    assert.equal(idx.nameCount, 0);
  });

  it('a failing input rejects with its own error and stops the thread', async () => {
    function* failing(): Generator<Party> {
      yield* parties.slice(0, 50);
      throw new Error('the ownership file went away');
    }
    await assert.rejects(buildEntityIndexInThread(failing(), { chunk: 10 }), /the ownership file went away/);
  });

  it('a party the builder cannot index rejects, naming the failure, instead of hanging', async () => {
    const bad = { id: 'x-1', kind: 'entity', name: 42 } as unknown as Party;
    assert.throws(() => createEntityIndex([bad]));
    await assert.rejects(
      buildEntityIndexInThread([...parties.slice(0, 20), bad]),
      /building the entity index failed/,
    );
  });
});

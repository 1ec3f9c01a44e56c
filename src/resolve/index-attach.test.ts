import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { createEntity } from '../model/factories.ts';
import { withinEdits } from './edit-distance.ts';
import {
  attachEntityIndex,
  createEntityIndex,
  type EntityIndex,
  type EntityIndexSnapshot,
} from './entity-index.ts';
import { crowdCase, registry } from './match-fixtures.ts';
import { nameForms } from './names.ts';

const crowd = crowdCase(7, 600, 0);
const index = createEntityIndex([...registry, ...crowd.registry]);

/** the snapshot as another thread receives it */
async function posted(snapshot: EntityIndexSnapshot): Promise<EntityIndexSnapshot> {
  const { port1, port2 } = new MessageChannel();
  try {
    return await new Promise<EntityIndexSnapshot>((resolve) => {
      port2.once('message', resolve);
      port1.postMessage(snapshot);
    });
  } finally {
    port1.close();
  }
}

function typedArrays(x: unknown, path = 'snapshot'): Array<[string, ArrayBufferView]> {
  if (ArrayBuffer.isView(x)) return [[path, x]];
  if (x === null || typeof x !== 'object') return [];
  return Object.entries(x).flatMap(([k, v]) => typedArrays(v, `${path}.${k}`));
}

/** the half-word map similarTokens replaced, as the reference for what it must find */
function halfWordMap(idx: EntityIndex): (q: string) => number[] {
  const halves = new Map<string, number[]>();
  for (let t = 0; t < idx.arrays.idf.length; t++) {
    const w = idx.token(t);
    if (w.length < 5 || !/^[a-z0-9]+$/.test(w)) continue;
    const h = w.length >> 1;
    for (const key of [`${w.length}<${w.slice(0, h)}`, `${w.length}>${w.slice(h)}`])
      halves.set(key, [...(halves.get(key) ?? []), t]);
  }
  return (q) => {
    const out: number[] = [];
    const limit = q.length >= 9 ? 2 : 1;
    for (let len = q.length - limit; len <= q.length + limit; len++) {
      if (len < 5) continue;
      const h = len >> 1;
      for (const key of [`${len}<${q.slice(0, h)}`, `${len}>${q.slice(q.length - (len - h))}`])
        for (const tid of halves.get(key) ?? [])
          if (!out.includes(tid) && withinEdits(q, idx.token(tid), limit)) out.push(tid);
    }
    return out.sort((a, b) => a - b);
  };
}

describe('entity index snapshot', () => {
  it('holds every typed array in shared memory, so a worker thread reads it without a copy', () => {
    const arrays = typedArrays(index.snapshot());
    assert.ok(arrays.length >= 20);
    for (const [path, a] of arrays) assert.ok(a.buffer instanceof SharedArrayBuffer, `${path} is not shared`);
  });

  it('posted to another thread and attached, gives the same lookups as the index it came from', async () => {
    const copy = attachEntityIndex(await posted(index.snapshot()));
    for (const [path, a] of typedArrays(copy.snapshot()))
      assert.ok(a.buffer instanceof SharedArrayBuffer, `${path} arrived as a copy`);
    assert.equal(copy.entityCount, index.entityCount);
    assert.equal(copy.nameCount, index.nameCount);
    assert.equal(copy.refusedIdentifiers, index.refusedIdentifiers);
    for (let e = 0; e < index.entityCount; e++) {
      assert.equal(copy.entityId(e), index.entityId(e));
      assert.deepEqual(copy.countrySet(index.arrays.entCountrySet[e]!), index.entityCountries(e));
      assert.equal(copy.entityName(e), index.entityName(e));
      assert.deepEqual(copy.entityKeys(e), index.entityKeys(e));
      assert.deepEqual(copy.entityCountries(e), index.entityCountries(e));
      assert.deepEqual(copy.entityNameRange(e), index.entityNameRange(e));
      for (const key of index.entityKeys(e)) {
        assert.ok(index.lookupKey(key).includes(e), key);
        assert.deepEqual(copy.lookupKey(key), index.lookupKey(key));
      }
    }
    for (let n = 0; n < index.nameCount; n++) {
      assert.deepEqual(copy.nameTokens(n), index.nameTokens(n));
      assert.equal(copy.nameScript(n), index.nameScript(n));
      assert.equal(copy.nameTransliterated(n), index.nameTransliterated(n));
      assert.equal(copy.nameEntity(n), index.nameEntity(n));
      assert.ok(index.compactPostings(index.nameCompact(n)).includes(index.arrays.nameStart[n]!));
      assert.deepEqual(
        copy.compactPostings(index.nameCompact(n)),
        index.compactPostings(index.nameCompact(n)),
      );
    }
    for (let t = 0; t < index.arrays.idf.length; t++) {
      const token = index.token(t);
      assert.equal(copy.token(t), token);
      assert.equal(index.tokenId(token), t, token);
      assert.equal(copy.tokenId(token), t, token);
      assert.equal(copy.isStopToken(t), index.isStopToken(t));
      assert.equal(copy.weight(t), index.weight(t));
      assert.equal(copy.df(t), index.df(t));
      assert.deepEqual(copy.similarTokens(token), index.similarTokens(token));
    }
    for (const country of [undefined, 'CN', 'GB', 'SG', 'RU', 'ZZ'])
      assert.deepEqual(copy.countryFit(country), index.countryFit(country));
    for (const absent of ['zzzzzz', '', 'ромашкаа', '海格通信集团', 'lei:none'])
      assert.equal(copy.tokenId(absent), index.tokenId(absent));
    assert.deepEqual(copy.lookupKey('lei:none'), []);
  });

  it('knows every token of every name, in any script, and no other', () => {
    for (const n of [
      'Guangzhou Haige Communications',
      '广州海格通信集团',
      'ООО «Ромашка»',
      'ＢＹＴＥＤＡＮＣＥ',
    ])
      for (const form of nameForms(n))
        for (const t of form.tokens) {
          const tid = index.tokenId(t);
          if (tid >= 0) assert.equal(index.token(tid), t);
        }
    assert.equal(index.tokenId('ромашка') >= 0, true);
    assert.equal(index.tokenId('ромашкa'), -1); // a Latin "a" at the end
    assert.equal(index.tokenId('haige') >= 0, true);
    assert.equal(index.tokenId('haig'), -1);
  });

  it('similarTokens finds exactly what a map of half-words finds (one or two edits, unknown words)', () => {
    const reference = halfWordMap(index);
    const words: string[] = [];
    for (let t = 0; t < index.arrays.idf.length; t++)
      if (/^[a-z0-9]{5,}$/.test(index.token(t))) words.push(index.token(t));
    assert.ok(words.length > 50);
    const edit = fc
      .tuple(
        fc.constantFrom(...words),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('a', 'x', 'k', ''), fc.boolean()), { maxLength: 3 }),
      )
      .map(([w, edits]) => {
        let out = w;
        for (const [at, ch, insert] of edits) {
          const i = at % (out.length + 1);
          out = out.slice(0, i) + ch + out.slice(insert ? i : i + 1);
        }
        return out;
      });
    fc.assert(
      fc.property(edit, (q) => {
        assert.deepEqual(index.similarTokens(q), reference(q), q);
      }),
      { numRuns: 2000, seed: 4 },
    );
  });

  it('compareEntityIds orders entities as their ids order, ASCII ids or not', () => {
    const other = createEntityIndex(
      ['b-2', 'é-1', 'a-10', 'B-1', 'a-9', '\u{1F600}', '\uFFFD', 'a'].map((id) => createEntity({ id })),
    );
    for (const idx of [index, other]) {
      const n = Math.min(idx.entityCount, 60);
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          const [x, y] = [idx.entityId(a), idx.entityId(b)];
          assert.equal(Math.sign(idx.compareEntityIds(a, b)), x < y ? -1 : x > y ? 1 : 0, `${x} ${y}`);
        }
    }
  });

  it('refuses a snapshot of another format', () => {
    const bad = {
      ...index.snapshot(),
      format: 'channelguard-entity-index/0',
    } as unknown as EntityIndexSnapshot;
    assert.throws(() => attachEntityIndex(bad), /not an entity index snapshot of this version/);
  });
});

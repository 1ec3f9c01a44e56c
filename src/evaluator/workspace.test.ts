// The workspace: one evaluation at a time holds it; what it hands out again comes back zeroed;
// evaluations that reuse it (or run inside another's callback) decide exactly as fresh ones.
import assert from 'node:assert/strict';
import { partyStatement, relationshipStatement } from '../model/factories.ts';
import { createGraphBuilder } from './builder.ts';
import { analyse, evaluate, evaluateEach } from './evaluate.ts';
import type { CompactGraph } from './graph.ts';
import { AS_OF, company, policy, rel } from './test-graph.ts';
import { FRESH, Workspace } from './workspace.ts';

describe('workspace (buffers kept for the next evaluation)', () => {
  it('is held by one evaluation at a time and hands buffers back zeroed', () => {
    const w = new Workspace();
    const first = w.take();
    assert.equal(first, w);
    assert.equal(w.take(), FRESH);
    const a = first.int32('a', 8);
    a.fill(7);
    w.release(FRESH); // not the holder's: changes nothing
    assert.equal(w.take(), FRESH);
    w.release(first);
    const again = w.take();
    assert.equal(again, w);
    const b = again.int32('a', 6);
    assert.equal(b.buffer, a.buffer);
    assert.deepEqual([...b], [0, 0, 0, 0, 0, 0]);
    a.fill(7);
    assert.equal(again.int32('a', 8, false)[7], 7); // not cleared when asked not to
    assert.equal(again.int32('a', 9).length, 9); // too small: a new one
  });

  it('makes reserved buffers in one allocation, handed out again zeroed', () => {
    const w = new Workspace();
    w.reserve([
      ['a', 12],
      ['b', 5],
      ['c', 6],
    ]);
    const a = w.int32('a', 3);
    const b = w.uint8('b', 5);
    const c = w.uint16('c', 3);
    assert.equal(a.buffer, b.buffer);
    assert.equal(a.buffer, c.buffer);
    a.fill(-1);
    b.fill(255);
    c.fill(9);
    assert.deepEqual([...a, ...b, ...c], [-1, -1, -1, 255, 255, 255, 255, 255, 9, 9, 9]); // no overlap
    assert.deepEqual([...w.int32('a', 2)], [0, 0]);
    assert.deepEqual([...w.uint16('c', 3, false)], [9, 9, 9]);
    w.reserve([['a', 8]]); // fits: the same allocation
    assert.equal(w.int32('a', 2).buffer, a.buffer);
    assert.notEqual(w.int32('a', 4).buffer, a.buffer); // larger than reserved: made apart
    w.reserve([['a', 64]]); // does not fit: a new allocation
    const again = w.int32('a', 16);
    assert.notEqual(again.buffer, a.buffer);
    assert.deepEqual([...again], new Array(16).fill(0));
  });

  it('decides the same on every evaluation of a graph, and inside a decision callback', () => {
    const b = createGraphBuilder();
    const parties = [
      company('CN1', 'CN'),
      company('A', 'US'),
      company('B', 'US'),
      company('C', 'SG'),
      company('D', 'US'),
    ];
    const rels = [
      rel('CN1', 'A', 60),
      rel('A', 'B', 30),
      rel('B', 'A', 20),
      rel('CN1', 'B', 25),
      rel('B', 'C', { type: 'appointmentOfBoard' }),
      rel('C', 'D', 51),
    ];
    for (const p of parties)
      b.add(partyStatement(p, { statementId: `s-${p.id}`, statementDate: '2025-01-15' }));
    for (const r of rels)
      b.add(relationshipStatement(r, { statementId: `s-${r.id}`, statementDate: '2025-01-15' }));
    const g = b.build(AS_OF) as CompactGraph;
    const strict = policy({ threshold: { percent: 25, inclusive: true }, unaccountedShares: 'unknown' });
    const first = JSON.stringify(evaluate(g, policy()));
    const other = JSON.stringify(evaluate(g, strict));
    assert.notEqual(first, other);
    assert.equal(JSON.stringify(analyse(g, strict)), JSON.stringify(analyse(g, strict)));
    assert.equal(JSON.stringify(evaluate(g, policy())), first);
    const inner: string[] = [];
    const outer: unknown[] = [];
    evaluateEach(g, policy(), (d) => {
      outer.push(d);
      inner.push(JSON.stringify(evaluate(g, strict)));
    });
    assert.equal(JSON.stringify(outer), first);
    for (const x of inner) assert.equal(x, other);
    assert.equal(JSON.stringify(evaluate(g, strict)), other);
  });
});

// The benchmark's graph generators, run at a tiny scale so they cannot rot unnoticed.
import assert from 'node:assert/strict';
import { groupsLike, gleifLike, vitaliLike, type Generated, type Sink } from '../scripts/bench/graph-gen.ts';
import { analyse } from '../src/evaluator/evaluate.ts';
import { createGraphBuilder, evaluate } from '../src/evaluator/index.ts';
import { loadPolicy } from '../src/policy/load.ts';

describe('bench graph generators (tiny scale)', () => {
  const policy = loadPolicy();
  const table: Array<[string, (sink: Sink, scale: number) => Generated, number]> = [
    ['gleif', gleifLike, 1],
    ['vitali', vitaliLike, 20],
    ['groups', groupsLike, 1],
  ];
  for (const [name, gen, minCore] of table)
    it(`${name}: builds, evaluates every entity, and is the same graph every time`, () => {
      const b = createGraphBuilder();
      const info = gen((s) => b.add(s), 0.0001);
      const g = b.build('2025-10-01');
      assert.ok(g.partyCount >= info.parties && info.relationships > 0);
      const decisions = evaluate(g, policy);
      assert.equal(decisions.length, g.entityIds().length);
      assert.ok(
        decisions.some((d) => d.decision === 'restricted'),
        'some restricted',
      );
      assert.ok(
        decisions.some((d) => d.decision === 'allowed'),
        'some allowed',
      );
      assert.ok(analyse(g, policy).largestComponent >= minCore, 'the strongly connected core');
      const again = createGraphBuilder();
      gen((s) => again.add(s), 0.0001);
      assert.equal(JSON.stringify(evaluate(again.build('2025-10-01'), policy)), JSON.stringify(decisions));
      for (const id of info.sampleIds.slice(0, 3)) assert.equal(evaluate(g, policy, { ids: [id] }).length, 1);
    });
});

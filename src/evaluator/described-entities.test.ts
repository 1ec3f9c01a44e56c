import { strict as assert } from 'node:assert';
import { createPerson, partyStatement, relationshipStatement } from '../model/factories.ts';
import { createGraphBuilder } from './builder.ts';
import { AS_OF, company, rel } from './test-graph.ts';

describe('OwnershipGraph.describedEntities', () => {
  it('yields what entityIds() + party(id) give: described non-persons in id order', () => {
    const b = createGraphBuilder();
    for (const p of [company('Z', 'US'), company('A', 'CN', { name: 'Alpha' }), company('M', 'SG')])
      b.add(partyStatement(p, { statementId: `s-${p.id}`, statementDate: '2025-01-15' }));
    b.add(partyStatement(createPerson({ id: 'P', nationality: ['CN'] }), { statementId: 's-P' }));
    // 'U' is named by a relationship only: it gets a decision but has no description
    for (const r of [rel('A', 'M', 60), rel('U', 'Z', 30), rel('P', 'A', 10)])
      b.add(relationshipStatement(r, { statementId: `s-${r.id}`, statementDate: '2025-01-15' }));
    const g = b.build(AS_OF);
    const expected = g.entityIds().flatMap((id) => {
      const p = g.party(id);
      return p ? [p] : [];
    });
    assert.deepEqual([...g.describedEntities()], expected);
    assert.deepEqual(
      [...g.describedEntities()].map((p) => p.id),
      ['A', 'M', 'Z'],
    );
  });
});

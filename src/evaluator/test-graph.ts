// Test-only helpers: a graph in a few lines (factories), evaluated under a policy with overrides.
import type { Interest, Party, Relationship, UnspecifiedParty } from '../model/types.ts';
import { createEntity, partyStatement, relationshipStatement } from '../model/factories.ts';
import { policyFromDocument } from '../policy/load.ts';
import type { LoadedPolicy } from '../policy/schema.ts';
import { createGraphBuilder } from './builder.ts';
import { evaluate } from './evaluate.ts';
import type { Decision } from './types.ts';

export const AS_OF = '2025-10-01';

/** An entity headquartered and incorporated in `country`. */
export const company = (id: string, country: string, more: Partial<Party> = {}): Party =>
  createEntity({ id, headquarters: [country], incorporation: [country], ...more });

let relCounter = 0;
/** holder -> subject: a number is an exact shareholding; an Interest or a list as given. */
export function rel(
  holder: string | UnspecifiedParty,
  subject: string,
  interest: number | Interest | Interest[] = {},
  id?: string,
): Relationship {
  const interests = Array.isArray(interest)
    ? interest
    : typeof interest === 'number'
      ? [{ type: 'shareholding', share: { exact: interest } }]
      : [{ type: 'shareholding', ...interest }];
  const name = typeof holder === 'string' ? holder : holder.reason;
  return { id: id ?? `rel-${name}-${subject}-${++relCounter}`, subject, interestedParty: holder, interests };
}

export function policy(overrides: Record<string, unknown> = {}): LoadedPolicy {
  return policyFromDocument({ id: 'test', version: '1', ...overrides }, 'test policy');
}

export function run(
  parties: Party[],
  rels: Relationship[],
  overrides: Record<string, unknown> = {},
  asOf = AS_OF,
): Map<string, Decision> {
  const b = createGraphBuilder();
  for (const p of parties)
    b.add(partyStatement(p, { statementId: `s-${p.id}`, statementDate: '2025-01-15' }));
  for (const r of rels)
    b.add(relationshipStatement(r, { statementId: `s-${r.id}`, statementDate: '2025-01-15' }));
  return new Map(evaluate(b.build(asOf), policy(overrides)).map((d) => [d.id, d]));
}

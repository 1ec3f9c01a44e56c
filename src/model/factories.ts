// Factories with defaults, so a test graph is a few lines.
import type {
  Interest,
  Party,
  PartyStatement,
  Relationship,
  RelationshipStatement,
  UnspecifiedParty,
} from './types.ts';

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

export function createEntity(fields: Partial<Party> & { id: string }): Party {
  return { kind: 'entity', name: fields.id, ...fields };
}

export function createPerson(fields: Partial<Party> & { id: string }): Party {
  return { kind: 'person', name: fields.id, ...fields };
}

/** holder -> subject with one interest (default: a shareholding of `exact` percent). */
export function createRelationship(
  holder: string | UnspecifiedParty,
  subject: string,
  interest: Interest | number | Interest[] = {},
  id?: string,
): Relationship {
  const interests: Interest[] = Array.isArray(interest)
    ? interest
    : typeof interest === 'number'
      ? [{ type: 'shareholding', share: { exact: interest } }]
      : [{ type: 'shareholding', ...interest }];
  const holderId = typeof holder === 'string' ? holder : holder.reason;
  return { id: id ?? `rel-${holderId}-${subject}-${++counter}`, subject, interestedParty: holder, interests };
}

export function partyStatement(
  party: Party,
  fields: Partial<Omit<PartyStatement, 'record' | 'recordType'>> = {},
): PartyStatement {
  return {
    statementId: fields.statementId ?? nextId('st'),
    recordId: party.id,
    recordStatus: 'new',
    ...fields,
    recordType: 'party',
    record: party,
  };
}

export function relationshipStatement(
  rel: Relationship,
  fields: Partial<Omit<RelationshipStatement, 'record' | 'recordType'>> = {},
): RelationshipStatement {
  return {
    statementId: fields.statementId ?? nextId('st'),
    recordId: rel.id,
    recordStatus: 'new',
    ...fields,
    recordType: 'relationship',
    record: rel,
  };
}

// BODS 0.4 statement -> model statement. Pure: no I/O. Schema validation happens first
// (bods-validate.ts); this file only converts, and refuses what it cannot convert.
import type {
  AnyStatement,
  Identifier,
  IngestItem,
  Interest,
  Party,
  PartyKind,
  RecordStatus,
  Relationship,
  ShareInput,
  SourceRef,
  UnspecifiedParty,
} from '../model/types.ts';
import { validateBodsStatement } from './bods-validate.ts';
import { issueItem } from './issues.ts';

type Json = Record<string, unknown>;

const ENTITY_KINDS: Record<string, PartyKind> = {
  registeredEntity: 'entity',
  legalEntity: 'entity',
  arrangement: 'entity',
  state: 'state',
  stateBody: 'stateBody',
  unknownEntity: 'unknownEntity',
  anonymousEntity: 'anonymousEntity',
};

const PERSON_KINDS: Record<string, PartyKind> = {
  knownPerson: 'person',
  unknownPerson: 'unknownPerson',
  anonymousPerson: 'anonymousPerson',
};

const RECORD_STATUSES: readonly string[] = ['new', 'updated', 'closed'];
const SHARE_KEYS = ['exact', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;

/** A refusal while converting: names the statement and the field. */
class MapFailure extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Country and subdivision codes are compared upper case ("cn" and "CN" are the same country). */
function code(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const c = str(v['code']);
  return c === undefined ? undefined : c.trim().toUpperCase();
}

function unique(values: Array<string | undefined>): string[] | undefined {
  const out = [...new Set(values.filter((v): v is string => v !== undefined))];
  return out.length > 0 ? out : undefined;
}

function addressCountries(details: Json, type: string): string[] | undefined {
  return unique(
    asArray(details['addresses'])
      .filter((a) => isObject(a) && a['type'] === type)
      .map((a) => code((a as Json)['country'])),
  );
}

function identifiers(details: Json): Identifier[] | undefined {
  const out: Identifier[] = [];
  for (const raw of asArray(details['identifiers'])) {
    if (!isObject(raw)) continue;
    const id = str(raw['id']);
    // An identifier without an id (only a scheme or a uri) identifies nothing we can match on.
    if (id === undefined) continue;
    const scheme = str(raw['scheme']);
    const schemeName = str(raw['schemeName']);
    out.push({ id, ...(scheme !== undefined ? { scheme } : {}), ...(schemeName ? { schemeName } : {}) });
  }
  return out.length > 0 ? out : undefined;
}

/** Builds an object keeping only the defined values (exactOptionalPropertyTypes). */
function compact<T extends object>(fields: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as T;
}

function entityParty(recordId: string, d: Json): Party {
  const entityType = isObject(d['entityType']) ? d['entityType']['type'] : undefined;
  const kind = typeof entityType === 'string' ? ENTITY_KINDS[entityType] : undefined;
  if (kind === undefined) throw new MapFailure('recordDetails.entityType.type', 'unknown entity type');
  const listing = d['publicListing'];
  const listed = isObject(listing) ? listing['hasPublicListing'] : undefined;
  const incorporation = code(d['jurisdiction']);
  return compact<Party>({
    id: recordId,
    kind,
    name: str(d['name']),
    alternateNames: unique(asArray(d['alternateNames']).map(str)),
    identifiers: identifiers(d),
    headquarters: addressCountries(d, 'business'),
    incorporation: incorporation !== undefined ? [incorporation] : undefined,
    listed: typeof listed === 'boolean' ? listed : undefined,
    status: str(d['dissolutionDate']) !== undefined ? 'dissolved' : undefined,
  });
}

function personParty(recordId: string, d: Json): Party {
  const personType = d['personType'];
  const kind = typeof personType === 'string' ? PERSON_KINDS[personType] : undefined;
  if (kind === undefined) throw new MapFailure('recordDetails.personType', 'unknown person type');
  const names = asArray(d['names']).filter(isObject);
  // The legal name is the name; without one, the first name given.
  const primary = names.find((n) => n['type'] === 'legal') ?? names[0];
  const name = primary !== undefined ? str(primary['fullName']) : undefined;
  return compact<Party>({
    id: recordId,
    kind,
    name,
    alternateNames: unique(names.filter((n) => n !== primary).map((n) => str(n['fullName']))),
    identifiers: identifiers(d),
    residence: addressCountries(d, 'residence'),
    nationality: unique(asArray(d['nationalities']).map(code)),
    taxResidency: unique(asArray(d['taxResidencies']).map(code)),
  });
}

function share(raw: unknown, field: string): ShareInput | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) throw new MapFailure(field, 'share must be an object');
  // Values are kept as stated: the evaluator turns a bad one into [0, 100] and flags the subject.
  const out: ShareInput = {};
  for (const k of SHARE_KEYS) if (k in raw) out[k] = raw[k];
  return out;
}

function interest(raw: unknown, field: string): Interest {
  if (!isObject(raw)) throw new MapFailure(field, 'interest must be an object');
  const doi = raw['directOrIndirect'];
  return compact<Interest>({
    type: str(raw['type']),
    share: share(raw['share'], `${field}.share`),
    directOrIndirect: doi === 'direct' || doi === 'indirect' || doi === 'unknown' ? doi : undefined,
    beneficialOwnershipOrControl:
      typeof raw['beneficialOwnershipOrControl'] === 'boolean'
        ? raw['beneficialOwnershipOrControl']
        : undefined,
    startDate: str(raw['startDate']),
    endDate: str(raw['endDate']),
    details: str(raw['details']),
  });
}

function unspecified(raw: Json, field: string): UnspecifiedParty {
  const reason = str(raw['reason']);
  if (reason === undefined) throw new MapFailure(`${field}.reason`, 'an unspecified party needs a reason');
  const description = str(raw['description']);
  return description !== undefined ? { reason, description } : { reason };
}

function relationship(recordId: string, d: Json): Relationship | undefined {
  const subject = d['subject'];
  // An unspecified subject is nobody we decide about, and what an interested party holds says
  // nothing about its own owners: such a relationship cannot change any decision.
  if (isObject(subject)) return undefined;
  if (str(subject) === undefined) throw new MapFailure('recordDetails.subject', 'missing subject');
  const ip = d['interestedParty'];
  let interestedParty: string | UnspecifiedParty;
  if (isObject(ip)) interestedParty = unspecified(ip, 'recordDetails.interestedParty');
  else if (str(ip) !== undefined) interestedParty = ip as string;
  else throw new MapFailure('recordDetails.interestedParty', 'missing interested party');
  if (d['interests'] !== undefined && !Array.isArray(d['interests']))
    throw new MapFailure('recordDetails.interests', 'interests must be an array');
  const interests = asArray(d['interests']).map((x, i) => interest(x, `recordDetails.interests[${i}]`));
  return { id: recordId, subject: subject as string, interestedParty, interests };
}

function header(raw: Json): { statementId: string; recordId: string; recordStatus: RecordStatus } {
  const statementId = str(raw['statementId']);
  if (statementId === undefined) throw new MapFailure('statementId', 'missing statementId');
  const recordId = str(raw['recordId']);
  if (recordId === undefined) throw new MapFailure('recordId', 'missing recordId');
  const status = raw['recordStatus'] ?? 'new';
  if (typeof status !== 'string' || !RECORD_STATUSES.includes(status))
    throw new MapFailure('recordStatus', `recordStatus must be one of ${RECORD_STATUSES.join(', ')}`);
  return { statementId, recordId, recordStatus: status as RecordStatus };
}

function convert(raw: Json, source: SourceRef): AnyStatement | undefined {
  const { statementId, recordId, recordStatus } = header(raw);
  const details = raw['recordDetails'];
  if (!isObject(details)) throw new MapFailure('recordDetails', 'recordDetails must be an object');
  const statementDate = str(raw['statementDate']);
  const base = {
    statementId,
    ...(statementDate !== undefined ? { statementDate } : {}),
    recordId,
    recordStatus,
    source,
  };
  switch (raw['recordType']) {
    case 'entity':
      return { ...base, recordType: 'party', record: entityParty(recordId, details) };
    case 'person':
      return { ...base, recordType: 'party', record: personParty(recordId, details) };
    case 'relationship': {
      const record = relationship(recordId, details);
      return record === undefined ? undefined : { ...base, recordType: 'relationship', record };
    }
    default:
      throw new MapFailure('recordType', 'recordType must be entity, person or relationship');
  }
}

function statementName(raw: unknown): string | undefined {
  return isObject(raw) ? (str(raw['statementId']) ?? str(raw['recordId'])) : undefined;
}

/** The decision a statement bears on: a party's own id, or a relationship's subject. */
function affected(raw: unknown): string[] | undefined {
  if (!isObject(raw)) return undefined;
  const details = raw['recordDetails'];
  const id =
    raw['recordType'] === 'relationship'
      ? isObject(details)
        ? str(details['subject'])
        : undefined
      : str(raw['recordId']);
  return id !== undefined ? [id] : undefined;
}

/**
 * Converts one BODS 0.4 statement: a model statement, or an issue (IngestIssue) naming the
 * statement and the field when it breaks the 0.4 schema or cannot be converted. Share values stay
 * as stated (with a warning when the schema would refuse them: the evaluator flags them).
 */
export function mapBodsStatement(raw: unknown, source: SourceRef): IngestItem[] {
  const record = statementName(raw);
  const affects = affected(raw);
  const refuse = (field: string | undefined, reason: string): IngestItem[] => [
    issueItem(source, `BODS statement refused: ${reason}`, {
      record,
      field,
      ...(affects ? { affects } : {}),
    }),
  ];
  if (!isObject(raw)) return refuse(undefined, 'a statement must be a JSON object');
  const { refusal, shareWarnings } = validateBodsStatement(raw);
  if (refusal !== undefined) return refuse(refusal.field, refusal.reason);
  try {
    const statement = convert(raw, source);
    if (statement === undefined) return [];
    const warnings = shareWarnings.map((w) =>
      issueItem(source, `share read as stated, counted as [0, 100] and flagged invalid-share: ${w.reason}`, {
        record,
        field: w.field,
        ...(affects ? { affects } : {}),
        severity: 'warning',
      }),
    );
    return [{ kind: 'statement', statement }, ...warnings];
  } catch (err) {
    if (err instanceof MapFailure) return refuse(err.field, err.reason);
    throw err;
  }
}

// The ownership model: plain data, no I/O. BODS 0.4 is the reference; GLEIF and the project's
// CSV are read into the same shapes (see src/ingest/).

/** Where a statement came from: the file and line it was read at, for error messages and evidence. */
export interface SourceRef {
  file: string;
  line?: number;
}

/** ISO 3166-1 alpha-2 ("CN") or ISO 3166-2 ("UA-43") code, upper case. */
export type RegionCode = string;

export type PartyKind =
  /** a described legal entity: BODS registeredEntity / legalEntity / arrangement, a GLEIF LEI */
  | 'entity'
  | 'state'
  | 'stateBody'
  | 'unknownEntity'
  | 'anonymousEntity'
  | 'person'
  | 'unknownPerson'
  | 'anonymousPerson';

export interface Identifier {
  /** e.g. "XI-LEI", "CN-USCC", "GB-COH", or a free scheme name */
  scheme?: string;
  schemeName?: string;
  id: string;
}

export interface Party {
  /** BODS recordId, or an LEI for GLEIF */
  id: string;
  kind: PartyKind;
  name?: string;
  alternateNames?: string[];
  identifiers?: Identifier[];
  /** entities: countries of addresses of type `business` (headquarters); GLEIF HeadquartersAddress */
  headquarters?: RegionCode[];
  /** entities, states, state bodies: `jurisdiction.code`; GLEIF LegalJurisdiction */
  incorporation?: RegionCode[];
  /** persons */
  residence?: RegionCode[];
  nationality?: RegionCode[];
  taxResidency?: RegionCode[];
  /** publicListing.hasPublicListing */
  listed?: boolean;
  /** GLEIF entity status / registration status when known, for display */
  status?: string;
}

/** BODS share object, as stated (not yet validated: values may be anything). */
export interface ShareInput {
  exact?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  exclusiveMinimum?: unknown;
  exclusiveMaximum?: unknown;
}

export interface Interest {
  /** BODS interest type codelist value, or the GLEIF-derived `consolidation`, `branch`, `fundManagement`; absent = no type */
  type?: string;
  share?: ShareInput;
  directOrIndirect?: 'direct' | 'indirect' | 'unknown';
  beneficialOwnershipOrControl?: boolean;
  /** YYYY-MM-DD or date-time */
  startDate?: string;
  endDate?: string;
  details?: string;
}

/** An interested party BODS leaves unspecified: `{reason, description}`. */
export interface UnspecifiedParty {
  reason: string;
  description?: string;
}

export interface Relationship {
  id: string;
  subject: string;
  interestedParty: string | UnspecifiedParty;
  interests: Interest[];
}

export type RecordStatus = 'new' | 'updated' | 'closed';

/** One statement about one record, as of a date. */
export interface Statement<R = Party | Relationship> {
  statementId: string;
  /** YYYY-MM-DD or date-time; absent = always in force */
  statementDate?: string;
  recordId: string;
  recordStatus: RecordStatus;
  recordType: 'party' | 'relationship';
  record: R;
  source?: SourceRef;
}

export type PartyStatement = Statement<Party> & { recordType: 'party' };
export type RelationshipStatement = Statement<Relationship> & { recordType: 'relationship' };
export type AnyStatement = PartyStatement | RelationshipStatement;

/** A problem with one record of a readable input; reported, and the rest is read. */
export interface RecordIssue {
  source: SourceRef;
  record?: string;
  field?: string;
  reason: string;
}

/** What a reader yields: statements, and issues for the records it could not read. */
export type IngestItem =
  { kind: 'statement'; statement: AnyStatement } | { kind: 'issue'; issue: RecordIssue };

export type Verdict = 'restricted' | 'review' | 'allowed';

/** Ranks verdicts so the worst can be taken. */
export const VERDICT_RANK: Record<Verdict, number> = { allowed: 0, review: 1, restricted: 2 };

export function worstVerdict(a: Verdict, b: Verdict): Verdict {
  return VERDICT_RANK[a] >= VERDICT_RANK[b] ? a : b;
}

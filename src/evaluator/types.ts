// The evaluator's public types (see /tmp/cg/evaluator-api.md): others code against exactly these.
import type { AnyStatement, Identifier, Interest, Party, PartyKind, Verdict } from '../model/types.ts';
import type { PolicyRef } from '../policy/schema.ts';

/** Collects statements (streaming; any order; duplicates across files count once by statementId)
 *  and builds the graph in force at an as-of date (control-rule Step 1). */
export interface GraphBuilder {
  add(statement: AnyStatement): void;
  build(asOf: string /* YYYY-MM-DD */): OwnershipGraph;
}

/** What visitDescribedEntities shows of a party (read-only, valid during the visit). */
export interface DescribedFields {
  id: string;
  kind: PartyKind;
  name: string | undefined;
  alternateNames: readonly string[] | undefined;
  identifiers: readonly Readonly<Identifier>[] | undefined;
  headquarters: readonly string[];
  incorporation: readonly string[];
}

export interface HolderView {
  relationshipId: string;
  statementId: string;
  holder: string | { reason: string };
  interests: Interest[];
}

export interface GraphNote {
  recordId: string;
  flag: string;
  detail: string;
}

/** Compact, read-only graph in force at one date. */
export interface OwnershipGraph {
  readonly asOf: string;
  readonly partyCount: number;
  readonly relationshipCount: number;
  /** ids of every party that gets a decision (every party that is not a natural person), sorted */
  entityIds(): string[];
  /** the party as described; undefined for a party the data names but does not describe */
  party(id: string): Party | undefined;
  /** every described party that gets a decision, in `entityIds()` order, without an id lookup each */
  describedEntities(): Iterable<Party>;
  /**
   * The same parties without building a Party each: from position `from` (0 to start), at most
   * `limit` of them, each visited with its fields as the graph holds them (a view valid during the
   * call only: never kept, never changed). Returns the position to continue from, -1 at the end.
   */
  visitDescribedEntities(from: number, limit: number, visit: (fields: DescribedFields) => void): number;
  /** in-force relationships whose subject is `id` (for explain / reports), with their in-force interests */
  holdersOf(id: string): HolderView[];
  /** holdersOf(id)'s statement ids alone, in the same order (no views built) */
  holderStatementIds(id: string): string[];
  /** statement-level problems found while building (conflicting-statements etc.) */
  readonly notes: ReadonlyArray<GraphNote>;
}

export interface ShareView {
  min: number;
  max: number;
  minOpen?: boolean;
  maxOpen?: boolean;
} // percent

export interface WitnessHop {
  /** party id (an unspecified party: "unspecified:<relationshipId>") */
  holder: string;
  subject: string;
  /** e.g. "shareholding", "appointmentOfBoard", "(none)" for untyped */
  interestType: string;
  /** the stake of this hop, percent */
  share: ShareView;
  /** relationship recordId */
  source: string;
  statementId: string;
}

export interface WitnessPath {
  /** the restricted (or unknown-origin) party at the top */
  root: string;
  /** e.g. "origin:headquarters:CN", "unknown-origin", "remainder" */
  rootReason: string;
  /** from the subject upwards: hops[0].subject === decision id */
  hops: WitnessHop[];
}

export interface Decision {
  id: string;
  name?: string;
  kind: PartyKind;
  decision: Verdict;
  reasons: string[];
  cascade: { verdict: Verdict; min: number; max: number };
  lookThrough: { verdict: Verdict; min: number; max: number };
  paths: WitnessPath[];
  flags: string[];
  policy: PolicyRef;
  asOf: string;
}

export interface EvaluateOptions {
  ids?: readonly string[];
}

export type { AnyStatement };

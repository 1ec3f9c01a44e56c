// The graph in force at one date: nodes sorted by id (a node's index is its rank, so everything
// downstream is deterministic whatever the input order) and in-force relationships grouped by
// subject (CSR). Read-only; the evaluator reads the columns directly.
import type { Interest, Party, ShareInput } from '../model/types.ts';
import {
  DOI_DIRECT,
  DOI_INDIRECT,
  KIND_UNDESCRIBED,
  KIND_UNSPECIFIED,
  META_EXTRA,
  META_HAS_SHARE,
  PARTY_KINDS,
  SH_EXACT,
  SH_EXMAX,
  SH_EXMIN,
  SH_MAX,
  SH_MIN,
  type StatementStore,
  isPersonKind,
} from './store.ts';
import type { SolveOrder } from './solve-order.ts';
import type { DescribedFields, GraphNote, HolderView, OwnershipGraph } from './types.ts';
import { UNITS_PER_PERCENT } from './units.ts';

export const REL_CONFLICT = 1;
/** the relationship links holder to subject for the stand-in path test (some direct interest) */
export const REL_LINK = 2;
/** stated with no interests at all: ownership of an unstated share */
export const REL_NO_INTERESTS = 4;
/** in force as a statement, but none of its interests is in force at the date */
export const REL_DORMANT = 8;

export interface GraphColumns {
  asOf: string;
  nodeIds: string[];
  /** the name of each described party (the statement in force) */
  nodeName: Array<string | undefined>;
  nodeKind: Uint8Array;
  /** party statement in force (described parties), relationship index (unspecified), else -1 */
  nodeStmt: Int32Array;
  nodeConflict: Uint8Array;
  relStmt: Int32Array;
  relSubject: Int32Array;
  /** node, or -1 for noBeneficialOwners / subjectExemptFromDisclosure */
  relHolder: Int32Array;
  relFlags: Uint8Array;
  relIntStart: Int32Array;
  relInts: Int32Array;
  /** the in-force interests' type, bounds (units), shape and meta bits, aligned with relInts */
  intType: Uint16Array;
  intLo: Int32Array;
  intHi: Int32Array;
  intShape: Uint8Array;
  intMeta: Uint8Array;
  /** origin profile and listing of described parties */
  nodeProfile: Int32Array;
  nodeListed: Uint8Array;
  subjStart: Int32Array;
  /** holders first, for solving the whole graph under any policy */
  solveOrder: SolveOrder;
  notes: GraphNote[];
}

export class CompactGraph implements OwnershipGraph {
  readonly asOf: string;
  readonly partyCount: number;
  readonly relationshipCount: number;
  /** relationships stated with no interests at all (REL_NO_INTERESTS) */
  readonly bareRelationships: number;
  readonly notes: ReadonlyArray<GraphNote>;
  readonly nodeIds: string[];
  readonly nodeName: Array<string | undefined>;
  readonly nodeKind: Uint8Array;
  readonly nodeStmt: Int32Array;
  readonly nodeConflict: Uint8Array;
  readonly relStmt: Int32Array;
  readonly relSubject: Int32Array;
  readonly relHolder: Int32Array;
  readonly relFlags: Uint8Array;
  readonly relIntStart: Int32Array;
  readonly relInts: Int32Array;
  readonly intType: Uint16Array;
  readonly intLo: Int32Array;
  readonly intHi: Int32Array;
  readonly intShape: Uint8Array;
  readonly intMeta: Uint8Array;
  readonly nodeProfile: Int32Array;
  readonly nodeListed: Uint8Array;
  readonly subjStart: Int32Array;
  readonly solveOrder: SolveOrder;

  constructor(
    readonly store: StatementStore,
    c: GraphColumns,
  ) {
    this.asOf = c.asOf;
    this.nodeIds = c.nodeIds;
    this.nodeName = c.nodeName;
    this.nodeKind = c.nodeKind;
    this.nodeStmt = c.nodeStmt;
    this.nodeConflict = c.nodeConflict;
    this.relStmt = c.relStmt;
    this.relSubject = c.relSubject;
    this.relHolder = c.relHolder;
    this.relFlags = c.relFlags;
    this.relIntStart = c.relIntStart;
    this.relInts = c.relInts;
    this.intType = c.intType;
    this.intLo = c.intLo;
    this.intHi = c.intHi;
    this.intShape = c.intShape;
    this.intMeta = c.intMeta;
    this.nodeProfile = c.nodeProfile;
    this.nodeListed = c.nodeListed;
    this.subjStart = c.subjStart;
    this.solveOrder = c.solveOrder;
    this.notes = c.notes;
    this.partyCount = c.nodeIds.length;
    let live = 0;
    let bare = 0;
    for (let r = 0; r < c.relFlags.length; r++) {
      if (!(c.relFlags[r]! & REL_DORMANT)) live++;
      if (c.relFlags[r]! & REL_NO_INTERESTS) bare++;
    }
    this.relationshipCount = live;
    this.bareRelationships = bare;
  }

  get nodeCount(): number {
    return this.nodeIds.length;
  }

  /** The node of `id` (binary search over the sorted ids), or -1. */
  nodeOf(id: string): number {
    const ids = this.nodeIds;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid]!;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Nodes that get a decision: every party but natural persons and unspecified parties. */
  isDecisionNode(node: number): boolean {
    const k = this.nodeKind[node]!;
    return !isPersonKind(k) && k !== KIND_UNSPECIFIED;
  }

  entityIds(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.nodeIds.length; i++) if (this.isDecisionNode(i)) out.push(this.nodeIds[i]!);
    return out;
  }

  *describedEntities(): Generator<Party> {
    for (let i = 0; i < this.nodeIds.length; i++) {
      if (!this.isDecisionNode(i)) continue;
      const p = this.partyOfNode(i);
      if (p !== undefined) yield p;
    }
  }

  visitDescribedEntities(from: number, limit: number, visit: (fields: DescribedFields) => void): number {
    const s = this.store;
    const f: DescribedFields = {
      id: '',
      kind: 'entity',
      name: undefined,
      alternateNames: undefined,
      identifiers: undefined,
      headquarters: [],
      incorporation: [],
    };
    let left = limit;
    for (let i = Math.max(0, from); i < this.nodeIds.length; i++) {
      if (left <= 0) return i;
      if (!this.isDecisionNode(i)) continue;
      const k = this.nodeKind[i]!;
      if (k === KIND_UNDESCRIBED || k === KIND_UNSPECIFIED) continue;
      const st = this.nodeStmt[i]!;
      const extra = s.psExtra.get(st);
      const prof = s.profiles[s.psProfile.data[st]!]!;
      f.id = this.nodeIds[i]!;
      f.kind = PARTY_KINDS[k]!;
      f.name = s.psName[st];
      f.alternateNames = extra?.alternateNames;
      f.identifiers = extra?.identifiers;
      f.headquarters = prof.headquarters;
      f.incorporation = prof.incorporation;
      visit(f);
      left--;
    }
    return -1;
  }

  party(id: string): Party | undefined {
    const node = this.nodeOf(id);
    if (node < 0) return undefined;
    return this.partyOfNode(node);
  }

  partyOfNode(node: number): Party | undefined {
    const k = this.nodeKind[node]!;
    if (k === KIND_UNDESCRIBED || k === KIND_UNSPECIFIED) return undefined;
    const s = this.store;
    const st = this.nodeStmt[node]!;
    const p: Party = { id: this.nodeIds[node]!, kind: PARTY_KINDS[k]! };
    const name = s.psName[st];
    if (name !== undefined) p.name = name;
    const extra = s.psExtra.get(st);
    if (extra?.alternateNames !== undefined) p.alternateNames = [...extra.alternateNames];
    if (extra?.identifiers !== undefined) p.identifiers = extra.identifiers.map((i) => ({ ...i }));
    const prof = s.profiles[s.psProfile.data[st]!]!;
    if (prof.headquarters.length) p.headquarters = [...prof.headquarters];
    if (prof.incorporation.length) p.incorporation = [...prof.incorporation];
    if (prof.residence.length) p.residence = [...prof.residence];
    if (prof.nationality.length) p.nationality = [...prof.nationality];
    if (prof.taxResidency.length) p.taxResidency = [...prof.taxResidency];
    const listed = s.psListed.data[st]!;
    if (listed !== 0) p.listed = listed === 2;
    if (extra?.status !== undefined) p.status = extra.status;
    return p;
  }

  /** The name a decision shows, if any. */
  nameOfNode(node: number): string | undefined {
    return this.nodeName[node];
  }

  relationshipId(rel: number): string {
    return this.store.relIds.keys[this.store.rsRecord.data[this.relStmt[rel]!]!]!;
  }

  statementId(rel: number): string {
    return this.store.rsStmtId[this.relStmt[rel]!]!;
  }

  holderOf(rel: number): string | { reason: string } {
    const h = this.relHolder[rel]!;
    if (h >= 0 && this.nodeKind[h] !== KIND_UNSPECIFIED) return this.nodeIds[h]!;
    const u = this.store.rsUnspecified.get(this.relStmt[rel]!);
    return u === undefined ? { reason: 'unknown' } : { ...u };
  }

  holdersOf(id: string): HolderView[] {
    const node = this.nodeOf(id);
    if (node < 0) return [];
    const out: HolderView[] = [];
    for (let r = this.subjStart[node]!; r < this.subjStart[node + 1]!; r++) {
      if (this.relFlags[r]! & REL_DORMANT) continue;
      const interests: Interest[] = [];
      for (let k = this.relIntStart[r]!; k < this.relIntStart[r + 1]!; k++)
        interests.push(this.interest(this.relInts[k]!));
      out.push({
        relationshipId: this.relationshipId(r),
        statementId: this.statementId(r),
        holder: this.holderOf(r),
        interests,
      });
    }
    return out;
  }

  holderStatementIds(id: string): string[] {
    const node = this.nodeOf(id);
    if (node < 0) return [];
    const out: string[] = [];
    for (let r = this.subjStart[node]!; r < this.subjStart[node + 1]!; r++)
      if (!(this.relFlags[r]! & REL_DORMANT)) out.push(this.statementId(r));
    return out;
  }

  /** An interest restated from the columns (or as given, when the columns cannot say it). */
  interest(i: number): Interest {
    const s = this.store;
    const meta = s.iMeta.data[i]!;
    if (meta & META_EXTRA) return structuredClone(s.iExtra.get(i)!);
    const out: Interest = {};
    const t = s.iType.data[i]!;
    if (t !== 0) out.type = s.typeNames[t]!;
    if (meta & META_HAS_SHARE) out.share = this.shareOf(i);
    const doi = meta & 3;
    if (doi !== 0)
      out.directOrIndirect = doi === DOI_DIRECT ? 'direct' : doi === DOI_INDIRECT ? 'indirect' : 'unknown';
    const bo = (meta >> 2) & 3;
    if (bo !== 0) out.beneficialOwnershipOrControl = bo === 2;
    const start = s.iStart.get(i);
    if (start !== undefined) out.startDate = start;
    const end = s.iEnd.get(i);
    if (end !== undefined) out.endDate = end;
    return out;
  }

  private shareOf(i: number): ShareInput {
    const s = this.store;
    const shape = s.iShape.data[i]!;
    const lo = s.iLo.data[i]! / UNITS_PER_PERCENT;
    const hi = s.iHi.data[i]! / UNITS_PER_PERCENT;
    const share: ShareInput = {};
    if (shape & SH_EXACT) share.exact = lo;
    if (shape & SH_MIN) share.minimum = lo;
    if (shape & SH_MAX) share.maximum = hi;
    if (shape & SH_EXMIN) share.exclusiveMinimum = lo;
    if (shape & SH_EXMAX) share.exclusiveMaximum = hi;
    return share;
  }
}

// The builder's columns: every statement added, compactly (no per-statement objects kept), so
// tens of millions of statements fit in memory. Which statement is in force is decided at build.
import type { Interest, Party, PartyKind, UnspecifiedParty } from '../model/types.ts';
import { float64Column, int32Column, uint16Column, uint8Column } from './growable.ts';
import { IdIndex } from './id-index.ts';

export const PARTY_KINDS: readonly PartyKind[] = [
  'entity',
  'state',
  'stateBody',
  'unknownEntity',
  'anonymousEntity',
  'person',
  'unknownPerson',
  'anonymousPerson',
];
export const KIND_UNDESCRIBED = 8;
export const KIND_UNSPECIFIED = 9;
export const isPersonKind = (k: number) => k >= 5 && k <= 7;

export const STATUS_CLOSED = 2;
const STATUS: Record<string, number> = { new: 0, updated: 1, closed: STATUS_CLOSED };

/** The origin attributes of a party, interned: most parties share a handful of profiles. */
export interface OriginProfile {
  headquarters: string[];
  incorporation: string[];
  residence: string[];
  nationality: string[];
  taxResidency: string[];
}

export type PartyExtras = Pick<Party, 'alternateNames' | 'identifiers' | 'status'>;

// interest shape bits
export const SH_EXACT = 1;
export const SH_MIN = 2;
export const SH_EXMIN = 4;
export const SH_MAX = 8;
export const SH_EXMAX = 16;
export const SH_INVALID = 32;
export const SH_LO_OPEN = 64;
export const SH_HI_OPEN = 128;
// interest meta bits: directOrIndirect in bits 0-1, beneficialOwnershipOrControl in bits 2-3
export const DOI_DIRECT = 1;
export const DOI_INDIRECT = 2;
export const DOI_UNKNOWN = 3;
export const META_HAS_SHARE = 16;
export const META_EXTRA = 32;

export class StatementStore {
  readonly partyIds = new IdIndex();
  readonly partyHead = int32Column();
  // party statements
  readonly psNext = int32Column();
  readonly psDate = float64Column();
  readonly psStatus = uint8Column();
  readonly psKind = uint8Column();
  readonly psProfile = int32Column();
  /** 0 absent, 1 false, 2 true */
  readonly psListed = uint8Column();
  readonly psStmtId: string[] = [];
  readonly psName: Array<string | undefined> = [];
  readonly psExtra = new Map<number, PartyExtras>();
  readonly profiles: OriginProfile[] = [
    { headquarters: [], incorporation: [], residence: [], nationality: [], taxResidency: [] },
  ];
  readonly profileIndex = new Map<string, number>([['[[],[],[],[],[]]', 0]]);

  readonly relIds = new IdIndex();
  readonly relHead = int32Column();
  // relationship statements
  readonly rsNext = int32Column();
  readonly rsDate = float64Column();
  readonly rsStatus = uint8Column();
  readonly rsRecord = int32Column();
  readonly rsSubject = int32Column();
  /** party slot, or -1 for an unspecified party (see rsUnspecified) */
  readonly rsHolder = int32Column();
  readonly rsIntStart = int32Column();
  readonly rsIntCount = int32Column();
  readonly rsStmtId: string[] = [];
  readonly rsUnspecified = new Map<number, UnspecifiedParty>();

  // interests (of every relationship statement)
  readonly iType = uint16Column();
  readonly iLo = int32Column();
  readonly iHi = int32Column();
  readonly iShape = uint8Column();
  readonly iMeta = uint8Column();
  readonly iStart = new Map<number, string>();
  readonly iEnd = new Map<number, string>();
  /** the interest as given, when the compact columns cannot say it exactly */
  readonly iExtra = new Map<number, Interest>();
  /** interned interest types; 0 = no type */
  readonly typeNames: string[] = [''];
  readonly typeIndex = new Map<string, number>();

  /** statements dropped for an unreadable statementDate: recordId -> statementId */
  readonly badDates: Array<{ recordId: string; statementId: string; date: string }> = [];

  internType(type: string | undefined): number {
    if (type === undefined) return 0;
    let t = this.typeIndex.get(type);
    if (t === undefined) {
      t = this.typeNames.length;
      this.typeNames.push(type);
      this.typeIndex.set(type, t);
    }
    return t;
  }

  internProfile(p: OriginProfile): number {
    const key = JSON.stringify([p.headquarters, p.incorporation, p.residence, p.nationality, p.taxResidency]);
    let id = this.profileIndex.get(key);
    if (id === undefined) {
      id = this.profiles.length;
      this.profiles.push(p);
      this.profileIndex.set(key, id);
    }
    return id;
  }

  partySlot(id: string): number {
    const slot = this.partyIds.intern(id);
    if (slot === this.partyHead.length) this.partyHead.push(-1);
    return slot;
  }

  statusCode(status: string): number {
    return STATUS[status] ?? 0;
  }
}

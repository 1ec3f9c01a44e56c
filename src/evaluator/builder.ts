// GraphBuilder.add: statements in, compact columns out. Nothing is decided here; build(asOf)
// picks the statement in force per record (see build-graph.ts).
import type { AnyStatement, Interest, Party, PartyStatement, RelationshipStatement } from '../model/types.ts';
import { buildGraph } from './build-graph.ts';
import { instantOf } from './dates.ts';
import {
  DOI_DIRECT,
  DOI_INDIRECT,
  DOI_UNKNOWN,
  META_EXTRA,
  META_HAS_SHARE,
  PARTY_KINDS,
  SH_EXACT,
  SH_EXMAX,
  SH_EXMIN,
  SH_HI_OPEN,
  SH_INVALID,
  SH_LO_OPEN,
  SH_MAX,
  SH_MIN,
  StatementStore,
  type PartyExtras,
} from './store.ts';
import type { GraphBuilder, OwnershipGraph } from './types.ts';
import { parseShare, UNITS_PER_PERCENT } from './units.ts';

const INTEREST_KEYS = new Set([
  'type',
  'share',
  'directOrIndirect',
  'beneficialOwnershipOrControl',
  'startDate',
  'endDate',
]);
const SHARE_KEYS = new Set(['exact', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);
const KIND_CODE = new Map(PARTY_KINDS.map((k, i) => [k as string, i]));
const DOI: Record<string, number> = { direct: DOI_DIRECT, indirect: DOI_INDIRECT, unknown: DOI_UNKNOWN };

function codes(list: readonly string[] | undefined): string[] {
  if (list === undefined || list.length === 0) return [];
  return [...new Set(list.map((c) => String(c).toUpperCase()))].sort();
}

/** The shape bits of a share the columns can restate exactly, or -1 when they cannot. */
function shareShape(share: Interest['share']): number {
  if (share === undefined) return 0;
  if (share === null || typeof share !== 'object') return -1;
  let shape = 0;
  for (const key of Object.keys(share)) {
    if (!SHARE_KEYS.has(key)) return -1;
    const v = (share as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'number') return -1;
    shape |=
      key === 'exact'
        ? SH_EXACT
        : key === 'minimum'
          ? SH_MIN
          : key === 'exclusiveMinimum'
            ? SH_EXMIN
            : key === 'maximum'
              ? SH_MAX
              : SH_EXMAX;
  }
  const lower = shape & (SH_EXACT | SH_MIN | SH_EXMIN);
  const upper = shape & (SH_EXACT | SH_MAX | SH_EXMAX);
  // exact alone, or at most one lower and one upper field
  if (shape & SH_EXACT) return shape === SH_EXACT ? shape : -1;
  if (lower === (SH_MIN | SH_EXMIN) || upper === (SH_MAX | SH_EXMAX)) return -1;
  return shape;
}

/** A share value with more than six decimals does not survive the units: keep it as given. */
function finerThanUnits(share: Interest['share']): boolean {
  if (share === undefined || share === null || typeof share !== 'object') return false;
  return Object.values(share).some((v) => {
    if (typeof v !== 'number') return false;
    const r = v * UNITS_PER_PERCENT;
    return Math.abs(r - Math.round(r)) > 1e-6;
  });
}

class Builder implements GraphBuilder {
  private readonly s = new StatementStore();

  add(statement: AnyStatement): void {
    if (statement.recordType === 'party') this.addParty(statement);
    else this.addRelationship(statement);
  }

  build(asOf: string): OwnershipGraph {
    return buildGraph(this.s, asOf);
  }

  /** Statement date as an instant (-Infinity when absent), or NaN (the statement is dropped). */
  private lastDate = '';
  private lastInstant = NaN;

  private dateOf(st: AnyStatement): number {
    if (st.statementDate === undefined) return -Infinity;
    // statements come in runs of one date: parse each distinct date once
    if (st.statementDate === this.lastDate) return this.lastInstant;
    const t = instantOf(st.statementDate);
    if (!Number.isNaN(t)) {
      this.lastDate = st.statementDate;
      this.lastInstant = t;
    }
    if (Number.isNaN(t))
      this.s.badDates.push({ recordId: st.recordId, statementId: st.statementId, date: st.statementDate });
    return t;
  }

  private addParty(st: PartyStatement): void {
    const s = this.s;
    const date = this.dateOf(st);
    if (Number.isNaN(date)) return;
    const slot = s.partySlot(st.recordId);
    for (let i = s.partyHead.data[slot]!; i !== -1; i = s.psNext.data[i]!)
      if (s.psStmtId[i] === st.statementId) return; // the same statement read twice
    const p: Party = st.record;
    const idx = s.psNext.push(s.partyHead.data[slot]!);
    s.partyHead.data[slot] = idx;
    s.psDate.push(date);
    s.psStatus.push(s.statusCode(st.recordStatus));
    s.psKind.push(KIND_CODE.get(p.kind) ?? 3);
    s.psProfile.push(
      s.internProfile({
        headquarters: codes(p.headquarters),
        incorporation: codes(p.incorporation),
        residence: codes(p.residence),
        nationality: codes(p.nationality),
        taxResidency: codes(p.taxResidency),
      }),
    );
    s.psListed.push(p.listed === undefined ? 0 : p.listed ? 2 : 1);
    s.psStmtId.push(st.statementId);
    s.psName.push(p.name);
    if (p.alternateNames !== undefined || p.identifiers !== undefined || p.status !== undefined) {
      const extra: PartyExtras = {};
      if (p.alternateNames !== undefined) extra.alternateNames = [...p.alternateNames];
      if (p.identifiers !== undefined) extra.identifiers = p.identifiers.map((i) => ({ ...i }));
      if (p.status !== undefined) extra.status = p.status;
      s.psExtra.set(idx, extra);
    }
  }

  private addRelationship(st: RelationshipStatement): void {
    const s = this.s;
    const date = this.dateOf(st);
    if (Number.isNaN(date)) return;
    const record = s.relIds.intern(st.recordId);
    if (record === s.relHead.length) s.relHead.push(-1);
    for (let i = s.relHead.data[record]!; i !== -1; i = s.rsNext.data[i]!)
      if (s.rsStmtId[i] === st.statementId) return;
    const r = st.record;
    const idx = s.rsNext.push(s.relHead.data[record]!);
    s.relHead.data[record] = idx;
    s.rsDate.push(date);
    s.rsStatus.push(s.statusCode(st.recordStatus));
    s.rsRecord.push(record);
    s.rsSubject.push(s.partySlot(String(r.subject)));
    if (typeof r.interestedParty === 'string') s.rsHolder.push(s.partySlot(r.interestedParty));
    else {
      s.rsHolder.push(-1);
      s.rsUnspecified.set(idx, { ...r.interestedParty });
    }
    s.rsStmtId.push(st.statementId);
    const interests = Array.isArray(r.interests) ? r.interests : [];
    s.rsIntStart.push(s.iType.length);
    s.rsIntCount.push(interests.length);
    for (const interest of interests) this.addInterest(interest ?? {});
  }

  private addInterest(interest: Interest): void {
    const s = this.s;
    const idx = s.iType.push(s.internType(typeof interest.type === 'string' ? interest.type : undefined));
    const parsed = parseShare(interest.share);
    s.iLo.push(parsed.lo);
    s.iHi.push(parsed.hi);
    let shape = shareShape(interest.share);
    let meta = DOI[interest.directOrIndirect as string] ?? 0;
    const bo = interest.beneficialOwnershipOrControl;
    meta |= bo === undefined ? 0 : bo === true ? 8 : 4;
    if (interest.share !== undefined) meta |= META_HAS_SHARE;
    const lossy =
      shape < 0 ||
      parsed.invalid ||
      (interest.type !== undefined && typeof interest.type !== 'string') ||
      (bo !== undefined && typeof bo !== 'boolean') ||
      Object.keys(interest).some((k) => !INTEREST_KEYS.has(k)) ||
      finerThanUnits(interest.share);
    if (shape < 0) shape = 0;
    if (parsed.invalid) shape |= SH_INVALID;
    if (parsed.loOpen) shape |= SH_LO_OPEN;
    if (parsed.hiOpen) shape |= SH_HI_OPEN;
    if (lossy) {
      meta |= META_EXTRA;
      s.iExtra.set(idx, structuredClone(interest));
    }
    s.iShape.push(shape);
    s.iMeta.push(meta);
    if (typeof interest.startDate === 'string') s.iStart.set(idx, interest.startDate);
    if (typeof interest.endDate === 'string') s.iEnd.set(idx, interest.endDate);
  }
}

export function createGraphBuilder(): GraphBuilder {
  return new Builder();
}

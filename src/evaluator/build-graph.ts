// Step 1 of the control rule: the graph in force at the as-of date. Of the statements made before
// the next day's 00:00 UTC, the latest per record wins; on a tie the largest statementId wins and
// the record is flagged conflicting-statements. A closed record is gone. An interest is in force
// when it started on or before the as-of day and has not ended by it.
import { InputError } from '../errors.ts';
import { DAY_MS, dayOf, isCalendarDate } from './dates.ts';
import { CompactGraph, REL_CONFLICT, REL_DORMANT, REL_LINK, REL_NO_INTERESTS } from './graph.ts';
import {
  DOI_INDIRECT,
  KIND_UNDESCRIBED,
  KIND_UNSPECIFIED,
  STATUS_CLOSED,
  type StatementStore,
} from './store.ts';
import { int32Column, uint8Column } from './growable.ts';
import { solveOrder } from './solve-order.ts';
import type { GraphNote } from './types.ts';

/** Reasons of unspecified interested parties that are not parties of unknown origin. */
export const CLEAR_UNSPECIFIED = new Set(['noBeneficialOwners', 'subjectExemptFromDisclosure']);

interface Pick {
  winner: number;
  rival: number;
}

/** The statement in force among a record's chain (-1: none yet), and a tied rival if any. */
function pickStatement(
  head: number,
  next: Int32Array,
  date: Float64Array,
  stmtIds: string[],
  limit: number,
): Pick {
  let winner = -1;
  let rival = -1;
  for (let i = head; i !== -1; i = next[i]!) {
    const t = date[i]!;
    if (!(t < limit)) continue;
    if (winner === -1 || t > date[winner]!) {
      winner = i;
      rival = -1;
    } else if (t === date[winner]!) {
      if (stmtIds[i]! > stmtIds[winner]!) {
        rival = winner;
        winner = i;
      } else rival = i;
    }
  }
  return { winner, rival };
}

export function buildGraph(s: StatementStore, asOf: string): CompactGraph {
  if (!isCalendarDate(asOf))
    throw new InputError(`as-of date must be a calendar date written YYYY-MM-DD, got "${asOf}"`, {
      field: 'asOf',
    });
  const limit = Date.parse(`${asOf}T00:00:00Z`) + DAY_MS;
  const notes: GraphNote[] = [];
  for (const b of s.badDates)
    notes.push({
      recordId: b.recordId,
      flag: 'invalid-statement-date',
      detail: `statement ${b.statementId} has an unreadable statementDate "${b.date}" and is ignored`,
    });

  // Parties: the statement in force per record.
  const partySlots = s.partyIds.size;
  const partyWin = new Int32Array(partySlots).fill(-1);
  const partyConflict = new Uint8Array(partySlots);
  const partyUsed = new Uint8Array(partySlots);
  for (let slot = 0; slot < partySlots; slot++) {
    const { winner, rival } = pickStatement(
      s.partyHead.data[slot]!,
      s.psNext.data,
      s.psDate.data,
      s.psStmtId,
      limit,
    );
    if (winner < 0) continue;
    if (rival >= 0) {
      partyConflict[slot] = 1;
      notes.push(conflictNote(s.partyIds.keys[slot]!, s.psStmtId[winner]!, s.psStmtId[rival]!));
    }
    if (s.psStatus.data[winner] !== STATUS_CLOSED) partyWin[slot] = winner;
  }

  // Relationships: the statement in force per record, then its interests in force.
  const relSlots = s.relIds.size;
  // typed columns, not JS arrays: tens of millions of entries
  const winnerCol = int32Column(Math.max(16, relSlots));
  const intCol = int32Column(Math.max(16, relSlots));
  const intStartCol = int32Column(Math.max(16, relSlots + 1));
  const flagCol = uint8Column(Math.max(16, relSlots));
  for (let rec = 0; rec < relSlots; rec++) {
    const { winner, rival } = pickStatement(
      s.relHead.data[rec]!,
      s.rsNext.data,
      s.rsDate.data,
      s.rsStmtId,
      limit,
    );
    if (winner < 0) continue;
    if (rival >= 0) notes.push(conflictNote(s.relIds.keys[rec]!, s.rsStmtId[winner]!, s.rsStmtId[rival]!));
    if (s.rsStatus.data[winner] === STATUS_CLOSED) continue;
    const count = s.rsIntCount.data[winner]!;
    const start = s.rsIntStart.data[winner]!;
    let f = rival >= 0 ? REL_CONFLICT : 0;
    const first = intCol.length;
    if (count === 0) f |= REL_NO_INTERESTS | REL_LINK;
    else {
      for (let i = start; i < start + count; i++) {
        const from = s.iStart.get(i);
        const to = s.iEnd.get(i);
        if (from !== undefined && dayOf(from) > asOf) continue;
        if (to !== undefined && !(dayOf(to) > asOf)) continue;
        intCol.push(i);
        if ((s.iMeta.data[i]! & 3) !== DOI_INDIRECT) f |= REL_LINK;
      }
      // nothing of it in force: it holds nothing, but the statement (an exemption, say) stands
      if (intCol.length === first) f |= REL_DORMANT;
    }
    winnerCol.push(winner);
    intStartCol.push(first);
    flagCol.push(f);
    partyUsed[s.rsSubject.data[winner]!] = 1;
    const h = s.rsHolder.data[winner]!;
    if (h >= 0) partyUsed[h] = 1;
  }
  intStartCol.push(intCol.length);
  const R = winnerCol.length;
  const winners = winnerCol.data;
  const ints = intCol.data;
  const intStart = intStartCol.data;
  const flags = flagCol.data;

  // Nodes: described parties, parties named but not described, unspecified interested parties.
  const ids: string[] = [];
  for (let slot = 0; slot < partySlots; slot++)
    if (partyWin[slot]! >= 0 || partyUsed[slot]) ids.push(s.partyIds.keys[slot]!);
  const pseudo = new Map<string, number>(); // "unspecified:<relationshipId>" -> index in winners
  for (let r = 0; r < R; r++) {
    const w = winners[r]!;
    if (s.rsHolder.data[w]! >= 0) continue;
    const reason = s.rsUnspecified.get(w)?.reason ?? 'unknown';
    if (CLEAR_UNSPECIFIED.has(reason)) continue;
    const id = `unspecified:${s.relIds.keys[s.rsRecord.data[w]!]!}`;
    if (s.partyIds.get(id) >= 0 || pseudo.has(id)) continue; // a described party already has this id
    pseudo.set(id, r);
    ids.push(id);
  }
  ids.sort();
  const n = ids.length;
  const nodeKind = new Uint8Array(n);
  const nodeStmt = new Int32Array(n).fill(-1);
  const nodeConflict = new Uint8Array(n);
  const nodeProfile = new Int32Array(n);
  const nodeListed = new Uint8Array(n);
  // names in node order: a decision shows one, and reading them in the statements' order would
  // jump about memory once per decision
  const nodeName: Array<string | undefined> = [];
  const partyNode = new Int32Array(partySlots).fill(-1);
  const relPseudo = new Int32Array(R).fill(-1);
  for (let node = 0; node < n; node++) {
    const id = ids[node]!;
    const r = pseudo.get(id);
    if (r !== undefined) {
      nodeKind[node] = KIND_UNSPECIFIED;
      nodeStmt[node] = r;
      relPseudo[r] = node;
      nodeName.push(undefined);
      continue;
    }
    const slot = s.partyIds.get(id);
    partyNode[slot] = node;
    const w = partyWin[slot]!;
    nodeConflict[node] = partyConflict[slot]!;
    if (w >= 0) {
      nodeKind[node] = s.psKind.data[w]!;
      nodeStmt[node] = w;
      nodeProfile[node] = s.psProfile.data[w]!;
      nodeListed[node] = s.psListed.data[w] === 2 ? 1 : 0;
      nodeName.push(s.psName[w]);
    } else {
      nodeKind[node] = KIND_UNDESCRIBED;
      nodeName.push(undefined);
    }
  }

  // In-force relationships grouped by subject (counting sort), then by holder and record id.
  const subjStart = new Int32Array(n + 1);
  const subjOf = new Int32Array(R);
  const holderOf = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    const w = winners[r]!;
    const subj = partyNode[s.rsSubject.data[w]!]!;
    const h = s.rsHolder.data[w]!;
    subjOf[r] = subj;
    holderOf[r] = h >= 0 ? partyNode[h]! : relPseudo[r]!;
    subjStart[subj + 1]!++;
  }
  for (let i = 0; i < n; i++) subjStart[i + 1]! += subjStart[i]!;
  const fill = subjStart.slice(0, n);
  const order = new Int32Array(R);
  for (let r = 0; r < R; r++) order[fill[subjOf[r]!]!++] = r;
  const recordId = (r: number) => s.relIds.keys[s.rsRecord.data[winners[r]!]!]!;
  for (let v = 0; v < n; v++) {
    const a = subjStart[v]!;
    const b = subjStart[v + 1]!;
    if (b - a < 2) continue;
    const seg = Array.from(order.subarray(a, b));
    seg.sort((x, y) => holderOf[x]! - holderOf[y]! || (recordId(x) < recordId(y) ? -1 : 1));
    order.set(seg, a);
  }

  const relStmt = new Int32Array(R);
  const relSubject = new Int32Array(R);
  const relHolder = new Int32Array(R);
  const relFlags = new Uint8Array(R);
  const relIntStart = new Int32Array(R + 1);
  const relInts = new Int32Array(intCol.length);
  // the in-force interests' columns copied in CSR order, so compiling a policy streams through them
  const intType = new Uint16Array(intCol.length);
  const intLo = new Int32Array(intCol.length);
  const intHi = new Int32Array(intCol.length);
  const intShape = new Uint8Array(intCol.length);
  const intMeta = new Uint8Array(intCol.length);
  let k = 0;
  for (let i = 0; i < R; i++) {
    const r = order[i]!;
    relStmt[i] = winners[r]!;
    relSubject[i] = subjOf[r]!;
    relHolder[i] = holderOf[r]!;
    relFlags[i] = flags[r]!;
    relIntStart[i] = k;
    for (let j = intStart[r]!; j < intStart[r + 1]!; j++) {
      const x = ints[j]!;
      relInts[k] = x;
      intType[k] = s.iType.data[x]!;
      intLo[k] = s.iLo.data[x]!;
      intHi[k] = s.iHi.data[x]!;
      intShape[k] = s.iShape.data[x]!;
      intMeta[k] = s.iMeta.data[x]!;
      k++;
    }
    if (flags[r]! & REL_CONFLICT) nodeConflict[subjOf[r]!] = 1;
  }
  relIntStart[R] = k;
  notes.sort((a, b) =>
    a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : a.flag < b.flag ? -1 : 1,
  );
  return new CompactGraph(s, {
    asOf,
    nodeIds: ids,
    nodeName,
    nodeKind,
    nodeStmt,
    nodeConflict,
    relStmt,
    relSubject,
    relHolder,
    relFlags,
    relIntStart,
    relInts,
    intType,
    intLo,
    intHi,
    intShape,
    intMeta,
    nodeProfile,
    nodeListed,
    subjStart,
    solveOrder: solveOrder(n, subjStart, relHolder, relFlags, REL_DORMANT),
    notes,
  });
}

function conflictNote(recordId: string, winner: string, rival: string): GraphNote {
  return {
    recordId,
    flag: 'conflicting-statements',
    detail: `statements ${winner} and ${rival} have the same statementDate; ${winner} (the larger statementId) is in force`,
  };
}

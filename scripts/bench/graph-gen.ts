// Synthetic ownership graphs for the evaluator benchmark, generated straight into a sink (the
// graph builder): no files. Deterministic (seeded). Shapes:
//  - gleif:  GLEIF-like -- many entities, few relationships (consolidation parents, branches,
//            fund managers, declared ultimate parents as stand-ins, reporting exceptions);
//  - vitali: Vitali et al. (2011)-like -- 600k entities, 1M edges, a strongly connected core of
//            ~1,300 companies holding small stakes in each other, a DAG-like periphery;
//  - groups: 10M parties / 20M edges -- corporate groups (trees under a top holding), each
//            company also held by persons or funds, a few cross-group stakes and cross-holdings.
import type { AnyStatement, Interest, Party } from '../../src/model/types.ts';

export type Sink = (statement: AnyStatement) => void;

export interface Generated {
  name: string;
  parties: number;
  relationships: number;
  /** some company ids, for single-entity timings */
  sampleIds: string[];
}

/** mulberry32: a small seeded PRNG, so every run builds the same graph. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A unique, unordered id for index i (a bijection on 32 bits), so input order is not id order. */
export function idOf(prefix: string, i: number): string {
  return prefix + (Math.imul(i, 0x9e3779b1) >>> 0).toString(36).padStart(7, '0');
}

const COUNTRIES: Array<[string, number]> = [
  ['CN', 0.03],
  ['HK', 0.01],
  ['RU', 0.005],
  ['US', 0.3],
  ['GB', 0.1],
  ['DE', 0.1],
  ['SG', 0.05],
  ['JP', 0.08],
  ['FR', 0.08],
  ['KY', 0.045],
  ['NL', 0.1],
  ['TW', 0.1],
];

function countryPicker(random: () => number): () => string {
  const cum: Array<[string, number]> = [];
  let s = 0;
  for (const [c, p] of COUNTRIES) cum.push([c, (s += p)]);
  return () => {
    const x = random() * s;
    for (const [c, t] of cum) if (x < t) return c;
    return 'US';
  };
}

const DATE = '2025-01-15';

function partyStatement(record: Party): AnyStatement {
  // statementId shares the record id string: the builder keeps both, and memory is what we measure
  return {
    statementId: record.id,
    recordId: record.id,
    recordStatus: 'new',
    recordType: 'party',
    statementDate: DATE,
    record,
  };
}

function company(id: string, country: string, incorporation = country): AnyStatement {
  return partyStatement({
    id,
    kind: 'entity',
    name: id,
    headquarters: [country],
    incorporation: [incorporation],
  });
}

function person(id: string, country: string): AnyStatement {
  return partyStatement({ id, kind: 'person', name: id, nationality: [country], residence: [country] });
}

function relationship(
  id: string,
  holder: string | { reason: string },
  subject: string,
  interests: Interest[],
): AnyStatement {
  return {
    statementId: id,
    recordId: id,
    recordStatus: 'new',
    recordType: 'relationship',
    statementDate: DATE,
    record: { id, subject, interestedParty: holder, interests },
  };
}

const stake = (exact: number, type = 'shareholding'): Interest[] => [
  { type, share: { exact }, directOrIndirect: 'direct' },
];

function samples(count: number, total: number, id: (i: number) => string): string[] {
  const out: string[] = [];
  for (let k = 0; k < count; k++) out.push(id(Math.floor(((k + 0.5) / count) * total)));
  return out;
}

export function gleifLike(sink: Sink, scale: number): Generated {
  const random = rng(1);
  const pick = countryPicker(random);
  const n = Math.max(100, Math.round(3_000_000 * scale));
  const rels = Math.round(500_000 * scale);
  const parents = Math.max(10, Math.round(n * 0.05));
  const id = (i: number) => idOf('L', i);
  for (let i = 0; i < n; i++) {
    const c = pick();
    sink(company(id(i), c, random() < 0.1 ? 'KY' : c));
  }
  for (let r = 0; r < rels; r++) {
    const child = id(parents + Math.floor(random() * (n - parents)));
    const parent = id(Math.floor(random() * parents));
    const x = random();
    const rid = idOf('R', r);
    if (x < 0.02)
      sink(
        relationship(rid, { reason: 'informationUnknownToPublisher' }, child, [{ type: 'consolidation' }]),
      );
    else if (x < 0.75)
      sink(relationship(rid, parent, child, [{ type: 'consolidation', directOrIndirect: 'direct' }]));
    else if (x < 0.9)
      sink(relationship(rid, parent, child, [{ type: 'consolidation', directOrIndirect: 'indirect' }]));
    else if (x < 0.97) sink(relationship(rid, parent, child, [{ type: 'branch' }]));
    else sink(relationship(rid, parent, child, [{ type: 'fundManagement' }]));
  }
  return { name: 'GLEIF-like', parties: n, relationships: rels, sampleIds: samples(20, n, id) };
}

export function vitaliLike(sink: Sink, scale: number): Generated {
  const random = rng(2);
  const pick = countryPicker(random);
  const n = Math.max(200, Math.round(600_000 * scale));
  const edges = Math.round(1_000_000 * scale);
  const core = Math.max(20, Math.min(1300, Math.round(n / 100)));
  const id = (i: number) => idOf('V', i);
  for (let i = 0; i < n; i++) sink(company(id(i), pick()));
  let r = 0;
  // the core: each member held by ~20 other members, 0.5-3% each
  for (let s = 0; s < core; s++)
    for (let k = 0; k < 20; k++) {
      let h = Math.floor(random() * core);
      if (h === s) h = (h + 1) % core;
      sink(relationship(idOf('R', r++), id(h), id(s), stake(Math.round((0.5 + random() * 2.5) * 10) / 10)));
    }
  // the periphery: a majority holder (often a core member) and minority holders, all earlier
  const per = n - core;
  const perEdges = Math.max(0, edges - r);
  let left = 0;
  for (let k = 0; k < perEdges; k++) {
    const s = core + Math.floor(k * (per / perEdges));
    const first = k === 0 || core + Math.floor((k - 1) * (per / perEdges)) !== s;
    if (first) left = 100;
    const h =
      random() < 0.5
        ? Math.floor(random() * core)
        : Math.max(0, s - 1 - Math.floor(random() * Math.min(s, 5000)));
    // a majority holder first, then minority holders while capital is left
    const pct = first ? 51 + Math.floor(random() * 49) : Math.min(left, 1 + Math.floor(random() * 20));
    left -= pct;
    if (pct > 0 && h !== s) sink(relationship(idOf('R', r++), id(h), id(s), stake(pct)));
  }
  return { name: 'Vitali-like', parties: n, relationships: r, sampleIds: samples(20, n, id) };
}

export function groupsLike(sink: Sink, scale: number): Generated {
  const random = rng(3);
  const pick = countryPicker(random);
  const parties = Math.max(1000, Math.round(10_000_000 * scale));
  const edgeTarget = Math.round(20_000_000 * scale);
  const holders = Math.round(parties * 0.15); // persons and funds at the top: no holders of their own
  const companies = parties - holders;
  const hid = (i: number) => idOf(i % 3 === 0 ? 'F' : 'P', i);
  const cid = (i: number) => idOf('C', i);
  for (let i = 0; i < holders; i++) {
    const c = pick();
    sink(i % 3 === 0 ? company(hid(i), c) : person(hid(i), c));
  }
  for (let i = 0; i < companies; i++) sink(company(cid(i), pick()));
  // Extra holders per company so the edge count reaches the target.
  const extra = Math.max(0, (edgeTarget - companies) / companies);
  let r = 0;
  let groupStart = 0;
  for (let i = 0; i < companies; i++) {
    if (i === groupStart || random() < 1 / 20) groupStart = i; // a new group (mean size 20)
    let left = 100;
    if (i > groupStart) {
      // the parent inside the group: a majority stake
      const parent = groupStart + Math.floor(random() * (i - groupStart));
      const pct = 51 + Math.floor(random() * 49);
      sink(relationship(idOf('R', r++), cid(parent), cid(i), stake(pct)));
      left -= pct;
    }
    let k = Math.floor(extra) + (random() < extra - Math.floor(extra) ? 1 : 0);
    if (i === groupStart) k++;
    for (; k > 0 && left > 0; k--) {
      const pct = Math.min(left, 1 + Math.floor(random() * Math.min(left, 30)));
      left -= pct;
      if (random() < 0.03 && groupStart > 0) {
        // a minority stake from another (earlier) group
        sink(relationship(idOf('R', r++), cid(Math.floor(random() * groupStart)), cid(i), stake(pct)));
      } else if (random() < 0.02) {
        sink(relationship(idOf('R', r++), { reason: 'informationUnknownToPublisher' }, cid(i), stake(pct)));
      } else
        sink(
          relationship(
            idOf('R', r++),
            hid(Math.floor(random() * holders)),
            cid(i),
            stake(pct, random() < 0.2 ? 'votingRights' : 'shareholding'),
          ),
        );
    }
    // a cross-holding now and then: the company holds a little of its parent company
    if (i > groupStart && random() < 0.01)
      sink(relationship(idOf('R', r++), cid(i), cid(groupStart), stake(1 + Math.floor(random() * 5))));
  }
  return {
    name: '10M parties / 20M edges (groups)',
    parties,
    relationships: r,
    sampleIds: samples(20, companies, cid),
  };
}

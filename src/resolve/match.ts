// Tenant -> legal entity: identifiers first (validated), then names with country as a qualifier.
// Pure: the index in, a MatchResult out, with an explanation per evidence item.
import type { TenantRecord } from '../adapter.ts';
import {
  INFO_TRANSLITERATED,
  REC_ENTITY,
  REC_INFO,
  infoCountrySet,
  infoScript,
  type EntityIndex,
} from './entity-index.ts';
import { identifierKeys, registrableDomain, type RefusedIdentifier } from './identifiers.ts';
import { COUNTRY_BONUS, COUNTRY_PENALTY, blockNames } from './blocking.ts';
import { queryForm, scoreName, type NameScore } from './name-score.ts';
import { isPlaceholderName, isStopWord, nameForms } from './names.ts';
import { fnv1a } from './pools.ts';
import { selectBest } from './select-best.ts';

export const MATCHER_VERSION = 'channelguard-match/1';

export interface MatchCandidate {
  entityId: string;
  name: string;
  score: number;
  /** evidence that agrees: "lei", "uscc", "tax", "reg", "domain", "name", "country" */
  matched: string[];
  /** evidence that disagrees: "country", "lei", "uscc", "name" */
  conflicts: string[];
}

export interface MatchResult {
  status: 'matched' | 'review' | 'unresolved';
  entityId?: string;
  score: number;
  candidates: MatchCandidate[];
  explanation: string[];
  /** identifiers refused (empty, placeholder, bad checksum, free-mail domain): never used to merge */
  refused: RefusedIdentifier[];
}

export type TenantLike = Pick<
  TenantRecord,
  'legalName' | 'displayName' | 'countryCode' | 'domain' | 'registrationIds'
>;

/** Thresholds: automatic at STRONG with a clear MARGIN over the next entity; review from WEAK. */
export const STRONG = 0.9;
export const WEAK = 0.6;
export const MARGIN = 0.05;
const SHOWN = 0.4;
const MAX_CANDIDATES = 5;

interface Acc {
  ids: string[];
  domain: boolean;
  /** a name of the entity in the tenant name's own script was compared */
  sameScript: boolean;
  name: NameScore | undefined;
  nameShown: string;
  /** the entity's country set, once one of its names scored (-1 before) */
  countrySet: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

type Ranked = MatchCandidate & {
  e: number;
  byId: boolean;
  byDomain: boolean;
  nameScore: number;
  capped: string[];
};

/** a candidate's entity id, read from the index's pool on first use */
function idOf(index: EntityIndex, c: Ranked): string {
  if (c.entityId === '') c.entityId = index.entityId(c.e);
  return c.entityId;
}

function tenantNames(t: TenantLike): string[] {
  const out: string[] = [];
  for (const n of [t.legalName, t.displayName])
    if (n && !isPlaceholderName(n) && !out.includes(n)) out.push(n);
  return out;
}

export function matchTenant(index: EntityIndex, tenant: TenantLike): MatchResult {
  const explanation: string[] = [];
  const refused: RefusedIdentifier[] = [];
  const acc = new Map<number, Acc>();
  const get = (e: number): Acc => {
    let a = acc.get(e);
    if (!a)
      acc.set(
        e,
        (a = { ids: [], domain: false, sameScript: false, name: undefined, nameShown: '', countrySet: -1 }),
      );
    return a;
  };
  const country = tenant.countryCode?.toUpperCase();
  const fit = index.countryFit(country);
  const { rec, nameStart } = index.arrays;
  const tenantKinds = new Map<string, string>(); // kind -> key, for conflicts
  for (const r of tenant.registrationIds ?? []) {
    const check = identifierKeys(r.scheme, r.id, country ? { country } : {});
    if (!check.ok) {
      refused.push(check.refused);
      explanation.push(`refused ${check.refused.field} "${check.refused.value}": ${check.refused.reason}`);
      continue;
    }
    for (const k of check.keys) {
      tenantKinds.set(k.kind, k.key);
      const hits = index.lookupKey(k.key);
      explanation.push(
        `${k.key}: ${
          hits.length === 0
            ? 'in no registry entity'
            : `held by ${hits
                .map((e) => index.entityId(e))
                .sort()
                .join(', ')}`
        }`,
      );
      for (const e of hits) get(e).ids.push(k.kind);
    }
  }
  if (tenant.domain !== undefined) {
    const d = registrableDomain(tenant.domain);
    if (!d.ok) {
      refused.push({ field: 'domain', value: tenant.domain, reason: d.reason });
      explanation.push(`refused domain "${tenant.domain}": ${d.reason}`);
    } else for (const e of index.lookupKey(`domain:${d.domain}`)) get(e).domain = true;
  }

  const names = tenantNames(tenant);
  if (names.length === 0) explanation.push('no usable name');
  for (const name of names) {
    for (const form of nameForms(name)) {
      if (form.tokens.length === 0 || form.tokens.every(isStopWord)) {
        explanation.push(
          `name "${name}" has no distinctive word (only legal forms or stop words): not matched by name`,
        );
        continue;
      }
      if (form.expansions.length > 0 && !form.transliterated)
        explanation.push(`abbreviations expanded in "${name}": ${form.expansions.join(', ')}`);
      const q = queryForm(index, form, fnv1a(form.compact));
      // name records by their rows in rec
      const blockSet = new Set(blockNames(index, q, fit, false));
      // entities an identifier points at are always compared by name, to spot a conflict
      for (const [e, a] of acc) {
        if (a.ids.length === 0) continue;
        const [s, end] = index.entityNameRange(e);
        for (let n = s; n < end; n++) {
          const row = nameStart[n]!;
          blockSet.add(row);
          const info = rec[row + REC_INFO]!;
          if (infoScript(info) === form.script && !(info & INFO_TRANSLITERATED) && !form.transliterated)
            a.sameScript = true;
        }
      }
      const score = (rows: Iterable<number>) => {
        let best = 0;
        for (const row of rows) {
          const s = scoreName(index, q, row);
          const e = rec[row + REC_ENTITY]!;
          if (s.refusal) {
            const line = `"${name}" vs ${index.entityId(e)}: ${s.refusal}: refused`;
            if (!explanation.includes(line)) explanation.push(line);
          }
          if (s.score <= 0) continue;
          const a = get(e);
          a.countrySet = infoCountrySet(rec[row + REC_INFO]!);
          if (!a.name || s.score > a.name.score) {
            a.name = s;
            a.nameShown = name;
          }
          best = Math.max(best, s.score);
        }
        return best;
      };
      // typo variants only when nothing reached review: they cost hundreds of look-ups
      // (names scored in the first pass score the same again: skipped)
      if (score(blockSet) < WEAK) score(blockNames(index, q, fit, true).filter((row) => !blockSet.has(row)));
    }
  }

  const candidates: Ranked[] = [];
  for (const [e, a] of acc) {
    const matched: string[] = a.ids.length === 0 ? [] : [...new Set(a.ids)].sort();
    const conflicts: string[] = [];
    const capped: string[] = [];
    const keys = tenantKinds.size > 0 ? index.entityKeys(e) : [];
    for (const kind of ['lei', 'uscc'] as const) {
      const mine = tenantKinds.get(kind);
      const theirs = keys.filter((k) => k.startsWith(`${kind}:`));
      if (mine && theirs.length > 0 && !theirs.includes(mine)) conflicts.push(kind);
    }
    let score: number;
    const ns = a.name;
    if (ns) matched.push('name');
    if (a.domain) matched.push('domain');
    if (a.ids.length > 0) {
      score = 1;
      // a confirmed identifier whose entity's same-script name looks nothing like the tenant's
      if (a.sameScript && (!ns || ns.crossScript || ns.score < 0.3)) {
        conflicts.push('name');
        score = 0.8;
      }
    } else {
      score = ns ? ns.score : 0;
      if (a.domain) score = ns ? Math.min(1, score + 0.1) : 0.7;
      if (ns?.crossScript) capped.push('a name-only match across scripts is never automatic');
      if (ns?.viaAbbreviation) capped.push('a name-only match resting on an abbreviation is never automatic');
      if (ns?.fuzzyOnly) capped.push('a name-only match on misspelt words only is never automatic');
    }
    // (the country set is read from a scored name when there is one: the entity's own row is a cache miss)
    const ec = a.countrySet >= 0 ? index.countrySet(a.countrySet) : index.entityCountries(e);
    if (country && ec.length > 0) {
      if (ec.includes(country)) {
        matched.push('country');
        if (a.ids.length === 0) score = Math.min(1, score + COUNTRY_BONUS);
      } else {
        conflicts.push('country');
        if (a.ids.length === 0) score -= COUNTRY_PENALTY;
      }
    }
    if (conflicts.includes('lei') || conflicts.includes('uscc')) score -= 0.3;
    score = round3(Math.max(0, score));
    if (score < SHOWN) continue;
    candidates.push({
      e,
      entityId: '', // ids and names are read from the pool for the few that need them
      name: '',
      score,
      matched,
      conflicts,
      byId: a.ids.length > 0,
      byDomain: a.domain,
      nameScore: ns?.score ?? 0,
      capped,
    });
  }
  // Equal scores: identifier evidence first, then the domain, then the closer name (a score capped
  // at 1 hides "Acme AG" ~ "Acme AG" beating "Acme Technology AG"), then the id (deterministic).
  const before = (x: Ranked, y: Ranked) =>
    y.score - x.score ||
    Number(y.byId) - Number(x.byId) ||
    Number(y.byDomain) - Number(x.byDomain) ||
    y.nameScore - x.nameScore ||
    index.compareEntityIds(x.e, y.e);
  // Only the best few are shown or compared: ids are read for candidates that tie with them only
  // (an id is a cache miss or two; most candidates lose on score).
  const ranked = selectBest(candidates, MAX_CANDIDATES, before);
  for (const c of ranked) {
    idOf(index, c);
    c.name = index.entityName(c.e);
  }
  const shown = ranked.map(({ entityId, name, score, matched, conflicts }) => ({
    entityId,
    name,
    score,
    matched,
    conflicts,
  }));
  for (const c of ranked) {
    const a = acc.get(c.e)!;
    const via = a.name ? ` name "${a.nameShown}" ~ "${c.name}" [${a.name.matched.join(', ')}]` : '';
    explanation.push(
      `candidate ${c.entityId} score ${c.score.toFixed(3)}: matched ${c.matched.join('+') || '-'}${via}` +
        (c.conflicts.length ? `; conflicts ${c.conflicts.join('+')}` : ''),
    );
  }
  const top = ranked[0];
  const base = { candidates: shown, explanation, refused };
  if (!top || top.score < WEAK) {
    explanation.push(
      top ? `best score ${top.score.toFixed(3)} is below ${WEAK}: unresolved` : 'no candidate: unresolved',
    );
    return { status: 'unresolved', score: top?.score ?? 0, ...base };
  }
  const second = ranked[1];
  // A strong name that also owns the tenant's web domain beats a close name that does not: the
  // domain is the evidence a reviewer would ask for. (A domain alone never matches: see `score`.)
  const settledByDomain = top.byDomain && !second?.byDomain && top.score >= STRONG && top.capped.length === 0;
  const ambiguous =
    second !== undefined &&
    top.score - second.score < MARGIN &&
    !(top.byId && !second.byId) &&
    !settledByDomain;
  if (ambiguous) {
    explanation.push(
      `ambiguous: ${top.entityId} (${top.score.toFixed(3)}) and ${second.entityId} (${second.score.toFixed(3)}) ` +
        `are within ${MARGIN}; an identifier is needed`,
    );
    return { status: 'review', score: top.score, ...base };
  }
  // the best candidate an identifier points at, other than the top one
  let elsewhere: Ranked | undefined;
  if (!top.byId)
    for (const c of candidates)
      if (c.byId && c !== top && (!elsewhere || before(c, elsewhere) < 0)) elsewhere = c;
  if (!top.byId && elsewhere) {
    explanation.push(
      `review: the tenant's identifier points to ${idOf(index, elsewhere)}, its name to ${top.entityId}`,
    );
    return { status: 'review', score: top.score, ...base };
  }
  // an identifier outweighs a country mismatch (billing addresses differ); a name conflict does not
  const blocking = top.byId ? top.conflicts.filter((c) => c !== 'country') : top.conflicts;
  if (top.score < STRONG || top.capped.length > 0 || blocking.length > 0) {
    const why = top.capped.length
      ? top.capped.join('; ')
      : blocking.length
        ? `conflicting ${blocking.join(', ')}`
        : `score ${top.score.toFixed(3)} is below ${STRONG}`;
    explanation.push(`review: ${why}`);
    return { status: 'review', score: top.score, ...base };
  }
  explanation.push(`matched ${top.entityId} (${top.byId ? 'identifier' : 'name'})`);
  return { status: 'matched', entityId: top.entityId, score: top.score, ...base };
}

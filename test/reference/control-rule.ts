// A second, deliberately naive implementation of ../shared/spec/control-rule.md, written from the
// spec text alone, for differential tests of src/evaluator on random graphs. It favours being
// obviously like the spec over speed: plain maps, Kleene iteration from below, floats with a
// tolerance (the differential test skips results that land near the threshold).
import type { AnyStatement, Interest, Party, Relationship, Verdict } from '../../src/model/types.ts';
import type { Policy } from '../../src/policy/schema.ts';

export interface RefDecision {
  decision: Verdict;
  cascade: Verdict;
  lookThrough: Verdict;
  /** look-through bounds in percent */
  lt: [number, number];
  /** a value within `eps` of the threshold was involved: the verdict may hinge on rounding */
  nearThreshold: boolean;
}

const UNKNOWN_TYPE = '(unknown)';
const OPEN = 1e-9; // an open bound, as a nudge (percent)

interface Stake {
  holder: string;
  type: string;
  lo: number;
  hi: number;
  standIn: boolean;
}

interface Control {
  holder: string;
  kind: 'restricting' | 'indicative';
  type: string;
}

function dayOf(s: string): string {
  return s.slice(0, 10);
}

function instant(s: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(s + 'T00:00:00Z') : Date.parse(s);
}

/** Step 1: the latest statement per record made before the day after as-of. */
function inForce(statements: AnyStatement[], asOf: string) {
  const limit = instant(asOf) + 86_400_000;
  const best = new Map<string, AnyStatement>();
  const conflicts = new Set<string>();
  const key = (s: AnyStatement) => `${s.recordType}:${s.recordId}`;
  const seen = new Set<string>();
  for (const s of statements) {
    // The same statement read twice (two files) counts once; ids are only unique per record.
    const sk = `${key(s)}|${s.statementId}`;
    if (seen.has(sk)) continue;
    seen.add(sk);
    const t = s.statementDate === undefined ? -Infinity : instant(s.statementDate);
    if (!(t < limit)) continue;
    const cur = best.get(key(s));
    if (cur === undefined) {
      best.set(key(s), s);
      continue;
    }
    const ct = cur.statementDate === undefined ? -Infinity : instant(cur.statementDate);
    if (t > ct) best.set(key(s), s);
    else if (t === ct) {
      conflicts.add(key(s));
      if (s.statementId > cur.statementId) best.set(key(s), s);
    }
  }
  const parties = new Map<string, Party>();
  const rels: Relationship[] = [];
  const conflictedIds = new Set<string>();
  for (const [k, s] of best) {
    if (s.recordStatus === 'closed') continue;
    if (s.recordType === 'party') parties.set(s.recordId, s.record);
    else rels.push(s.record);
    if (conflicts.has(k)) conflictedIds.add(s.recordType === 'party' ? s.recordId : s.record.subject);
  }
  return { parties, rels, conflictedIds };
}

function interestInForce(i: Interest, asOf: string): boolean {
  if (i.startDate !== undefined && dayOf(i.startDate) > asOf) return false;
  if (i.endDate !== undefined && !(dayOf(i.endDate) > asOf)) return false;
  return true;
}

/** A share as [lo, hi] in percent (open bounds nudged inwards), or null when invalid. */
function shareOf(i: Interest): [number, number] | null | 'missing' {
  const s = i.share;
  if (s === undefined) return 'missing';
  const nums = [s.exact, s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum];
  if (nums.every((v) => v === undefined)) return 'missing';
  for (const v of nums)
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100)) return null;
  if (typeof s.exact === 'number') return [s.exact, s.exact];
  let lo = 0;
  let hi = 100;
  let loOpen = false;
  let hiOpen = false;
  if (typeof s.minimum === 'number') lo = s.minimum;
  if (typeof s.exclusiveMinimum === 'number' && s.exclusiveMinimum >= lo) {
    lo = s.exclusiveMinimum;
    loOpen = true;
  }
  if (typeof s.maximum === 'number') hi = s.maximum;
  if (typeof s.exclusiveMaximum === 'number' && s.exclusiveMaximum <= hi) {
    hi = s.exclusiveMaximum;
    hiOpen = true;
  }
  if (lo > hi || (lo === hi && (loOpen || hiOpen))) return null;
  return [lo + (loOpen ? OPEN : 0), hi - (hiOpen ? OPEN : 0)];
}

/** Which region entries a code is restricted under (empty: not restricted). */
function restrictedRegions(code: string, policy: Policy): string[] {
  const { restricted, supported } = policy.regions;
  const matches = (entry: string) => entry === code || (!entry.includes('-') && code.startsWith(entry + '-'));
  const spec = (entry: string) => (entry.includes('-') ? 2 : 1);
  let best: { entry: string; restricted: boolean } | undefined;
  for (const e of restricted ?? [])
    if (matches(e) && (!best || spec(e) > spec(best.entry))) best = { entry: e, restricted: true };
  for (const e of supported ?? [])
    if (matches(e) && (!best || spec(e) > spec(best.entry))) best = { entry: e, restricted: false };
  if (best) return best.restricted ? [best.entry] : [];
  return supported !== undefined ? [code.slice(0, 2)] : [];
}

export function referenceEvaluate(
  statements: AnyStatement[],
  policy: Policy,
  asOf: string,
): Map<string, RefDecision> {
  const { parties, rels, conflictedIds: _c } = inForce(statements, asOf);
  const thr = policy.threshold.percent;
  const incl = policy.threshold.inclusive;
  const past = (v: number) => (incl ? v >= thr : v > thr);
  const near = new Set<string>();
  const eps = 1e-6;
  const isNear = (v: number) => Math.abs(v - thr) < eps;

  // Parties of the graph: described ones, undescribed ones named by relationships, unspecified ones.
  const kinds = new Map<string, Party['kind'] | 'undescribed' | 'unspecified'>();
  for (const [id, p] of parties) kinds.set(id, p.kind);
  const stakes = new Map<string, Stake[]>();
  const controls = new Map<string, Control[]>();
  const invalid = new Set<string>();
  const selfHolding = new Set<string>();
  const exempt = new Set<string>();
  const ownershipTypes = new Set<string>(policy.interests.ownership);
  const restricting = new Set<string>(policy.control.restricting);
  const indicative = new Set<string>(policy.control.indicative);
  const edges = new Map<string, Set<string>>(); // holder -> subjects, for the stand-in path test
  const pending: Array<{ subject: string; stake: Stake }> = [];

  for (const r of rels) {
    if (!kinds.has(r.subject)) kinds.set(r.subject, 'undescribed');
    let holder: string;
    if (typeof r.interestedParty === 'string') {
      holder = r.interestedParty;
      if (!kinds.has(holder)) kinds.set(holder, 'undescribed');
    } else {
      if (r.interestedParty.reason === 'noBeneficialOwners') continue;
      if (r.interestedParty.reason === 'subjectExemptFromDisclosure') {
        exempt.add(r.subject);
        continue;
      }
      holder = `unspecified:${r.id}`;
      kinds.set(holder, 'unspecified');
    }
    if (holder === r.subject) {
      selfHolding.add(r.subject);
      continue;
    }
    const interests: Interest[] =
      r.interests.length === 0 ? [{}] : r.interests.filter((i) => interestInForce(i, asOf));
    for (const i of interests) {
      const type = i.type;
      const isUnknown = type === undefined || type === 'unknownInterest' || type === 'unpublishedInterest';
      if (i.directOrIndirect !== 'indirect') {
        if (!edges.has(holder)) edges.set(holder, new Set());
        edges.get(holder)!.add(r.subject);
      }
      if (type !== undefined && (restricting.has(type) || indicative.has(type))) {
        if (!controls.has(r.subject)) controls.set(r.subject, []);
        controls
          .get(r.subject)!
          .push({ holder, kind: restricting.has(type) ? 'restricting' : 'indicative', type });
        continue;
      }
      if (!(isUnknown || (type !== undefined && ownershipTypes.has(type)))) continue;
      const sh = shareOf(i);
      let lo = 0;
      let hi = 100;
      if (sh === null) invalid.add(r.subject);
      else if (sh !== 'missing') [lo, hi] = sh;
      const stake: Stake = {
        holder,
        type: isUnknown && !ownershipTypes.has(type ?? '') ? UNKNOWN_TYPE : type!,
        lo,
        hi,
        standIn: i.directOrIndirect === 'indirect',
      };
      pending.push({ subject: r.subject, stake });
    }
  }
  const reachable = (from: string, to: string): boolean => {
    const seen = new Set([from]);
    const stack = [from];
    while (stack.length) {
      const x = stack.pop()!;
      for (const y of edges.get(x) ?? []) {
        if (y === to) return true;
        if (!seen.has(y)) {
          seen.add(y);
          stack.push(y);
        }
      }
    }
    return false;
  };
  for (const { subject, stake } of pending) {
    if (stake.standIn && reachable(stake.holder, subject)) continue;
    if (!stakes.has(subject)) stakes.set(subject, []);
    stakes.get(subject)!.push(stake);
  }

  // Combine per holder and type by maximum; keep direct-only figures for the 100% check and caps.
  type Cell = { lo: number; hi: number; dLo: number; hasDirect: boolean };
  const combined = new Map<string, Map<string, Map<string, Cell>>>(); // subject -> type -> holder
  for (const [subject, list] of stakes) {
    const byType = new Map<string, Map<string, Cell>>();
    for (const s of list) {
      if (!byType.has(s.type)) byType.set(s.type, new Map());
      const m = byType.get(s.type)!;
      const c = m.get(s.holder) ?? { lo: 0, hi: 0, dLo: 0, hasDirect: false };
      c.lo = Math.max(c.lo, s.lo);
      c.hi = Math.max(c.hi, s.hi);
      if (!s.standIn) {
        c.dLo = Math.max(c.dLo, s.lo);
        c.hasDirect = true;
      }
      m.set(s.holder, c);
    }
    combined.set(subject, byType);
  }
  const inconsistent = new Set<string>();
  for (const [subject, byType] of combined) {
    for (const m of byType.values()) {
      let sum = 0;
      for (const c of m.values()) sum += c.hasDirect ? c.dLo : 0;
      if (sum > 100 + 1e-10) inconsistent.add(subject);
    }
  }

  // Step 3: roots (with their regions) and unknown origin.
  const rootRegions = new Map<string, Set<string>>();
  const unknownOrigin = new Set<string>();
  for (const [id, kind] of kinds) {
    const p = parties.get(id);
    let attrs: string[][] = [];
    let configured = true;
    if (kind === 'entity' || kind === 'unknownEntity' || kind === 'anonymousEntity') {
      configured = policy.origin.entities.length > 0;
      attrs = policy.origin.entities.map(
        (a) => (a === 'headquarters' ? p?.headquarters : p?.incorporation) ?? [],
      );
    } else if (kind === 'state' || kind === 'stateBody') {
      configured = policy.origin.states;
      attrs = [p?.incorporation ?? []];
    } else if (kind === 'person' || kind === 'unknownPerson' || kind === 'anonymousPerson') {
      configured = policy.origin.persons.length > 0;
      attrs = policy.origin.persons.map((a) => p?.[a] ?? []);
    }
    const regions = new Set<string>();
    if (configured)
      for (const vals of attrs)
        for (const v of vals) for (const r of restrictedRegions(v, policy)) regions.add(r);
    if (regions.size > 0) {
      rootRegions.set(id, regions);
      continue;
    }
    if (kind === 'undescribed' || kind === 'unspecified') unknownOrigin.add(id);
    else if (configured && attrs.every((v) => v.length === 0)) unknownOrigin.add(id);
  }
  const isRoot = (id: string) => rootRegions.has(id);
  const reviewUnknown = policy.unidentifiedOwners === 'review';

  // Step 4: the remainder per type (percent), and whether it may be restricted.
  const hasRemainder = (id: string) => kinds.get(id) === 'entity' && !unknownOrigin.has(id);
  const remainderMay = (id: string) =>
    hasRemainder(id) && policy.unaccountedShares === 'unknown' && !parties.get(id)?.listed && !exempt.has(id);
  const typesOf = (id: string) => [...(combined.get(id)?.keys() ?? [])];
  const remainder = (id: string, type: string | undefined): number => {
    if (type === undefined) return 100;
    let sum = 0;
    for (const c of combined.get(id)!.get(type)!.values()) sum += c.hasDirect ? c.dLo : 0;
    return Math.max(0, 100 - sum);
  };

  const allIds = [...kinds.keys()];
  const regionKeys =
    policy.aggregation === 'per-region'
      ? [...new Set([...rootRegions.values()].flatMap((s) => [...s]))].sort()
      : ['*'];
  if (regionKeys.length === 0) regionKeys.push('*');

  // Step 5: cascade, once per region (or once), single holders only under `none`.
  const D = new Set<string>();
  const P = new Set<string>();
  for (const region of regionKeys) {
    const rootIn = (id: string) => isRoot(id) && (region === '*' || rootRegions.get(id)!.has(region));
    const d = new Set(allIds.filter(rootIn));
    for (let changed = true; changed;) {
      changed = false;
      for (const id of allIds) {
        if (d.has(id)) continue;
        let join = (controls.get(id) ?? []).some((c) => c.kind === 'restricting' && d.has(c.holder));
        if (!join && !inconsistent.has(id)) {
          for (const type of typesOf(id)) {
            const cells = [...combined.get(id)!.get(type)!.entries()].filter(([h]) => d.has(h));
            const v =
              policy.aggregation === 'none'
                ? Math.max(0, ...cells.map(([, c]) => c.lo))
                : cells.reduce((s, [, c]) => s + c.lo, 0);
            if (isNear(v)) near.add(id);
            if (past(v)) join = true;
          }
        }
        if (join) {
          d.add(id);
          changed = true;
        }
      }
    }
    const p = new Set(
      allIds.filter(
        (id) =>
          rootIn(id) || (reviewUnknown && unknownOrigin.has(id)) || invalid.has(id) || inconsistent.has(id),
      ),
    );
    for (let changed = true; changed;) {
      changed = false;
      for (const id of allIds) {
        if (p.has(id)) continue;
        let join = (controls.get(id) ?? []).some((c) => p.has(c.holder));
        const types = typesOf(id);
        const rem = remainderMay(id);
        if (!join && types.length === 0 && rem) join = past(100);
        for (const type of join ? [] : types) {
          const cells = [...combined.get(id)!.get(type)!.entries()];
          const inP = cells.filter(([h]) => p.has(h));
          const outside = cells
            .filter(([h, c]) => !p.has(h) && c.hasDirect)
            .reduce((s, [, c]) => s + c.dLo, 0);
          const remV = rem ? remainder(id, type) : 0;
          const v =
            policy.aggregation === 'none'
              ? Math.max(remV, ...inP.map(([, c]) => c.hi))
              : inP.reduce((s, [, c]) => s + c.hi, 0) + remV;
          const most = Math.min(v, 100 - outside);
          if (isNear(most)) near.add(id);
          if (past(most)) join = true;
        }
        if (join) {
          p.add(id);
          changed = true;
        }
      }
    }
    for (const x of d) D.add(x);
    for (const x of p) P.add(x);
  }
  const cascadeVerdict = (id: string): Verdict =>
    D.has(id) ? 'restricted' : P.has(id) ? 'review' : 'allowed';

  // Step 6: look-through by Kleene iteration from zero, per solve; the largest over solves counts.
  const ltLo = new Map<string, number>();
  const ltHi = new Map<string, number>();
  type Solve = {
    root: (id: string) => boolean;
    unknownUp: (id: string) => boolean;
    forced: (id: string) => boolean;
    remainderOf: (id: string) => boolean;
  };
  const solves: Solve[] = [];
  const all = () => true;
  const none = () => false;
  if (policy.aggregation === 'none') {
    for (const id of allIds) {
      if (isRoot(id))
        solves.push({ root: (x) => x === id, unknownUp: none, forced: none, remainderOf: none });
      if (reviewUnknown && unknownOrigin.has(id))
        solves.push({ root: none, unknownUp: (x) => x === id, forced: none, remainderOf: none });
      if (invalid.has(id) || inconsistent.has(id))
        solves.push({ root: none, unknownUp: none, forced: (x) => x === id, remainderOf: none });
      if (remainderMay(id))
        solves.push({ root: none, unknownUp: none, forced: none, remainderOf: (x) => x === id });
    }
    if (solves.length === 0) solves.push({ root: none, unknownUp: none, forced: none, remainderOf: none });
  } else {
    for (const region of regionKeys) {
      solves.push({
        root: (id) => isRoot(id) && (region === '*' || rootRegions.get(id)!.has(region)),
        unknownUp: (id) => reviewUnknown && unknownOrigin.has(id),
        forced: (id) => invalid.has(id) || inconsistent.has(id),
        remainderOf: all,
      });
    }
  }
  const ltThr = thr / 100;
  const ltPast = (v: number) => (incl ? v >= ltThr - 1e-12 : v > ltThr + 1e-12);
  for (const solve of solves) {
    const lo = new Map<string, number>(allIds.map((id) => [id, 0]));
    const hi = new Map<string, number>(allIds.map((id) => [id, 0]));
    for (let iter = 0; iter < 5000; iter++) {
      let delta = 0;
      for (const id of allIds) {
        let l = 0;
        let h = 0;
        if (solve.root(id)) {
          l = 1;
          h = 1;
        } else {
          const types = typesOf(id);
          for (const type of types) {
            const cells = [...combined.get(id)!.get(type)!.entries()];
            let tl = 0;
            let th = 0;
            let clear = 0;
            for (const [hd, c] of cells) {
              tl += (c.lo / 100) * lo.get(hd)!;
              th += (c.hi / 100) * hi.get(hd)!;
              if (c.hasDirect) clear += (c.dLo / 100) * (1 - hi.get(hd)!);
            }
            if (remainderMay(id) && solve.remainderOf(id)) th += remainder(id, type) / 100;
            th = Math.min(th, 1 - clear);
            l = Math.max(l, tl);
            h = Math.max(h, th);
          }
          if (types.length === 0 && remainderMay(id) && solve.remainderOf(id)) h = 1;
          if (solve.unknownUp(id)) h = 1;
          const ctrls = controls.get(id) ?? [];
          if (ctrls.some((c) => c.kind === 'restricting' && ltPast(lo.get(c.holder)!))) {
            l = 1;
            h = 1;
          } else if (ctrls.some((c) => ltPast(hi.get(c.holder)!))) h = 1;
          if (solve.forced(id)) {
            h = 1;
            if (inconsistent.has(id) && !(l === 1)) l = 0;
          }
          h = Math.min(1, Math.max(h, l));
        }
        delta = Math.max(delta, Math.abs(l - lo.get(id)!), Math.abs(h - hi.get(id)!));
        lo.set(id, l);
        hi.set(id, h);
      }
      if (delta < 1e-13) break;
    }
    for (const id of allIds) {
      ltLo.set(id, Math.max(ltLo.get(id) ?? 0, lo.get(id)!));
      ltHi.set(id, Math.max(ltHi.get(id) ?? 0, hi.get(id)!));
    }
  }

  const out = new Map<string, RefDecision>();
  for (const [id, p] of parties) {
    if (p.kind === 'person' || p.kind === 'unknownPerson' || p.kind === 'anonymousPerson') continue;
    const l = ltLo.get(id)!;
    const h = ltHi.get(id)!;
    const lt: Verdict = ltPast(l) ? 'restricted' : !ltPast(h) ? 'allowed' : 'review';
    const c = cascadeVerdict(id);
    let decision: Verdict;
    if (isRoot(id)) decision = 'restricted';
    else if (policy.method === 'cascade') decision = c;
    else if (policy.method === 'look-through') decision = lt;
    else if (policy.method === 'either')
      decision =
        c === 'restricted' || lt === 'restricted'
          ? 'restricted'
          : c === 'allowed' && lt === 'allowed'
            ? 'allowed'
            : 'review';
    else
      decision =
        c === 'restricted' && lt === 'restricted'
          ? 'restricted'
          : c === 'allowed' && lt === 'allowed'
            ? 'allowed'
            : 'review';
    const nearLt = Math.abs(l * 100 - thr) < 1e-4 || Math.abs(h * 100 - thr) < 1e-4;
    out.set(id, {
      decision,
      cascade: c,
      lookThrough: lt,
      lt: [l * 100, h * 100],
      nearThreshold: near.has(id) || nearLt,
    });
  }
  return out;
}

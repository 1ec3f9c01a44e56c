// Laws of the control evaluator on random graphs (cycles, ranges, unknown parties, dates):
// order independence, determinism, monotonicity in restricted stakes, a clean graph is allowed,
// and the intervals contain every concrete reading of the ranges.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createGraphBuilder, evaluate, type Decision } from '../src/evaluator/index.ts';
import { partyStatement, relationshipStatement } from '../src/model/factories.ts';
import type { AnyStatement, Interest, Party, ShareInput } from '../src/model/types.ts';
import { loadPolicy } from '../src/policy/load.ts';

const AS_OF = '2025-10-01';
const POLICY = loadPolicy();
const RUNS = 150;

interface Stake {
  holder: number | 'unknown';
  subject: number;
  type: 'shareholding' | 'votingRights' | 'appointmentOfBoard' | 'boardMember' | undefined;
  lo: number;
  hi: number;
  missing: boolean;
}

interface World {
  parties: Party[];
  stakes: Stake[];
}

const country = (clean: boolean) =>
  clean ? fc.constantFrom('US', 'SG', 'DE', 'TW') : fc.constantFrom('CN', 'HK', 'RU', 'US', 'SG', 'DE');

function worldArb(opts: { clean: boolean; control: boolean }): fc.Arbitrary<World> {
  return fc.integer({ min: 2, max: 9 }).chain((n) =>
    fc
      .record({
        parties: fc.array(
          fc.record({
            kind: opts.clean
              ? fc.constantFrom<Party['kind']>('entity', 'entity', 'person')
              : fc.constantFrom<Party['kind']>(
                  'entity',
                  'entity',
                  'entity',
                  'person',
                  'unknownEntity',
                  'state',
                ),
            c: country(opts.clean),
          }),
          { minLength: n, maxLength: n },
        ),
        stakes: fc.array(
          fc.record({
            holder: opts.clean
              ? fc.integer({ min: 0, max: n - 1 })
              : fc.oneof(
                  {
                    weight: 9,
                    arbitrary: fc.integer({ min: 0, max: n - 1 }) as fc.Arbitrary<number | 'unknown'>,
                  },
                  { weight: 1, arbitrary: fc.constant('unknown' as const) },
                ),
            subject: fc.integer({ min: 0, max: n - 1 }),
            type: opts.control
              ? fc.constantFrom(
                  'shareholding',
                  'shareholding',
                  'votingRights',
                  'appointmentOfBoard',
                  'boardMember',
                  undefined,
                )
              : fc.constantFrom('shareholding', 'shareholding', 'votingRights', undefined),
            a: fc.integer({ min: 0, max: 100 }),
            b: fc.integer({ min: 0, max: 100 }),
            missing: fc.boolean(),
          }),
          { maxLength: 16 },
        ),
      })
      .map(({ parties, stakes }) => {
        const ps: Party[] = parties.map(({ kind, c }, i) => {
          const id = `p${i}`;
          if (kind === 'person') return { id, kind, nationality: [c], residence: [c] };
          if (kind === 'state') return { id, kind, incorporation: [c] };
          if (kind === 'unknownEntity') return { id, kind };
          return { id, kind, headquarters: [c], incorporation: [c] };
        });
        // Keep every subject's stated stakes within 100% per type (sum of the upper bounds), so
        // any reading of the ranges is consistent; an unstated share only as a subject's sole stake.
        const out: Stake[] = [];
        const used = new Map<string, number>();
        for (const s of stakes) {
          if (s.holder === s.subject || ps[s.subject]!.kind === 'person') continue;
          const key = `${s.subject}:${s.type ?? ''}`;
          const room = 100 - (used.get(key) ?? 0);
          const isControl = s.type === 'appointmentOfBoard' || s.type === 'boardMember';
          if (isControl) {
            out.push({ ...s, lo: 0, hi: 0, missing: true });
            continue;
          }
          if (s.missing && room === 100 && !stakes.some((o) => o !== s && o.subject === s.subject)) {
            out.push({ ...s, lo: 0, hi: 100, missing: true });
            used.set(key, 100);
            continue;
          }
          const hi = Math.min(Math.max(s.a, s.b), room);
          const lo = Math.min(Math.min(s.a, s.b), hi);
          if (hi === 0) continue;
          used.set(key, (used.get(key) ?? 0) + hi);
          out.push({ ...s, lo, hi, missing: false });
        }
        return { parties: ps, stakes: out };
      }),
  );
}

function shareOf(s: Stake): ShareInput | undefined {
  if (s.missing) return undefined;
  return s.lo === s.hi ? { exact: s.lo } : { minimum: s.lo, maximum: s.hi };
}

function statementsOf(
  w: World,
  share: (s: Stake, i: number) => ShareInput | undefined = shareOf,
): AnyStatement[] {
  const out: AnyStatement[] = w.parties.map((p) =>
    partyStatement(p, { statementId: `s-${p.id}`, statementDate: '2025-01-15' }),
  );
  w.stakes.forEach((s, i) => {
    const interest: Interest = {};
    if (s.type !== undefined) interest.type = s.type;
    const sh = share(s, i);
    if (sh !== undefined) interest.share = sh;
    const holder = s.holder === 'unknown' ? { reason: 'informationUnknownToPublisher' } : `p${s.holder}`;
    out.push(
      relationshipStatement(
        { id: `r${i}`, subject: `p${s.subject}`, interestedParty: holder, interests: [interest] },
        { statementId: `s-r${i}`, statementDate: '2025-02-01' },
      ),
    );
  });
  return out;
}

function decide(statements: AnyStatement[]): Decision[] {
  const b = createGraphBuilder();
  for (const s of statements) b.add(s);
  return evaluate(b.build(AS_OF), POLICY);
}

/** Later restatements, closures, ties and future statements, for the order law. */
const datedArb = worldArb({ clean: false, control: true }).chain((w) =>
  fc
    .array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('later', 'tie', 'closed', 'future'),
        fc.integer({ min: 0, max: 100 }),
      ),
      {
        maxLength: 6,
      },
    )
    .map((edits) => {
      const st = statementsOf(w);
      for (const [pick, edit, pct] of edits) {
        const base = st[pick % st.length]!;
        const date = edit === 'later' ? '2025-06-01' : edit === 'future' ? '2026-01-01' : base.statementDate;
        const copy = structuredClone(base);
        copy.statementId = `${base.statementId}-${edit}-${pct}`;
        if (date !== undefined) copy.statementDate = date;
        if (edit === 'closed') copy.recordStatus = 'closed';
        if (copy.recordType === 'relationship')
          copy.record.interests = [{ type: 'shareholding', share: { exact: pct } }];
        st.push(copy);
      }
      return st;
    }),
);

describe('evaluator properties (random graphs)', () => {
  it('the decisions do not depend on the order of the statements', () => {
    fc.assert(
      fc.property(datedArb, fc.nat(), (st, seed) => {
        const shuffled = [...st];
        let x = seed + 1;
        for (let i = shuffled.length - 1; i > 0; i--) {
          x = (x * 1103515245 + 12345) % 2147483648;
          const j = x % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        assert.equal(JSON.stringify(decide(shuffled)), JSON.stringify(decide(st)));
      }),
      { numRuns: RUNS },
    );
  });

  it('the same inputs give byte-identical output', () => {
    fc.assert(
      fc.property(datedArb, (st) => {
        assert.equal(JSON.stringify(decide(st)), JSON.stringify(decide(structuredClone(st))));
      }),
      { numRuns: RUNS },
    );
  });

  it('adding a stake held by a restricted party never relaxes a decision (default policy)', () => {
    const rank = { allowed: 0, review: 1, restricted: 2 };
    fc.assert(
      fc.property(
        worldArb({ clean: false, control: true }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom('shareholding', 'votingRights'),
        fc.integer({ min: 1, max: 100 }),
        (w, target, type, pct) => {
          const subject = target % w.parties.length;
          if (w.parties[subject]!.kind === 'person') return;
          const room =
            100 -
            w.stakes.filter((s) => s.subject === subject && s.type === type).reduce((a, s) => a + s.hi, 0);
          if (room <= 0) return;
          const parties = [
            ...w.parties,
            { id: `p${w.parties.length}`, kind: 'entity' as const, headquarters: ['CN'] },
          ];
          const before = new Map(
            decide(statementsOf({ parties, stakes: w.stakes })).map((d) => [d.id, d.decision]),
          );
          const stake: Stake = {
            holder: parties.length - 1,
            subject,
            type,
            lo: Math.min(pct, room),
            hi: Math.min(pct, room),
            missing: false,
          };
          const after = decide(statementsOf({ parties, stakes: [...w.stakes, stake] }));
          for (const d of after)
            assert.ok(
              rank[d.decision] >= rank[before.get(d.id)!],
              `${d.id}: ${before.get(d.id)} -> ${d.decision}`,
            );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a graph with no restricted party, no unknown origin and no flag is all allowed', () => {
    fc.assert(
      fc.property(worldArb({ clean: true, control: true }), (w) => {
        for (const d of decide(statementsOf(w))) {
          assert.deepEqual(d.flags, []);
          assert.equal(d.decision, 'allowed', JSON.stringify(d));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('the intervals contain what the graph gives with every range read as a number inside it', () => {
    fc.assert(
      fc.property(
        worldArb({ clean: false, control: true }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 16, maxLength: 16 }),
        (w, picks) => {
          const ranged = new Map(decide(statementsOf(w)).map((d) => [d.id, d]));
          const concrete = decide(
            statementsOf(w, (s, i) => {
              if (s.missing && s.hi === 0) return undefined; // a control interest
              const f = picks[i % picks.length]! / 1_000_000;
              return { exact: Math.round((s.lo + f * (s.hi - s.lo)) * 1e6) / 1e6 };
            }),
          );
          for (const c of concrete) {
            const r = ranged.get(c.id)!;
            assert.ok(
              r.cascade.min <= c.cascade.min && c.cascade.max <= r.cascade.max,
              `${c.id} cascade ${JSON.stringify([r.cascade, c.cascade])}`,
            );
            assert.ok(
              r.lookThrough.min <= c.lookThrough.min && c.lookThrough.max <= r.lookThrough.max,
              `${c.id} look-through ${JSON.stringify([r.lookThrough, c.lookThrough])}`,
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

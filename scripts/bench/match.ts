// Matching benchmark: a generated registry (default 3M entities) and 1M tenants with known
// variants (case, legal form, abbreviation, word order, typos, CJK, identifiers, distractors).
// Prints index build time, matching throughput and precision/recall against the labels.
//   npm run bench:match                 full size (target: 1M tenants in under 2 minutes)
//   npm run bench:match -- --scale 0.01 a quick run (30k entities, 10k tenants)
//   npm run bench:match -- --tenants 50000  the full registry, fewer tenants (block sizes as at full scale)
//   npm run bench:match -- --workers 1  match on the main thread (default: one thread per CPU)
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Party } from '../../src/model/types.ts';
import {
  createEntityIndex,
  createMatcherPool,
  usccCheckChar,
  type MatchResult,
  type TenantLike,
} from '../../src/resolve/index.ts';
import { rng } from './graph-gen.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const scale = arg('scale', 1);
const ENTITIES = Math.round(3_000_000 * scale);
const TENANTS = Math.round(arg('tenants', 1_000_000 * scale));
const SEED = arg('seed', 42);
const WORKERS = arg('workers', Math.max(1, availableParallelism()));
/** tenants per matchMany call, and calls in flight (the pool batches each call for its threads) */
const CHUNK = 8192;
const IN_FLIGHT = 4;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const SYLLABLES = (
  'ka ri to mo na su le vi ar en ol um ex ze qu ba de fi go hu ja ko lu ma ne po ra si ta vo wa xi yo ' +
  'zu bel cor dan fer gal hal jor kel lin mar nor pel quin ros sal tor val wen yor zan tek lux nov'
).split(' ');
const SECTORS = [
  'Technology',
  'Communications',
  'Group',
  'International',
  'Holdings',
  'Services',
  'Data',
  'Cloud',
  'Software',
  'Media',
  'Logistics',
  'Energy',
];
const ABBREV: Record<string, string> = {
  Technology: 'TECH',
  Communications: 'COMM',
  Group: 'GRP',
  International: 'INTL',
  Holdings: 'HLDGS',
  Services: 'SVCS',
};
const PLACES = [
  'Guangzhou',
  'Shenzhen',
  'Berlin',
  'London',
  'Austin',
  'Osaka',
  'Lyon',
  'Milan',
  'Pune',
  'Sydney',
];
const COUNTRIES = ['CN', 'US', 'GB', 'DE', 'FR', 'JP', 'SG', 'IN', 'AU', 'IT', 'NL', 'KR'];
const FORMS: Record<string, string[]> = {
  CN: ['Co., Ltd.', 'Limited'],
  US: ['Inc.', 'LLC', 'Corp.'],
  GB: ['Ltd', 'Limited', 'PLC'],
  DE: ['GmbH', 'AG'],
  FR: ['S.A.S.', 'SARL'],
  JP: ['K.K.', 'Co., Ltd.'],
  SG: ['Pte. Ltd.'],
  IN: ['Pvt Ltd'],
  AU: ['Pty Ltd'],
  IT: ['S.p.A.', 'S.r.l.'],
  NL: ['B.V.', 'N.V.'],
  KR: ['Co., Ltd.'],
};
const HAN =
  '华海格通信天宇金龙瑞达恒博远凯明德新源泰中科云帆盛联信安网智能数据软件创星辰光电子微芯宏图'.split('');

function word(r: Rand): string {
  const n = 2 + Math.floor(r() * 2);
  let w = '';
  for (let i = 0; i < n; i++) w += pick(r, SYLLABLES);
  return w[0]!.toUpperCase() + w.slice(1);
}

const LEI_CHARS = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const USCC_CHARS = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'];

function leiFor(r: Rand): string {
  let base = '';
  let rem = 0;
  for (let i = 0; i < 18; i++) {
    const v = Math.floor(r() * LEI_CHARS.length);
    base += LEI_CHARS[v]!;
    // ISO 7064 mod 97-10 over the digits, letters as 10..35 (two digits)
    rem = v < 10 ? (rem * 10 + v) % 97 : (rem * 100 + v) % 97;
  }
  rem = (rem * 100) % 97;
  return base + String(98 - rem).padStart(2, '0');
}

function usccFor(r: Rand): string {
  let s = '914401';
  for (let i = 0; i < 11; i++) s += pick(r, USCC_CHARS);
  return s + usccCheckChar(s)!;
}

interface Gen {
  party: Party;
  core: string[];
  sector?: string;
  place?: string;
  form: string;
  country: string;
  lei?: string;
  uscc?: string;
  han?: string;
}

function entity(j: number): Gen {
  const r = rng(SEED * 1_000_003 + j);
  const country = pick(r, COUNTRIES);
  const core = [word(r), ...(r() < 0.35 ? [word(r)] : [])];
  const sector = r() < 0.6 ? pick(r, SECTORS) : undefined;
  const place = r() < 0.2 ? pick(r, PLACES) : undefined;
  const form = pick(r, FORMS[country]!);
  const name = [place, ...core, sector, form].filter(Boolean).join(' ');
  const lei = r() < 0.3 ? leiFor(r) : undefined;
  const uscc = country === 'CN' && r() < 0.8 ? usccFor(r) : undefined;
  let han: string | undefined;
  if (country === 'CN' && r() < 0.5) {
    han = '';
    for (let i = 0, n = 3 + Math.floor(r() * 3); i < n; i++) han += pick(r, HAN);
    han += '有限公司';
  }
  const identifiers = [
    ...(lei ? [{ scheme: 'XI-LEI', id: lei }] : []),
    ...(uscc ? [{ scheme: 'CN-SAMR', id: uscc }] : []),
  ];
  const party: Party = {
    id: `E${j}`,
    kind: 'entity',
    name,
    headquarters: [country],
    ...(han ? { alternateNames: [han] } : {}),
    ...(identifiers.length ? { identifiers } : {}),
  };
  return {
    party,
    core,
    ...(sector ? { sector } : {}),
    ...(place ? { place } : {}),
    form,
    country,
    ...(lei ? { lei } : {}),
    ...(uscc ? { uscc } : {}),
    ...(han ? { han } : {}),
  };
}

/** time spent generating registry parties, so the index build figure can leave it out */
let registryGenMs = 0;
function* registry(): Generator<Party> {
  for (let j = 0; j < ENTITIES; j++) {
    const g0 = performance.now();
    const p = entity(j).party;
    registryGenMs += performance.now() - g0;
    yield p;
  }
}

type Variant =
  | 'exact'
  | 'upper'
  | 'legal-form'
  | 'abbreviation'
  | 'word-order'
  | 'typo'
  | 'cjk'
  | 'identifier'
  | 'distractor';
const VARIANTS: Variant[] = [
  'exact',
  'upper',
  'legal-form',
  'abbreviation',
  'word-order',
  'typo',
  'cjk',
  'identifier',
  'distractor',
];

function typo(r: Rand, w: string): string {
  const i = 1 + Math.floor(r() * (w.length - 2));
  return w.slice(0, i) + pick(r, [...'aeiourstnl']) + w.slice(i + 1);
}

function tenant(i: number): { t: TenantLike; truth?: string; variant: Variant } {
  const r = rng(SEED * 7_919 + i + 0x9e3779b9);
  const variant = pick(r, VARIANTS);
  if (variant === 'distractor') {
    const name = `${word(r)} ${word(r)} ${pick(r, SECTORS)} ${pick(r, ['Ltd', 'Inc.', 'GmbH'])}`;
    return { t: { legalName: name, countryCode: pick(r, COUNTRIES) }, variant };
  }
  const j = Math.floor(r() * ENTITIES);
  const e = entity(j);
  const country = r() < 0.7 ? { countryCode: e.country } : {};
  const parts = (core: string[], sector = e.sector) => [e.place, ...core, sector].filter(Boolean) as string[];
  let name: string;
  let extra: Partial<TenantLike> = {};
  switch (variant) {
    case 'exact':
      name = e.party.name!;
      break;
    case 'upper':
      name = e.party.name!.toUpperCase().replace(/\./g, '');
      break;
    case 'legal-form':
      name = `${parts(e.core).join(' ')} ${pick(r, ['Limited', 'Co Ltd', 'Inc', ''])}`.trim();
      break;
    case 'abbreviation':
      name = parts(e.core, e.sector && ABBREV[e.sector] ? ABBREV[e.sector] : e.sector)
        .join(' ')
        .toUpperCase();
      break;
    case 'word-order':
      name = `${parts(e.core).reverse().join(' ')} ${e.form}`;
      break;
    case 'typo': {
      const k = Math.floor(r() * e.core.length);
      name = `${parts(e.core.map((w, x) => (x === k ? typo(r, w) : w))).join(' ')} ${e.form}`;
      break;
    }
    case 'cjk':
      name = e.han ?? e.party.name!;
      break;
    case 'identifier':
      name = e.party.name!.toUpperCase();
      if (e.uscc) extra = { registrationIds: [{ scheme: 'tax_registration_number', id: e.uscc }] };
      else if (e.lei) extra = { registrationIds: [{ scheme: 'LEI', id: e.lei }] };
      break;
  }
  return { t: { legalName: name, ...country, ...extra }, truth: e.party.id, variant };
}

async function main(): Promise<void> {
  const mb = () => Math.round(process.memoryUsage().heapUsed / 1e6);
  const rss = () => Math.round(process.memoryUsage().rss / 1e6);
  console.log(
    `registry ${ENTITIES.toLocaleString()} entities, ${TENANTS.toLocaleString()} tenants (scale ${scale}, seed ${SEED})`,
  );
  let t0 = performance.now();
  const buildCpu0 = process.cpuUsage();
  const index = createEntityIndex(registry());
  const buildCpu = process.cpuUsage(buildCpu0);
  const buildS = (performance.now() - t0 - registryGenMs) / 1000;
  console.log(
    `index: ${index.entityCount.toLocaleString()} entities, ${index.nameCount.toLocaleString()} names in ${buildS.toFixed(1)} s ` +
      `(registry generation ${(registryGenMs / 1000).toFixed(1)} s excluded; CPU ${((buildCpu.user + buildCpu.system) / 1e6).toFixed(1)} s with it), heap ${mb()} MB, rss ${rss()} MB`,
  );

  const stats = new Map<
    Variant,
    { n: number; tp: number; fp: number; review: number; reviewHit: number; unresolved: number }
  >();
  for (const v of VARIANTS) stats.set(v, { n: 0, tp: 0, fp: 0, review: 0, reviewHit: 0, unresolved: 0 });
  // generation comes first, so the figure is matching alone (threads started, tenants sent, results read)
  t0 = performance.now();
  const tenants = Array.from({ length: TENANTS }, (_, i) => tenant(i));
  const genS = (performance.now() - t0) / 1000;
  const tally = (from: number, results: MatchResult[]) => {
    results.forEach((m, k) => {
      const { truth, variant } = tenants[from + k]!;
      const s = stats.get(variant)!;
      s.n++;
      if (m.status === 'matched') {
        if (m.entityId === truth) s.tp++;
        else s.fp++;
      } else if (m.status === 'review') {
        s.review++;
        if (truth !== undefined && m.candidates.some((c) => c.entityId === truth)) s.reviewHit++;
      } else s.unresolved++;
    });
  };
  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const pool = createMatcherPool(index, { workers: WORKERS });
  try {
    // CHUNK tenants a call, IN_FLIGHT calls at once: the threads always have the next batches queued
    const inFlight: Array<Promise<void>> = [];
    for (let from = 0; from < TENANTS; from += CHUNK) {
      const chunk = tenants.slice(from, from + CHUNK).map((x) => x.t);
      inFlight.push(pool.matchMany(chunk).then((rs) => tally(from, rs)));
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  const matchS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // on a shared machine wall time overstates the cost: report CPU time too (every thread's)
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `matching: ${TENANTS.toLocaleString()} tenants in ${matchS.toFixed(1)} s on ${pool.workers} thread${pool.workers > 1 ? 's' : ''} ` +
      `(${Math.round(TENANTS / matchS).toLocaleString()}/s; generation ${genS.toFixed(1)} s before, excluded), heap ${mb()} MB, rss ${rss()} MB`,
  );
  const perMillion = (matchS * 1_000_000) / TENANTS;
  console.log(
    `  -> ${perMillion.toFixed(1)} s wall per 1M tenants (target < 120 s): ${perMillion < 120 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `  -> CPU ${cpuS.toFixed(1)} s for matching (all threads) = ${((cpuS * 1_000_000) / TENANTS).toFixed(1)} s CPU per 1M tenants; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
  );

  console.log('\nvariant        n        auto-correct auto-wrong  review(hit)       unresolved');
  let tp = 0;
  let fp = 0;
  let known = 0;
  let hits = 0;
  for (const [v, s] of stats) {
    tp += s.tp;
    fp += s.fp;
    if (v !== 'distractor') {
      known += s.n;
      hits += s.reviewHit;
    }
    console.log(
      `${v.padEnd(14)} ${String(s.n).padStart(8)} ${String(s.tp).padStart(12)} ${String(s.fp).padStart(10)}  ${String(s.review).padStart(8)} (${String(s.reviewHit).padStart(7)}) ${String(s.unresolved).padStart(10)}`,
    );
  }
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  console.log(
    `\nprecision of automatic matches: ${pct(tp / Math.max(1, tp + fp))} (${fp} wrong of ${tp + fp})`,
  );
  console.log(`recall, automatic only:         ${pct(tp / Math.max(1, known))}`);
  console.log(
    `recall, automatic + review with the true entity among the candidates: ${pct((tp + hits) / Math.max(1, known))}`,
  );
}

await main();

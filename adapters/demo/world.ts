// Generates the demo marketplace: companies with realistic names and countries, ownership groups
// (some controlled from restricted regions, through holdings and joint ventures), and their tenants
// on AWS, Google Cloud and Azure with payers, CSP resellers and billing accounts. Deterministic per seed.
import type { Cloud } from '../../src/adapter.ts';
import type { DemoCompany, DemoTenant, DemoUsage, DemoWorld } from './world-types.ts';
import { bodsEntity, bodsRelationship, bodsUnknownOwner } from './bods.ts';
import { companyName, type Rng, createRng, leiFor } from './names.ts';

export interface DemoOptions {
  seed?: number;
  /** how many end-customer tenants (channel parties come on top) */
  tenants?: number;
  /** YYYY-MM of the last month of usage */
  lastMonth?: string;
}

/** The ownership shapes the demo draws from, with the decision the control rule must reach. */
type Shape =
  | 'independent'
  | 'cn-parent-direct'
  | 'cayman-holding-cn-hq'
  | 'jv-50-50'
  | 'cn-hk-aggregate'
  | 'cn-minority'
  | 'unknown-owner'
  | 'hk-headquartered'
  | 'listed'
  | 'cn-range';

const SHAPES: Array<[Shape, number, DemoCompany['expected']]> = [
  ['independent', 58, 'allowed'],
  ['listed', 8, 'allowed'],
  ['cn-minority', 6, 'allowed'],
  ['jv-50-50', 4, 'allowed'],
  ['cn-parent-direct', 6, 'restricted'],
  ['cayman-holding-cn-hq', 5, 'restricted'],
  ['cn-hk-aggregate', 3, 'restricted'],
  ['hk-headquartered', 3, 'restricted'],
  ['unknown-owner', 4, 'review'],
  ['cn-range', 3, 'review'],
];

const SUBSIDIARY_COUNTRIES = [
  'US',
  'GB',
  'DE',
  'FR',
  'JP',
  'SG',
  'IN',
  'BR',
  'CA',
  'AU',
  'KR',
  'NL',
  'AE',
  'TW',
];
const MODELS: Record<Cloud, string[]> = {
  aws: ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-haiku-4-5-20251001-v1:0'],
  gcp: ['claude-sonnet-4-5@20250929', 'claude-haiku-4-5@20251001'],
  azure: ['claude-sonnet-4-5', 'claude-haiku-4-5'],
};

function pickShape(rng: Rng): [Shape, DemoCompany['expected']] {
  const total = SHAPES.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [shape, w, expected] of SHAPES) {
    r -= w;
    if (r < 0) return [shape, expected];
  }
  return ['independent', 'allowed'];
}

function monthsEnding(last: string, n: number): string[] {
  const [y, m] = last.split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

export function generateDemoWorld(options: DemoOptions = {}): DemoWorld {
  const seed = options.seed ?? 20251001;
  const rng = createRng(seed);
  const months = monthsEnding(options.lastMonth ?? '2026-10', 2);
  const target = options.tenants ?? 3000;
  const companies: DemoCompany[] = [];
  const tenants: DemoTenant[] = [];
  const bods: unknown[] = [];
  const usedNames = new Set<string>();
  const keys = new KeyMaker(rng);

  const newCompany = (
    country: string,
    role: 'operating' | 'parent' | 'holding' | 'reseller',
    expected: DemoCompany['expected'],
  ) => {
    const id = `demo-co-${String(companies.length + 1).padStart(6, '0')}`;
    // No two companies share a distinctive name (a name matcher could not tell them apart either);
    // when the narrow name space is used up, draw from a wider one.
    let drawn = companyName(rng, country, role);
    for (let i = 0; usedNames.has(drawn.base.toLowerCase()); i++)
      drawn = companyName(rng, country, role, Math.floor(i / 4));
    usedNames.add(drawn.base.toLowerCase());
    const name = drawn.name;
    const company: DemoCompany = {
      id,
      legalName: name,
      country,
      domain: domainOf(drawn.base, country),
      expected,
      ...(rng.next() < 0.6 ? { lei: leiFor(rng) } : {}),
      ...(country !== 'US' && rng.next() < 0.8 ? { taxId: `${country}${rng.digits(9)}` } : {}),
    };
    companies.push(company);
    return company;
  };
  const entity = (c: DemoCompany, extra: { hqCountry?: string; listed?: boolean } = {}) =>
    bods.push(bodsEntity(c, extra));
  const owns = (holder: DemoCompany, subject: DemoCompany, share: Record<string, number>) =>
    bods.push(bodsRelationship(`rel-${holder.id}-${subject.id}`, holder.id, subject.id, share));

  /** Builds one customer company under a shape, with its owners, and returns it. */
  const customer = (): DemoCompany => {
    const [shape, expected] = pickShape(rng);
    const country = rng.pick(SUBSIDIARY_COUNTRIES);
    switch (shape) {
      case 'hk-headquartered': {
        const c = newCompany('HK', 'operating', expected);
        entity(c);
        return c;
      }
      case 'listed': {
        const c = newCompany(country, 'operating', expected);
        entity(c, { listed: true });
        return c;
      }
      default: {
        const c = newCompany(country, 'operating', expected);
        entity(c);
        const cleanParent = () => {
          const p = newCompany(rng.pick(['US', 'GB', 'DE', 'JP', 'SG']), 'parent', 'allowed');
          entity(p);
          return p;
        };
        const cnParent = (cc = 'CN') => {
          const p = newCompany(cc, 'parent', 'restricted');
          entity(p);
          return p;
        };
        if (shape === 'independent') owns(cleanParent(), c, { exact: 100 });
        if (shape === 'cn-parent-direct') owns(cnParent(), c, { exact: rng.pick([51, 60, 75, 100]) });
        if (shape === 'cayman-holding-cn-hq') {
          const group = cnParent();
          const holding = newCompany('KY', 'holding', 'restricted');
          entity(holding, { hqCountry: 'CN' });
          owns(group, holding, { exact: 100 });
          owns(holding, c, { exact: rng.pick([70, 80, 100]) });
        }
        if (shape === 'jv-50-50') {
          owns(cnParent(), c, { exact: 50 });
          owns(cleanParent(), c, { exact: 50 });
        }
        if (shape === 'cn-hk-aggregate') {
          owns(cnParent(), c, { exact: 30 });
          owns(cnParent('HK'), c, { exact: 25 });
          owns(cleanParent(), c, { exact: 45 });
        }
        if (shape === 'cn-minority') {
          owns(cnParent(), c, { exact: rng.pick([10, 20, 35, 49]) });
          owns(cleanParent(), c, { exact: 51 });
        }
        if (shape === 'unknown-owner') bods.push(bodsUnknownOwner(`rel-unknown-${c.id}`, c.id));
        if (shape === 'cn-range') owns(cnParent(), c, { minimum: 40, maximum: 60 });
        return c;
      }
    }
  };

  // Channel parties: a few AWS payer accounts and Azure CSP resellers, one of them in Hong Kong.
  const resellers = [
    newCompany('US', 'reseller', 'allowed'),
    newCompany('GB', 'reseller', 'allowed'),
    newCompany('HK', 'reseller', 'restricted'),
  ];
  for (const r of resellers) entity(r);
  const awsPayers = resellers.map((r) => channelTenant('aws', r, keys, months, rng));
  const azureResellers = resellers.map((r) => channelTenant('azure', r, keys, months, rng));
  tenants.push(...awsPayers, ...azureResellers);

  let made = 0;
  while (made < target) {
    const company = customer();
    const clouds: Cloud[] =
      rng.next() < 0.2
        ? (['aws', 'gcp', 'azure'] as Cloud[]).filter(() => rng.next() < 0.7)
        : [rng.pick(['aws', 'gcp', 'azure'] as Cloud[])];
    if (clouds.length === 0) clouds.push('aws');
    for (const cloud of clouds) {
      if (made >= target) break;
      const t = customerTenant(cloud, company, keys, months, rng);
      if (cloud === 'aws' && rng.next() < 0.15) t.payerKey = rng.pick(awsPayers).key;
      if (cloud === 'azure' && rng.next() < 0.25) t.resellerKey = rng.pick(azureResellers).key;
      tenants.push(t);
      made++;
    }
    // Personal / unidentifiable buyers: about one in forty.
    if (made < target && rng.next() < 0.025) {
      tenants.push(personalTenant(rng.pick(['aws', 'gcp', 'azure'] as Cloud[]), keys, months, rng));
      made++;
    }
  }
  return { seed, months, companies, tenants, bods };
}

/** The company's web domain, from its distinctive name (unique in the world, so the domain is too). */
function domainOf(base: string, country: string): string {
  const stem = base
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]/g, '');
  const tld =
    {
      US: 'com',
      GB: 'co.uk',
      DE: 'de',
      FR: 'fr',
      JP: 'co.jp',
      SG: 'com.sg',
      IN: 'in',
      CN: 'cn',
      HK: 'com.hk',
      RU: 'ru',
      BR: 'com.br',
      KR: 'co.kr',
      AU: 'com.au',
    }[country] ?? 'com';
  return `${stem || 'example'}.${tld}`;
}

class KeyMaker {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Rng) {}
  make(cloud: Cloud): string {
    for (;;) {
      const k =
        cloud === 'aws'
          ? this.rng.digits(12)
          : cloud === 'gcp'
            ? this.rng.hex(8) + '-' + this.rng.hex(4) + '-' + this.rng.hex(12)
            : guid(this.rng);
      if (!this.used.has(k)) {
        this.used.add(k);
        return k;
      }
    }
  }
}

function guid(rng: Rng): string {
  return `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${rng.pick(['8', '9', 'a', 'b'])}${rng.hex(3)}-${rng.hex(12)}`;
}

function reportedName(cloud: Cloud, c: DemoCompany, rng: Rng): string {
  // Each cloud's reports carry the name their own way: AWS tax names upper case, Azure as typed.
  if (cloud === 'aws') return c.legalName.toUpperCase();
  if (cloud === 'azure' && rng.next() < 0.3)
    return c.legalName.replace(/\bCo\., Ltd\.$/, 'Co Ltd').replace(/\bLimited$/, 'Ltd');
  return c.legalName;
}

function usageFor(cloud: Cloud, months: string[], rng: Rng, scale = 1): DemoUsage[] {
  const out: DemoUsage[] = [];
  for (const month of months) {
    for (const model of MODELS[cloud]) {
      if (rng.next() < 0.35) continue;
      const requests = Math.round(rng.next() * 50_000 * scale) + 10;
      const inputTokens = requests * (200 + Math.round(rng.next() * 3000));
      const outputTokens = requests * (50 + Math.round(rng.next() * 800));
      const spend = Math.round((inputTokens * 3 + outputTokens * 15) / 10_000) / 100;
      out.push({ model, month, requests, inputTokens, outputTokens, spend });
    }
  }
  return out;
}

function baseTenant(cloud: Cloud, keys: KeyMaker, months: string[], rng: Rng) {
  const key = keys.make(cloud);
  return {
    cloud,
    key,
    subscriptionId:
      cloud === 'aws'
        ? `agmt-${rng.hex(26)}`
        : cloud === 'gcp'
          ? rng.hex(8) + '-' + rng.hex(4) + '-' + rng.hex(4)
          : guid(rng),
    offer: cloud === 'aws' ? `offer-${rng.hex(13)}` : 'claude-models',
    plan: rng.pick(['pay-as-you-go', 'committed-use', 'enterprise']),
    status: (rng.next() < 0.9
      ? 'active'
      : rng.next() < 0.5
        ? 'suspended'
        : 'cancelled') as DemoTenant['status'],
    startDate: `2025-${String(1 + Math.floor(rng.next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rng.next() * 28)).padStart(2, '0')}`,
    usage: usageFor(cloud, months, rng),
  };
}

function customerTenant(
  cloud: Cloud,
  c: DemoCompany,
  keys: KeyMaker,
  months: string[],
  rng: Rng,
): DemoTenant {
  const t: DemoTenant = {
    ...baseTenant(cloud, keys, months, rng),
    companyId: c.id,
    reportedName: reportedName(cloud, c, rng),
    country: c.country,
    domain: c.domain,
  };
  if (cloud === 'aws' && c.taxId) t.taxId = c.taxId;
  if (cloud === 'gcp') {
    t.billingAccount = `billingAccounts/${rng.hex(6).toUpperCase()}-${rng.hex(6).toUpperCase()}-${rng.hex(6).toUpperCase()}`;
    t.projects = Array.from(
      { length: 1 + Math.floor(rng.next() * 2) },
      () => `projects/${c.domain.split('.')[0]}-${rng.hex(4)}`,
    );
  }
  return t;
}

function channelTenant(cloud: Cloud, c: DemoCompany, keys: KeyMaker, months: string[], rng: Rng): DemoTenant {
  return { ...customerTenant(cloud, c, keys, months, rng), usage: [] };
}

function personalTenant(cloud: Cloud, keys: KeyMaker, months: string[], rng: Rng): DemoTenant {
  const t: DemoTenant = {
    ...baseTenant(cloud, keys, months, rng),
    companyId: null,
    reportedName: cloud === 'gcp' ? 'n/a' : '',
    usage: usageFor(cloud, months, rng, 0.01),
  };
  if (cloud === 'gcp')
    t.billingAccount = `billingAccounts/${rng.hex(6).toUpperCase()}-${rng.hex(6).toUpperCase()}-${rng.hex(6).toUpperCase()}`;
  return t;
}

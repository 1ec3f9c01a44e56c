// The matcher's fixture: a small registry of the hard cases (scripts, legal forms, identifiers,
// close names) and tenants with the outcome each must get. match.test.ts asserts the outcomes;
// matcher-pool.test.ts asserts that a pool of threads gives the same bytes.
import { createEntity } from '../model/factories.ts';
import type { Party } from '../model/types.ts';
import { usccCheckChar } from './identifiers.ts';
import type { MatchResult, TenantLike } from './match.ts';

const uscc = (first17: string) => first17 + usccCheckChar(first17)!;
const HAIGE_USCC = uscc('91440101190426753');
const OTHER_USCC = uscc('91440300MA5F00001');

export const registry: Party[] = [
  createEntity({ id: 'bytedance-sg', name: 'ByteDance Pte Ltd', headquarters: ['SG'] }),
  createEntity({ id: 'bytedance-ky', name: 'ByteDance Ltd', headquarters: ['KY'] }),
  createEntity({
    id: 'haige',
    name: 'Guangzhou Haige Communications Group Inc., Co.',
    alternateNames: ['广州海格通信集团股份有限公司'],
    headquarters: ['CN'],
    identifiers: [{ scheme: 'CN-SAMR', id: HAIGE_USCC }],
  }),
  createEntity({ id: 'huawei', name: '华为技术有限公司', headquarters: ['CN'] }),
  createEntity({ id: 'holding-co', name: 'Holding Company Ltd', headquarters: ['GB'] }),
  createEntity({ id: 'acme-holdings', name: 'Acme Holdings Limited', headquarters: ['GB'] }),
  createEntity({
    id: 'bloomberg',
    name: 'Bloomberg Finance L.P.',
    headquarters: ['US'],
    identifiers: [{ scheme: 'XI-LEI', id: '5493001KJTIIGC8Y1R12' }],
  }),
  createEntity({
    id: 'northwind-a',
    name: 'Northwind Traders GmbH',
    headquarters: ['DE'],
  }),
  createEntity({ id: 'northwind-b', name: 'Northwind Traders AG', headquarters: ['DE'] }),
  createEntity({
    id: 'romashka',
    name: 'ООО «Ромашка»',
    headquarters: ['RU'],
  }),
  createEntity({
    id: 'placeholder-lei',
    name: 'Zeta Widgets Inc',
    headquarters: ['US'],
    identifiers: [{ scheme: 'XI-LEI', id: 'N/A' }],
  }),
  createEntity({
    id: 'omega-widgets',
    name: 'Omega Widgets Inc',
    headquarters: ['US'],
    identifiers: [{ scheme: 'XI-LEI', id: '' }],
  }),
  createEntity({
    id: 'tianyu-info',
    name: 'Hong Kong Tianyu Information Limited',
    headquarters: ['HK'],
    identifiers: [{ scheme: 'website', id: 'tianyu-info.com.hk' }],
  }),
  createEntity({
    id: 'tianyu-group',
    name: 'Hong Kong Tianyu Information Holdings Limited',
    headquarters: ['HK'],
  }),
  createEntity({ id: 'sai-tech', name: 'Sai Technology Private Limited', headquarters: ['IN'] }),
  createEntity({ id: 'sai-net', name: 'Sai Network Private Limited', headquarters: ['IN'] }),
  createEntity({
    id: 'cedar',
    name: 'Cedar Analytics Limited',
    headquarters: ['GB'],
    identifiers: [{ scheme: 'website', id: 'https://www.cedar-analytics.co.uk' }],
  }),
  { id: 'a-person', kind: 'person', name: 'ByteDance Pte Ltd' },
];

export interface MatchRow {
  what: string;
  tenant: TenantLike;
  status: MatchResult['status'];
  entityId?: string;
  candidates?: string[];
  explain?: RegExp;
}

export const matchTable: MatchRow[] = [
  {
    what: 'an Indian legal form written short ("Private Ltd") is still a legal form',
    tenant: { legalName: 'Sai Technology Private Ltd', countryCode: 'IN' },
    status: 'matched',
    entityId: 'sai-tech',
  },
  {
    what: "a close name race settled by the one candidate whose web domain is the tenant's",
    tenant: {
      legalName: 'HONG KONG TIANYU INFORMATION LIMITED',
      countryCode: 'HK',
      domain: 'tianyu-info.com.hk',
    },
    status: 'matched',
    entityId: 'tianyu-info',
  },
  {
    what: 'the same close name race without the domain: review',
    tenant: { legalName: 'HONG KONG TIANYU INFORMATION LIMITED', countryCode: 'HK' },
    status: 'review',
    explain: /ambiguous/,
  },
  {
    what: 'case, punctuation and legal form: BYTEDANCE PTE. LTD. ~ ByteDance Pte Ltd (country picks SG)',
    tenant: { legalName: 'BYTEDANCE PTE. LTD.', countryCode: 'SG' },
    status: 'matched',
    entityId: 'bytedance-sg',
  },
  {
    what: 'two equally good candidates without a country: review with both',
    tenant: { legalName: 'BYTEDANCE PTE. LTD.' },
    status: 'review',
    candidates: ['bytedance-ky', 'bytedance-sg'],
    explain: /ambiguous: .*an identifier is needed/,
  },
  {
    what: 'abbreviations (COMM, GRP) alone: review showing the candidate',
    tenant: { legalName: 'GUANGZHOU HAIGE COMM GRP', countryCode: 'CN' },
    status: 'review',
    candidates: ['haige'],
    explain: /abbreviation is never automatic/,
  },
  {
    what: 'abbreviations confirmed by a valid USCC in the tax column: matched',
    tenant: {
      legalName: 'GUANGZHOU HAIGE COMM GRP',
      countryCode: 'CN',
      registrationIds: [{ scheme: 'tax_registration_number', id: HAIGE_USCC }],
    },
    status: 'matched',
    entityId: 'haige',
  },
  {
    what: 'reversed word order',
    tenant: { legalName: 'Haige Guangzhou Communications Group Co., Ltd.', countryCode: 'CN' },
    status: 'matched',
    entityId: 'haige',
  },
  {
    what: 'full-width characters are folded to ASCII',
    tenant: { legalName: 'ＢＹＴＥＤＡＮＣＥ　ＰＴＥ．ＬＴＤ．', countryCode: 'SG' },
    status: 'matched',
    entityId: 'bytedance-sg',
  },
  {
    what: 'joined vs spaced words',
    tenant: { legalName: 'Byte Dance Pte. Ltd.', countryCode: 'SG' },
    status: 'matched',
    entityId: 'bytedance-sg',
  },
  {
    what: 'CJK name against the CJK alternate name (same script): matched',
    tenant: { legalName: '广州海格通信集团有限公司' },
    status: 'matched',
    entityId: 'haige',
  },
  {
    what: 'Latin name against a CJK-only registry name: never automatic (no candidate here at all)',
    tenant: { legalName: 'Huawei Technologies Co., Ltd.', countryCode: 'CN' },
    status: 'unresolved',
  },
  {
    what: 'Cyrillic registry name met through our transliteration: review, not automatic',
    tenant: { legalName: 'OOO Romashka', countryCode: 'RU' },
    status: 'review',
    candidates: ['romashka'],
    explain: /across scripts is never automatic/,
  },
  {
    what: 'legal-form and stop words only: refused with an explanation',
    tenant: { legalName: 'Holding Company Ltd', countryCode: 'GB' },
    status: 'unresolved',
    explain: /no distinctive word \(only legal forms or stop words\)/,
  },
  {
    what: 'a valid LEI held by an entity: matched by identifier even with a short name',
    tenant: { legalName: 'BLOOMBERG', registrationIds: [{ scheme: 'LEI', id: '5493001KJTIIGC8Y1R12' }] },
    status: 'matched',
    entityId: 'bloomberg',
  },
  {
    what: 'an LEI failing its checksum is refused and merges nothing',
    tenant: { legalName: 'Nobody Real', registrationIds: [{ scheme: 'LEI', id: '5493001KJTIIGC8Y1R13' }] },
    status: 'unresolved',
    explain: /refused LEI "5493001KJTIIGC8Y1R13": invalid LEI/,
  },
  {
    what: 'an invalid USCC is refused',
    tenant: {
      legalName: 'Nobody Real',
      registrationIds: [
        {
          scheme: 'USCC',
          id:
            HAIGE_USCC.slice(0, 17) + 'Y' === HAIGE_USCC
              ? HAIGE_USCC.slice(0, 17) + 'X'
              : HAIGE_USCC.slice(0, 17) + 'Y',
        },
      ],
    },
    status: 'unresolved',
    explain: /invalid USCC/,
  },
  {
    what: 'a placeholder LEI on the registry side never merges: a tenant with "N/A" does not meet it',
    tenant: { legalName: 'Quux Gadgets', registrationIds: [{ scheme: 'LEI', id: 'N/A' }] },
    status: 'unresolved',
    explain: /refused LEI "N\/A": placeholder/,
  },
  {
    what: 'a valid USCC that points elsewhere than the name: the name conflict sends it to review',
    tenant: { legalName: 'Acme Holdings Limited', registrationIds: [{ scheme: 'USCC', id: HAIGE_USCC }] },
    status: 'review',
    explain: /identifier points to haige, its name to acme-holdings/,
  },
  {
    what: 'a USCC present in no entity does not block a name match but conflicts with a different USCC',
    tenant: {
      legalName: 'Guangzhou Haige Communications Group',
      countryCode: 'CN',
      registrationIds: [{ scheme: 'USCC', id: OTHER_USCC }],
    },
    status: 'review',
    candidates: ['haige'],
  },
  {
    what: 'a conflicting country lowers a name-only score below automatic',
    tenant: { legalName: 'Acme Holdings Limited', countryCode: 'US' },
    status: 'review',
    candidates: ['acme-holdings'],
    explain: /conflicts country/,
  },
  {
    what: 'a company domain from the registry backs an exact name',
    tenant: { legalName: 'Cedar Analytics Ltd', domain: 'ops@cedar-analytics.co.uk' },
    status: 'matched',
    entityId: 'cedar',
  },
  {
    what: 'a free-mail domain is refused and identifies nobody',
    tenant: { domain: 'ceo@gmail.com' },
    status: 'unresolved',
    explain: /free-mail/,
  },
  {
    what: 'a placeholder name is no name',
    tenant: { legalName: 'n/a' },
    status: 'unresolved',
    explain: /no usable name/,
  },
  {
    what: 'a typo in the only distinctive word: review',
    tenant: { legalName: 'Bytedanse Pte Ltd', countryCode: 'SG' },
    status: 'review',
    candidates: ['bytedance-sg', 'bytedance-ky'],
    explain: /misspelt/,
  },
  {
    what: 'GmbH vs AG of the same name in the same country: review with both',
    tenant: { legalName: 'NORTHWIND TRADERS', countryCode: 'DE' },
    status: 'review',
    candidates: ['northwind-a', 'northwind-b'],
  },
];

/** A seeded generator of numbers in [0, 1) (mulberry32), so a generated case is the same each run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'ri', 'to', 'mo', 'na', 'su', 'bel', 'cor', 'dan', 'lux', 'nov', 'tek'];
const SECTORS = ['Technology', 'Communications', 'Group', 'Holdings', 'Data', 'Cloud', 'Media'];
const FORMS = ['Ltd', 'Inc.', 'GmbH', 'Co., Ltd.', 'Pte. Ltd.', 'S.A.S.', 'LLC'];
const CROWD_COUNTRIES = ['CN', 'US', 'GB', 'DE', 'SG', 'RU', 'JP'];
const HAN = [...'华海格通信天宇金龙瑞达恒博远凯明德'];
const CYRILLIC = [...'абвгдежзиклмнопрстуфхцчшщыэюя'];

/**
 * A crowded registry (few distinct words, so many names share them and scores tie) and tenants
 * written the ways tenants are: exact, upper case, another legal form, a typo, words reversed,
 * the CJK or Cyrillic name, a domain, an identifier that fails its checksum, or nobody at all.
 */
export function crowdCase(
  seed: number,
  entities: number,
  tenants: number,
): { registry: Party[]; tenants: TenantLike[] } {
  const r = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const word = () => {
    const w = pick(SYLLABLES) + pick(SYLLABLES) + (r() < 0.3 ? pick(SYLLABLES) : '');
    return w[0]!.toUpperCase() + w.slice(1);
  };
  const out: Party[] = [];
  for (let i = 0; i < entities; i++) {
    const country = pick(CROWD_COUNTRIES);
    const core = r() < 0.4 ? `${word()} ${word()}` : word();
    const sector = r() < 0.6 ? ` ${pick(SECTORS)}` : '';
    const alt =
      country === 'CN' && r() < 0.6
        ? [`${Array.from({ length: 3 }, () => pick(HAN)).join('')}有限公司`]
        : country === 'RU' && r() < 0.6
          ? [`ООО «${Array.from({ length: 6 }, () => pick(CYRILLIC)).join('')}»`]
          : [];
    out.push(
      createEntity({
        id: `crowd-${String(i).padStart(4, '0')}`,
        name: `${core}${sector} ${pick(FORMS)}`,
        headquarters: [country],
        ...(alt.length ? { alternateNames: alt } : {}),
        ...(r() < 0.2
          ? { identifiers: [{ scheme: 'website', id: `${core.replace(/ /g, '')}.example` }] }
          : {}),
      }),
    );
  }
  const list: TenantLike[] = [];
  for (let i = 0; i < tenants; i++) {
    const e = pick(out);
    const name = e.name!;
    const country = r() < 0.7 ? { countryCode: e.headquarters![0]! } : {};
    const words = name.split(' ');
    switch (Math.floor(r() * 9)) {
      case 0:
        list.push({ legalName: name, ...country });
        break;
      case 1:
        list.push({ legalName: name.toUpperCase(), displayName: name, ...country });
        break;
      case 2:
        list.push({ legalName: `${words.slice(0, -1).join(' ')} ${pick(FORMS)}`, ...country });
        break;
      case 3: {
        const at = Math.floor(r() * words[0]!.length);
        list.push({
          legalName: words[0]!.slice(0, at) + 'x' + words[0]!.slice(at + 1) + name.slice(words[0]!.length),
          ...country,
        });
        break;
      }
      case 4:
        list.push({ legalName: [...words].reverse().join(' '), ...country });
        break;
      case 5:
        list.push({ legalName: e.alternateNames?.[0] ?? name, ...country });
        break;
      case 6:
        list.push({ domain: `billing@${name.split(' ')[0]!.toLowerCase()}.example`, displayName: name });
        break;
      case 7:
        list.push({ legalName: name, registrationIds: [{ scheme: 'LEI', id: '5493001KJTIIGC8Y1R13' }] });
        break;
      default:
        list.push({ legalName: `${word()} ${word()} ${pick(SECTORS)} ${pick(FORMS)}`, ...country });
    }
  }
  return { registry: out, tenants: list };
}

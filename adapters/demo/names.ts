// Deterministic randomness and realistic company names for the demo world.

export interface Rng {
  next(): number;
  pick<T>(xs: readonly T[]): T;
  digits(n: number): string;
  hex(n: number): string;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    digits: (n) =>
      Array.from({ length: n }, (_, i) =>
        String(Math.floor(next() * (i === 0 ? 9 : 10)) + (i === 0 ? 1 : 0)),
      ).join(''),
    hex: (n) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join(''),
  };
}

const CN_CITIES = [
  'Beijing',
  'Shanghai',
  'Shenzhen',
  'Hangzhou',
  'Guangzhou',
  'Chengdu',
  'Wuhan',
  'Nanjing',
  'Suzhou',
  'Tianjin',
];
const CN_WORDS = [
  'Xinyuan',
  'Huatai',
  'Zhongke',
  'Tianyu',
  'Haige',
  'Jinlong',
  'Ruida',
  'Hengtong',
  'Yunfan',
  'Shengda',
  'Lianxin',
  'Boyuan',
  'Kaida',
  'Mingde',
];
const SECTORS = [
  'Technology',
  'Network',
  'Data',
  'Intelligent Systems',
  'Cloud',
  'Software',
  'Information',
  'Digital',
  'Analytics',
  'Robotics',
  'Communications',
  'Media',
];
const WEST_WORDS = [
  'Acme',
  'Blue River',
  'Summit',
  'Northwind',
  'Cedar',
  'Harbor',
  'Atlas',
  'Pioneer',
  'Vertex',
  'Lumen',
  'Granite',
  'Silverline',
  'Redwood',
  'Beacon',
  'Meridian',
  'Crescent',
  'Orchard',
  'Falcon',
  'Keystone',
  'Sterling',
  'Aurora',
  'Brightwater',
  'Ironbridge',
  'Cobalt',
  'Tidewater',
];
const JP_WORDS = ['Sakura', 'Fujimoto', 'Hoshino', 'Kawasaki', 'Midori', 'Takumi', 'Yamato', 'Asahi'];
const DE_WORDS = ['Rheinwerk', 'Nordlicht', 'Bergmann', 'Falkenstein', 'Lindenhof', 'Weissach'];
const FR_WORDS = ['Lumière', 'Belleville', 'Rivoli', 'Montclair', 'Saint-Aubin'];
const RU_WORDS = ['Severnaya', 'Volga', 'Ural', 'Baikal', 'Sibir'];
const IN_WORDS = ['Infotech', 'Sai', 'Ganga', 'Vishwa', 'Tata Nagar', 'Shakti'];

const FORMS: Record<string, string[]> = {
  US: ['Inc.', 'LLC', 'Corp.'],
  GB: ['Ltd', 'Limited', 'PLC'],
  DE: ['GmbH', 'AG'],
  FR: ['SAS', 'S.A.'],
  JP: ['K.K.', 'Co., Ltd.'],
  SG: ['Pte. Ltd.'],
  IN: ['Private Limited'],
  CN: ['Co., Ltd.'],
  HK: ['Limited'],
  KY: ['Ltd.'],
  RU: ['OOO'],
  BR: ['Ltda.'],
  CA: ['Inc.'],
  AU: ['Pty Ltd'],
  KR: ['Co., Ltd.'],
  NL: ['B.V.'],
  AE: ['FZ-LLC'],
  TW: ['Co., Ltd.'],
};

export interface CompanyName {
  /** the distinctive part: no two companies of a world share it */
  base: string;
  /** the full legal name */
  name: string;
}

function words(country: string): readonly string[] {
  return country === 'JP'
    ? JP_WORDS
    : country === 'DE'
      ? DE_WORDS
      : country === 'FR'
        ? FR_WORDS
        : country === 'RU'
          ? RU_WORDS
          : country === 'IN'
            ? IN_WORDS
            : WEST_WORDS;
}

/**
 * A plausible legal name for a company of that country and role. `crowding` widens the name space
 * (two distinctive words instead of one, then a number) when the world has used the narrow one up.
 */
export function companyName(
  rng: Rng,
  country: string,
  role: 'operating' | 'parent' | 'holding' | 'reseller',
  crowding = 0,
): CompanyName {
  const form = rng.pick(FORMS[country] ?? ['Ltd.']);
  const extra = crowding >= 1 ? `${rng.pick(WEST_WORDS)} ` : '';
  const numbered = crowding >= 2 ? ` ${2 + Math.floor(rng.next() * 998)}` : '';
  let base: string;
  if (role === 'reseller') base = `${extra}${rng.pick(WEST_WORDS)} Cloud Partners${numbered}`;
  else if (country === 'CN' || country === 'HK' || country === 'TW') {
    const cities =
      country === 'CN'
        ? CN_CITIES
        : country === 'HK'
          ? ['Hong Kong', 'Kowloon', 'Victoria']
          : ['Taipei', 'Hsinchu', 'Taichung'];
    base = `${rng.pick(cities)} ${crowding >= 1 ? rng.pick(CN_WORDS) : ''}${rng.pick(CN_WORDS)} ${rng.pick(SECTORS)}${numbered}`;
  } else if (country === 'KY') base = `${extra}${rng.pick(CN_WORDS)} ${rng.pick(SECTORS)}${numbered}`;
  else base = `${extra}${rng.pick(words(country))} ${rng.pick(SECTORS)}${numbered}`;
  const kind =
    role === 'parent'
      ? country === 'CN' || country === 'HK'
        ? ' Group'
        : ' Holdings'
      : role === 'holding'
        ? ' Holdings'
        : '';
  return { base, name: `${base}${kind} ${form}` };
}

/** A random LEI with valid ISO 17442 check digits (ISO 7064 mod 97-10). */
export function leiFor(rng: Rng): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let body = '5493';
  while (body.length < 18) body += alphabet[Math.floor(rng.next() * alphabet.length)];
  let rem = 0;
  for (const ch of body + '00') {
    const v = parseInt(ch, 36);
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return body + String(98 - rem).padStart(2, '0');
}

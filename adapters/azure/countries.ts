// Partner Center reports name the customer's country in English ("United States", "Korea",
// "Hong Kong SAR"); the model wants ISO 3166-1 alpha-2. Every region's English name comes from
// ICU (Intl.DisplayNames); the table below adds the variants Microsoft and others print. Names we
// do not know stay unmapped — a guessed country would be worse than a missing one.

const NAMES: Record<string, string> = {
  AE: 'united arab emirates|uae',
  AR: 'argentina',
  AT: 'austria',
  AU: 'australia',
  BD: 'bangladesh',
  BE: 'belgium',
  BG: 'bulgaria',
  BH: 'bahrain',
  BR: 'brazil',
  BY: 'belarus',
  CA: 'canada',
  CH: 'switzerland',
  CL: 'chile',
  CN: "china|people's republic of china|peoples republic of china|prc|mainland china",
  CO: 'colombia',
  CU: 'cuba',
  CY: 'cyprus',
  CZ: 'czechia|czech republic',
  DE: 'germany',
  DK: 'denmark',
  EE: 'estonia',
  EG: 'egypt',
  ES: 'spain',
  FI: 'finland',
  FR: 'france',
  GB: 'united kingdom|uk|great britain|england|scotland|wales|northern ireland',
  GR: 'greece',
  HK: 'hong kong|hong kong sar|hong kong sar china|hong kong s.a.r.',
  HR: 'croatia',
  HU: 'hungary',
  ID: 'indonesia',
  IE: 'ireland',
  IL: 'israel',
  IN: 'india',
  IR: 'iran|islamic republic of iran|iran, islamic republic of',
  IS: 'iceland',
  IT: 'italy',
  JP: 'japan',
  KE: 'kenya',
  KP: "north korea|democratic people's republic of korea|korea, democratic people's republic of|dprk",
  KR: 'korea|south korea|republic of korea|korea, republic of',
  KZ: 'kazakhstan',
  LT: 'lithuania',
  LU: 'luxembourg',
  LV: 'latvia',
  MA: 'morocco',
  MO: 'macao|macau|macao sar',
  MT: 'malta',
  MX: 'mexico',
  MY: 'malaysia',
  NG: 'nigeria',
  NL: 'netherlands|the netherlands|holland',
  NO: 'norway',
  NZ: 'new zealand',
  PE: 'peru',
  PH: 'philippines',
  PK: 'pakistan',
  PL: 'poland',
  PT: 'portugal',
  QA: 'qatar',
  RO: 'romania',
  RS: 'serbia',
  RU: 'russia|russian federation',
  SA: 'saudi arabia',
  SE: 'sweden',
  SG: 'singapore',
  SI: 'slovenia',
  SK: 'slovakia',
  SY: 'syria|syrian arab republic',
  TH: 'thailand',
  TR: 'turkey|türkiye|turkiye',
  TW: 'taiwan',
  UA: 'ukraine',
  US: 'united states|united states of america|usa|us|u.s.|u.s.a.',
  VE: 'venezuela',
  VN: 'vietnam|viet nam',
  ZA: 'south africa',
};

/** ICU region codes that are not countries. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB', 'XK']);
const ICU_NAMES = new Map<string, string>();
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
for (let a = 65; a <= 90; a++) {
  for (let b = 65; b <= 90; b++) {
    const code = String.fromCharCode(a, b);
    if (NOT_COUNTRIES.has(code)) continue;
    const name = regionNames.of(code);
    if (name && name !== code) ICU_NAMES.set(code, name);
  }
}

const BY_NAME = new Map<string, string>();
for (const [code, name] of ICU_NAMES) {
  BY_NAME.set(code.toLowerCase(), code);
  BY_NAME.set(name.toLowerCase().replace(/’/g, "'"), code);
}
for (const [code, names] of Object.entries(NAMES)) {
  BY_NAME.set(code.toLowerCase(), code);
  for (const name of names.split('|')) BY_NAME.set(name, code);
}

/** "United States" / "us" / "Korea, Republic of" → "US" / "US" / "KR"; unknown → undefined. */
export function countryToIso2(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const key = value.trim().toLowerCase().replace(/\s+/g, ' ').replace(/’/g, "'");
  return BY_NAME.get(key);
}

/** The English name Partner Center would print for an alpha-2 code (the fake writes these). */
export function iso2ToCountryName(code: string): string | undefined {
  const names = NAMES[code.toUpperCase()];
  if (!names) return ICU_NAMES.get(code.toUpperCase());
  const first = names.split('|')[0]!;
  return first.replace(/(^|\s)\S/g, (c) => c.toUpperCase());
}

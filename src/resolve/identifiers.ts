// Identifiers that can tie a tenant to a legal entity: validated before use, placeholders refused.
// A refused identifier never merges anything; it is reported with its reason.

/** A usable identifier, as a scheme-qualified key that both sides (tenant, registry) produce alike. */
export interface IdentifierKey {
  /** "lei" | "uscc" | "reg" | "tax" | "domain" */
  kind: 'lei' | 'uscc' | 'reg' | 'tax' | 'domain';
  /** e.g. "lei:5493001KJTIIGC8Y1R12", "reg:GB-COH:01234567", "tax:DE:123456789", "domain:example.com" */
  key: string;
}

export interface RefusedIdentifier {
  field: string;
  value: string;
  reason: string;
}

export type IdentifierCheck = { ok: true; keys: IdentifierKey[] } | { ok: false; refused: RefusedIdentifier };

const PLACEHOLDER =
  /^(?:n\/?a|na|none|null|nil|unknown|not applicable|not available|tbd|tba|test|xxx+|-+|\.+|\?+|0+)$/i;

/** "", "N/A", "none", "0000…", "unknown", a run of one repeated character: not an identifier. */
export function placeholderReason(raw: string): string | undefined {
  const v = raw.trim();
  if (v === '') return 'empty';
  if (PLACEHOLDER.test(v)) return 'placeholder';
  const compact = v.replace(/[\s\-./]/g, '');
  if (compact === '' || /^(.)\1+$/.test(compact)) return 'placeholder';
  return undefined;
}

/** mod 97 of a long decimal string, in chunks so it never leaves safe-integer range. */
function mod97(digits: string): number {
  let rem = 0;
  for (let i = 0; i < digits.length; i += 7) rem = Number(String(rem) + digits.slice(i, i + 7)) % 97;
  return rem;
}

/** ISO 17442: 18 alphanumerics + 2 check digits, letters as 10..35, the whole mod 97 = 1. */
export function isValidLei(raw: string): boolean {
  const v = raw.trim().toUpperCase();
  if (!/^[A-Z0-9]{18}[0-9]{2}$/.test(v)) return false;
  let digits = '';
  for (const ch of v) digits += /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
  return mod97(digits) === 1;
}

/** GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V (31 symbols). */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters of a USCC, or undefined if they are malformed. */
export function usccCheckChar(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]!);
    if (value < 0) return undefined;
    sum += value * USCC_WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[check];
}

/** China's Unified Social Credit Code: 18 characters, positions 3–8 an administrative division code. */
export function isValidUscc(raw: string): boolean {
  const v = raw.trim().toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(v)) return false;
  return usccCheckChar(v.slice(0, 17)) === v[17];
}

/** Identifier schemes as registries and feeds spell them -> our kinds. */
function schemeKind(scheme: string, schemeName = ''): 'lei' | 'uscc' | 'tax' | 'domain' | 'reg' {
  const s = scheme.trim().toLowerCase();
  const n = schemeName.toLowerCase();
  if (s === 'lei' || s === 'xi-lei' || s.endsWith('-lei') || n.includes('legal entity identifier'))
    return 'lei';
  if (s === 'uscc' || s === 'cn-uscc' || s === 'cn-samr' || n.includes('unified social credit'))
    return 'uscc';
  if (/domain|website|^url$|^web$|email/.test(s)) return 'domain';
  if (/tax|vat|tin\b|^tin|gst|^ein$|inn/.test(s) || /tax|vat/.test(n)) return 'tax';
  return 'reg';
}

const compactId = (raw: string) =>
  raw
    .trim()
    .toUpperCase()
    .replace(/[\s\-./_]/g, '');

/** "GB-COH" style scheme -> "GB"; other schemes carry no country. */
function schemeCountry(scheme: string): string | undefined {
  const m = /^([A-Za-z]{2})-/.exec(scheme.trim());
  return m ? m[1]!.toUpperCase() : undefined;
}

/**
 * Validates one identifier and turns it into keys. A tax number that is a valid USCC (the
 * Chinese tax number is the USCC) or a valid LEI also yields that key, so a feed's tax column
 * can meet a registry's USCC.
 */
export function identifierKeys(
  scheme: string,
  raw: string,
  options: { country?: string; schemeName?: string } = {},
): IdentifierCheck {
  const field = scheme || 'identifier';
  const placeholder = placeholderReason(raw);
  if (placeholder) return { ok: false, refused: { field, value: raw, reason: placeholder } };
  const kind = schemeKind(scheme, options.schemeName);
  if (kind === 'domain') {
    const d = registrableDomain(raw);
    return d.ok
      ? { ok: true, keys: [{ kind: 'domain', key: `domain:${d.domain}` }] }
      : { ok: false, refused: { field, value: raw, reason: d.reason } };
  }
  const id = compactId(raw);
  if (kind === 'lei') {
    return isValidLei(id)
      ? { ok: true, keys: [{ kind: 'lei', key: `lei:${id}` }] }
      : { ok: false, refused: { field, value: raw, reason: 'invalid LEI (ISO 17442 check digits)' } };
  }
  if (kind === 'uscc') {
    return isValidUscc(id)
      ? { ok: true, keys: [{ kind: 'uscc', key: `uscc:${id}` }] }
      : { ok: false, refused: { field, value: raw, reason: 'invalid USCC (GB 32100-2015 check character)' } };
  }
  if (id.length < 4 || !/[0-9]/.test(id))
    return {
      ok: false,
      refused: { field, value: raw, reason: 'too short or no digits to be a registration number' },
    };
  const keys: IdentifierKey[] = [];
  if (isValidUscc(id)) keys.push({ kind: 'uscc', key: `uscc:${id}` });
  if (isValidLei(id)) keys.push({ kind: 'lei', key: `lei:${id}` });
  if (kind === 'tax') {
    // EU VAT numbers carry their country as a prefix ("DE123456789"); otherwise the scheme's or tenant's.
    const prefixed = /^([A-Z]{2})([0-9A-Z]{4,})$/.exec(id);
    const country = prefixed?.[1] ?? schemeCountry(scheme) ?? options.country?.toUpperCase();
    const number = prefixed && /[0-9]/.test(prefixed[2]!) ? prefixed[2]! : id;
    if (!country)
      return keys.length > 0
        ? { ok: true, keys }
        : {
            ok: false,
            refused: { field, value: raw, reason: 'tax number without a country cannot be compared' },
          };
    keys.push({ kind: 'tax', key: `tax:${country}:${number}` });
    return { ok: true, keys };
  }
  keys.push({ kind: 'reg', key: `reg:${scheme.trim().toUpperCase()}:${id}` });
  return { ok: true, keys };
}

/** Mailbox providers: a domain on this list says nothing about the company behind an address. */
// prettier-ignore
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  '126.com', '139.com', '163.com', '188.com', 'aliyun.com', 'aol.com', 'foxmail.com', 'free.fr', 'gmail.com',
  'gmx.com', 'gmx.de', 'gmx.net', 'googlemail.com', 'hotmail.co.uk', 'hotmail.com', 'hotmail.fr', 'icloud.com',
  'laposte.net', 'live.com', 'mail.com', 'mail.ru', 'me.com', 'msn.com', 'naver.com', 'orange.fr',
  'outlook.com', 'proton.me', 'protonmail.com', 'qq.com', 'rambler.ru', 'sina.cn', 'sina.com', 'sohu.com',
  't-online.de', 'tom.com', 'web.de', 'yahoo.co.jp', 'yahoo.com', 'yahoo.com.cn', 'yandex.com', 'yandex.ru',
  'ymail.com', 'yeah.net', 'zoho.com',
]);

/** Shared platform domains whose sub-domains belong to unrelated customers. */
// prettier-ignore
const SHARED_PLATFORM_DOMAINS: ReadonlySet<string> = new Set([
  'onmicrosoft.com', 'amazonaws.com', 'appspot.com', 'azurewebsites.net', 'cloudfront.net', 'github.io',
  'herokuapp.com', 'vercel.app', 'netlify.app', 'wixsite.com', 'blogspot.com', 'wordpress.com',
]);

/** Second-level public suffixes seen in company domains (a trimmed public-suffix list). */
const SECOND_LEVELS = 'co com net org gov edu ac or ne go ltd plc gen biz info'.split(' ');
const CC_TLDS = 'uk cn jp au nz hk tw sg kr in br za mx ar tr my id th vn ph il ru ua'.split(' ');
const TWO_LABEL_SUFFIXES: ReadonlySet<string> = new Set(
  SECOND_LEVELS.flatMap((sl) => CC_TLDS.map((tld) => `${sl}.${tld}`)),
);

/** An email address, URL or host -> its lowercased registrable domain; free-mail and platforms refused. */
export function registrableDomain(raw: string): { ok: true; domain: string } | { ok: false; reason: string } {
  const placeholder = placeholderReason(raw);
  if (placeholder) return { ok: false, reason: placeholder };
  let host = raw.trim().toLowerCase();
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  host = host
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#:].*$/, '')
    .replace(/\.$/, '');
  try {
    host = new URL(`http://${host}`).hostname; // punycode for internationalised names
  } catch {
    return { ok: false, reason: 'not a domain name' };
  }
  const labels = host.split('.');
  if (labels.length < 2 || labels.some((l) => !/^[a-z0-9-]{1,63}$/.test(l)) || /^[0-9.]+$/.test(host))
    return { ok: false, reason: 'not a domain name' };
  const lastTwo = labels.slice(-2).join('.');
  const take = TWO_LABEL_SUFFIXES.has(lastTwo) ? 3 : 2;
  if (labels.length < take) return { ok: false, reason: 'a public suffix, not a domain' };
  const domain = labels.slice(-take).join('.');
  if (FREE_MAIL_DOMAINS.has(domain)) return { ok: false, reason: 'free-mail domain identifies no company' };
  if (SHARED_PLATFORM_DOMAINS.has(domain))
    return { ok: false, reason: 'shared platform domain identifies no company' };
  return { ok: true, domain };
}

// Company-name normalisation: NFKC (full-width -> ASCII), case and punctuation folding, legal
// forms removed at either end, abbreviations expanded (and flagged), CJK runs cut into bigrams,
// Cyrillic also transliterated. Both sides of a match go through the same function.
import {
  ABBREVIATIONS,
  CJK_LEGAL_FORMS,
  CYRILLIC_TO_LATIN,
  LEGAL_FORMS,
  STOP_WORDS,
  VARIANTS,
} from './name-tables.ts';

export type NameScript = 'latin' | 'cjk' | 'cyrillic' | 'other';

export interface NameForm {
  /** the script the name was written in (a transliterated form keeps its source script) */
  script: NameScript;
  /** this form is a transliteration made by us, not a name from the data */
  transliterated: boolean;
  /** normalised tokens, in name order; legal forms removed, abbreviations expanded */
  tokens: string[];
  /** tokens[i] came from expanding an abbreviation */
  expanded: boolean[];
  /** the abbreviations expanded, "comm->communications" */
  expansions: string[];
  /** legal forms removed, for explanations */
  legalForms: string[];
  /** tokens joined without spaces (so "Byte Dance" meets "ByteDance") */
  compact: string;
}

const LEGAL_FORM_SEQS: string[][] = [...new Set(LEGAL_FORMS)]
  .map((f) => f.split(' '))
  .sort((a, b) => b.length - a.length);
/** sequences by their last and by their first word, longest first: one map lookup per end */
const BY_LAST = new Map<string, string[][]>();
const BY_FIRST = new Map<string, string[][]>();
for (const seq of LEGAL_FORM_SEQS) {
  for (const [map, key] of [
    [BY_LAST, seq[seq.length - 1]!],
    [BY_FIRST, seq[0]!],
  ] as const) {
    const list = map.get(key) ?? [];
    list.push(seq);
    map.set(key, list);
  }
}

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー々〆]+/gu;

/** stop words still count, at a tenth of their weight */
export const STOP_FACTOR = 0.1;

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

function dominantScript(text: string): NameScript {
  if (isAscii(text)) return 'latin';
  let latin = 0;
  let cjk = 0;
  let cyr = 0;
  let other = 0;
  for (const ch of text) {
    if (/[a-z]/i.test(ch) || /\p{Script=Latin}/u.test(ch)) latin++;
    else if (CJK_CHAR.test(ch)) cjk++;
    else if (/\p{Script=Cyrillic}/u.test(ch)) cyr++;
    else if (/\p{L}/u.test(ch)) other++;
  }
  const max = Math.max(latin, cjk, cyr, other);
  if (max === 0) return 'latin';
  if (cjk === max) return 'cjk';
  if (cyr === max) return 'cyrillic';
  if (latin === max) return 'latin';
  return 'other';
}

/** NFKC, lower case, Latin diacritics dropped, dotted abbreviations joined, punctuation to spaces. */
function fold(name: string): string {
  // (ASCII names take asciiWords instead: the same folding in one pass)
  return (
    name
      .normalize('NFKC')
      .toLowerCase()
      .normalize('NFD')
      .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
      .normalize('NFC')
      .replace(/&/g, ' and ')
      // dotted initials join ("s.a." -> "sa.", "k.k." -> "kk."), other dots split ("pte.ltd")
      .replace(/(?<=(?:^|[^\p{L}])\p{L})\.(?=\p{L}(?:[^\p{L}]|$))/gu, '')
      .replace(/['’`´]/g, '')
      .replace(/[^\p{L}\p{N}\s()（）]/gu, ' ')
      .replace(/[()（）]/g, ' ')
  );
}

function matchAt(words: string[], seq: string[], from: number): boolean {
  for (let i = 0; i < seq.length; i++) if (words[from + i] !== seq[i]) return false;
  return true;
}

/** Removes legal-form token sequences at the end and the start, repeatedly. */
function stripLegalForms(words: string[], removed: string[]): string[] {
  let start = 0;
  let end = words.length;
  for (let changed = true; changed && end > start;) {
    changed = false;
    for (const seq of BY_LAST.get(words[end - 1]!) ?? []) {
      if (seq.length <= end - start && matchAt(words, seq, end - seq.length)) {
        removed.push(seq.join(' '));
        end -= seq.length;
        changed = true;
        break;
      }
    }
    if (changed || end <= start) continue;
    for (const seq of BY_FIRST.get(words[start]!) ?? []) {
      if (seq.length <= end - start && matchAt(words, seq, start)) {
        removed.push(seq.join(' '));
        start += seq.length;
        changed = true;
        break;
      }
    }
  }
  return words.slice(start, end);
}

function stripCjkLegalForms(run: string, removed: string[]): string {
  let r = run;
  let changed = true;
  while (changed && r.length > 0) {
    changed = false;
    for (const f of CJK_LEGAL_FORMS) {
      if (r.length > f.length && r.endsWith(f)) {
        r = r.slice(0, -f.length);
      } else if (r.length > f.length && r.startsWith(f)) {
        r = r.slice(f.length);
      } else continue;
      removed.push(f);
      changed = true;
      break;
    }
  }
  return r;
}

function cjkTokens(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

function transliterate(text: string): string {
  let out = '';
  for (const ch of text) out += CYRILLIC_TO_LATIN[ch] ?? ch;
  return out;
}

function buildForm(folded: string, script: NameScript, transliterated: boolean, ascii: boolean): NameForm {
  const legalForms: string[] = [];
  // CJK runs may hold legal forms glued to the name: strip those first, then cut into bigrams.
  const spaced = ascii
    ? folded
    : folded.replace(CJK_RUN, (run) => ` \u0000${stripCjkLegalForms(run, legalForms)} `);
  return formFromWords(
    spaced.split(/\s+/).filter((w) => w !== ''),
    script,
    transliterated,
    legalForms,
  );
}

function formFromWords(
  folded: string[],
  script: NameScript,
  transliterated: boolean,
  legalForms: string[],
): NameForm {
  const expansions: string[] = [];
  const tokens: string[] = [];
  const expanded: boolean[] = [];
  const words = stripLegalForms(folded, legalForms);
  for (const word of words) {
    if (word.startsWith('\u0000')) {
      for (const t of cjkTokens(word.slice(1))) {
        tokens.push(t);
        expanded.push(false);
      }
      continue;
    }
    const abbr = ABBREVIATIONS.get(word);
    const token = abbr ?? VARIANTS.get(word) ?? word;
    if (abbr) expansions.push(`${word}->${abbr}`);
    tokens.push(token);
    expanded.push(abbr !== undefined);
  }
  return { script, transliterated, tokens, expanded, expansions, legalForms, compact: tokens.join('') };
}

const isLetterAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i); // NaN outside the string
  return c >= 97 && c <= 122;
};

/**
 * The words of an ASCII name, folded as `fold` folds it (lower case, "&" as "and", dotted initials
 * joined, apostrophes dropped, anything else not a letter or digit a separator), in one pass: the
 * registry's names are mostly ASCII and this runs once per name. names.test.ts holds the regex
 * chain it replaces as the reference.
 */
export function asciiWords(name: string): string[] {
  const lower = name.toLowerCase();
  const s = lower.includes('&') ? lower.replace(/&/g, ' and ') : lower;
  const words: string[] = [];
  let done = ''; // the word so far, up to a dropped character
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) continue;
    const dropped =
      c === 39 || // '
      c === 96 || // `
      (c === 46 &&
        isLetterAt(s, i - 1) &&
        !isLetterAt(s, i - 2) &&
        isLetterAt(s, i + 1) &&
        !isLetterAt(s, i + 2));
    done += s.slice(start, i);
    start = i + 1;
    if (dropped) continue;
    if (done !== '') words.push(done);
    done = '';
  }
  done += s.slice(start);
  if (done !== '') words.push(done);
  return words;
}

/** The forms of a name to match on: the name itself, plus a Latin transliteration of a Cyrillic name. */
export function nameForms(name: string): NameForm[] {
  if (isAscii(name)) {
    const form = formFromWords(asciiWords(name), 'latin', false, []);
    return form.tokens.length > 0 || form.legalForms.length > 0 ? [form] : [];
  }
  const folded = fold(name);
  const ascii = isAscii(folded);
  const script = dominantScript(folded);
  const forms = [buildForm(folded, script, false, ascii)];
  if (!ascii && /\p{Script=Cyrillic}/u.test(folded))
    forms.push(buildForm(transliterate(folded), script, true, false));
  return forms.filter((f) => f.tokens.length > 0 || f.legalForms.length > 0);
}

/** A name that is a placeholder ("n/a", "unknown", "-") rather than a name. */
export function isPlaceholderName(name: string): boolean {
  return /^\s*(?:n\/?a|none|null|nil|unknown|not available|not applicable|-+|\?+|\.+)?\s*$/i.test(name);
}

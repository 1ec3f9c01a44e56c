// The registry index's layout: the record and posting encodings the blocking scan reads, the
// read-only EntityIndex the matcher uses, and the snapshot (typed arrays over shared memory) that
// a worker thread attaches to instead of building its own copy.
import type { NameScript } from './names.ts';
import type { HashBucketsParts, StringTableParts } from './pools.ts';

export const SCRIPTS: readonly NameScript[] = ['latin', 'cjk', 'cyrillic', 'other'];

/** How an entity's countries meet the tenant's: per country-set id (see IndexArrays.entCountrySet). */
export const COUNTRY_CONFLICT = -1;
export const COUNTRY_UNKNOWN = 0;
export const COUNTRY_MATCH = 1;

/**
 * Each posting carries a summary of its name record, so the blocking scan can bound a record's
 * pre-score from the posting alone and read the record itself (a cache miss) only when the bound
 * could enter the best few: bits 0-11 a signature of the record's token ids (one bit per token,
 * SIG_SLOTS slots), bits 12-19 the record's weight in quarters (a lower bound, capped), bits 20-30
 * its entity's country-set id (COUNTRY_OVERFLOW when the id does not fit: read the entity).
 */
export const SIG_SLOTS = 12;
export const WEIGHT_STEPS = 4;
export const COUNTRY_OVERFLOW = 2047;
export const tokenSigBit = (tid: number): number => 1 << ((Math.imul(tid, 0x9e3779b1) >>> 16) % SIG_SLOTS);
/**
 * A second, wider signature per posting (postSig: one of 32 bits per token, by another hash): an
 * entry counts towards a bound only when the record has its bit in both, so far fewer records are
 * read for a word they do not hold (with 12 bits alone, a third of the records read could not enter).
 */
export const tokenSigBit32 = (tid: number): number => 1 << (Math.imul(tid, 0x85ebca6b) >>> 27);
export const postingWeight = (word: number): number => ((word >>> 12) & 255) / WEIGHT_STEPS;
export const postingCountry = (word: number): number => word >>> 20;

/**
 * A name record is one row of `rec`, header then tokens, so that reading a record is one cache
 * miss rather than one per array (the scan's cost at registry scale is memory latency): [entity,
 * entity-id hash, weight (float32 bits), token count, info, compact-form hash, token ids...].
 * Code past the index (blocking, scoring, matching) names a record by its row in rec.
 */
export const REC_ENTITY = 0;
/** a hash of the entity id: a tie-break that does not depend on the registry's order */
export const REC_RANK = 1;
/** Σ IDF weights of the record's tokens (the entity side of the Dice denominator); read via recF */
export const REC_WEIGHT = 2;
export const REC_LENGTH = 3;
/** bits 0-1 the index in SCRIPTS, bit 2 INFO_TRANSLITERATED, bits 3-31 the entity's country set */
export const REC_INFO = 4;
/** FNV-1a of the name's compact form (its tokens joined) */
export const REC_COMPACT = 5;
export const REC_HEADER = 6;

export const INFO_TRANSLITERATED = 4;
export const infoScript = (info: number): NameScript => SCRIPTS[info & 3]!;
export const infoCountrySet = (info: number): number => info >>> 3;

/** tokenFlags: a stop word */
export const TOKEN_STOP = 1;

/** The flat arrays behind the index, for the blocking scan (src/resolve only; read, never write). */
export interface IndexArrays {
  /** name records back to back (see REC_HEADER); a token ~tid was expanded from an abbreviation */
  readonly rec: Int32Array;
  /** the same buffer as float32, for REC_WEIGHT */
  readonly recF: Float32Array;
  /** row of name record n in rec */
  readonly nameStart: Int32Array;
  /** entity e holds name records entNameStart[e] .. entNameStart[e + 1] */
  readonly entNameStart: Int32Array;
  /** interned set of the entity's countries */
  readonly entCountrySet: Int32Array;
  /** postings of token t: postList[postStart[t] .. postStart[t + 1]), rows in rec, ascending */
  readonly postStart: Int32Array;
  readonly postList: Int32Array;
  /** per posting: the record summary described at SIG_SLOTS */
  readonly postWord: Int32Array;
  /** per posting: the record's tokens as tokenSigBit32 bits */
  readonly postSig: Int32Array;
  readonly idf: Float64Array;
}

/**
 * Everything an EntityIndex reads, as typed arrays over SharedArrayBuffers plus the (small) list of
 * country sets: posted to a worker thread, the arrays are shared, not copied.
 */
export interface EntityIndexSnapshot {
  readonly format: 'channelguard-entity-index/1';
  readonly entityCount: number;
  readonly nameCount: number;
  readonly refusedIdentifiers: number;
  readonly arrays: Omit<IndexArrays, 'recF'>;
  /** name records (rows in rec) by the FNV-1a hash of their compact form */
  readonly compact: HashBucketsParts;
  /** entities by the FNV-1a hash of each of their identifier keys */
  readonly keys: HashBucketsParts;
  readonly ids: StringTableParts;
  readonly names: StringTableParts;
  /** per entity, its identifier keys joined by U+0001 */
  readonly entityKeys: StringTableParts;
  /** the token dictionary (sealed for lookup), and per token TOKEN_STOP */
  readonly vocab: StringTableParts;
  readonly tokenFlags: Uint8Array;
  /** per token, letterMask of it (see edit-distance.ts) */
  readonly tokenLetters: Int32Array;
  /** typo blocking: tokens by the hash of their half-word keys ("7<kar", "7>imo") */
  readonly halves: HashBucketsParts;
  /** country codes per country-set id */
  readonly countrySets: readonly (readonly string[])[];
}

/** Read-only view the matcher uses. */
export interface EntityIndex {
  readonly entityCount: number;
  readonly nameCount: number;
  /** identifiers in parties that failed validation (never indexed) */
  readonly refusedIdentifiers: number;
  readonly arrays: IndexArrays;
  /** the shared arrays behind this index, for attachEntityIndex in another thread */
  snapshot(): EntityIndexSnapshot;
  entityId(e: number): string;
  /** entityId(a) against entityId(b) in string order (< 0: a first), mostly without reading either */
  compareEntityIds(a: number, b: number): number;
  entityName(e: number): string;
  /** ISO country codes (headquarters, incorporation) of entity e, sorted */
  entityCountries(e: number): readonly string[];
  /** the countries of a country-set id (see REC_INFO) */
  countrySet(id: number): readonly string[];
  /** per country-set id: COUNTRY_MATCH, COUNTRY_UNKNOWN (no country on one side) or COUNTRY_CONFLICT */
  countryFit(country: string | undefined): Int8Array;
  /** identifier keys of entity e ("lei:…", "uscc:…", "domain:…") */
  entityKeys(e: number): string[];
  /** entities holding an identifier key, ascending */
  lookupKey(key: string): number[];
  tokenId(token: string): number;
  token(tid: number): string;
  /** the token is a stop word (weighed at STOP_FACTOR) */
  isStopToken(tid: number): boolean;
  /** known tokens one edit away (two for long ones), found through half-word keys, not by enumeration */
  similarTokens(token: string): number[];
  /** IDF weight of a token, a tenth for stop words (precomputed) */
  weight(tid: number): number;
  /** number of name records holding a token */
  df(tid: number): number;
  /** name records (rows in rec, ascending) whose compact form hashes like this */
  compactPostings(hash: number): number[];
  nameEntity(n: number): number;
  /** the name records [start, end) of entity e (its name and alternate names, as normalised forms) */
  entityNameRange(e: number): [number, number];
  nameLength(n: number): number;
  /** token ids of name n; a negative value ~tid marks a token expanded from an abbreviation */
  nameTokens(n: number): Int32Array;
  nameScript(n: number): NameScript;
  nameTransliterated(n: number): boolean;
  nameCompact(n: number): number;
}

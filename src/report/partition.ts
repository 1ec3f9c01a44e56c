// Partner isolation (fault 13): before anything is signed, every id of every row must belong to
// the report's partner, and no tenant key of another partner may appear anywhere in the bytes.
// The offending ids are named only in the error (internal log), never in a file.
import type { Cloud } from '../adapter.ts';
import { ReportError } from '../errors.ts';
import type { PartnerIds } from './types.ts';

/** A foreign id was found: nothing is signed. `offending` lists the ids, for the internal log only. */
export class PartitionError extends ReportError {
  override readonly name: string = 'PartitionError';
  constructor(
    readonly partner: Cloud,
    readonly offending: string[],
    detail: string,
  ) {
    super(`partner isolation failed for the ${partner} report: ${detail}: ${offending.join(', ')}`);
  }
}

const AWS_ACCOUNT = /^\d{12}$/;
const GCP_BILLING = /^(billingAccounts\/)?[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Which id fields a partner's rows may carry, and the shape each must have. */
const FIELDS: Record<Cloud, Partial<Record<keyof PartnerIds, RegExp | 'any'>>> = {
  aws: { account: AWS_ACCOUNT, billingAccount: AWS_ACCOUNT, subscriptions: 'any' },
  gcp: { account: 'any', billingAccount: GCP_BILLING, subscriptions: 'any' },
  azure: { tenant: GUID, subscriptions: GUID },
};

/** Shapes that only another partner uses: an id of this shape in this partner's row is foreign. */
function foreignShape(partner: Cloud, value: string): boolean {
  if (partner !== 'aws' && AWS_ACCOUNT.test(value)) return true;
  if (partner !== 'gcp' && GCP_BILLING.test(value)) return true;
  return false;
}

/** Checks one row's partner, tenant key and ids; returns the offending values (empty = fine). */
export function checkRowIds(
  partner: Cloud,
  row: { partner: string; tenantKey: string; partnerIds: PartnerIds },
  otherPartnerKeys: ReadonlySet<string>,
): string[] {
  const bad: string[] = [];
  if (row.partner !== partner) bad.push(row.tenantKey);
  if (
    row.tenantKey.trim() === '' ||
    otherPartnerKeys.has(row.tenantKey) ||
    foreignShape(partner, row.tenantKey)
  )
    bad.push(row.tenantKey);
  const allowed = FIELDS[partner];
  for (const [field, value] of Object.entries(row.partnerIds) as Array<[keyof PartnerIds, unknown]>) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    const shape = allowed[field];
    for (const v of values) {
      if (typeof v !== 'string' || v.trim() === '') {
        bad.push(`${row.tenantKey}.${field}`);
        continue;
      }
      if (shape === undefined || otherPartnerKeys.has(v) || foreignShape(partner, v)) bad.push(v);
      else if (shape !== 'any' && !shape.test(v)) bad.push(v);
    }
  }
  return [...new Set(bad)];
}

/** one length's keys: their rolling hashes in an open-addressed table, and the keys to confirm a hit */
interface LengthTable {
  length: number;
  keys: Set<string>;
  /** hash | 1 per slot (never 0, which marks an empty slot): a window whose mark is absent is no key */
  slots: Int32Array;
  mask: number;
  /** HASH_BASE^(length-1) mod 2^32: what the character leaving a window weighs */
  lead: number;
}

const HASH_BASE = 0x01000193;

/** the rolling hash of text[from, from+length) */
function hashOf(text: string, from: number, length: number): number {
  let h = 0;
  for (let i = from; i < from + length; i++) h = (Math.imul(h, HASH_BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * Finds any of a set of keys inside texts. Every key lies inside a run of characters that occur in
 * some key (ids are made of few characters: digits, hex, a dash), so only runs at least as long as
 * the shortest key are looked at, and inside them every window of each key length, by a rolling
 * hash (no string per window; a hash that matches a key's is confirmed against the key itself): the
 * cost is (run length x distinct key lengths), not x key count, and prose, markup and dates cost a
 * glance.
 */
export class KeyScanner {
  private readonly tables: LengthTable[] = [];
  /** char code -> 1 when the character occurs in some key */
  private readonly inKey = new Uint8Array(65536);
  private minLength = Infinity;

  constructor(keys: Iterable<string>) {
    const byLength = new Map<number, Set<string>>();
    for (const k of keys) {
      if (k.length === 0) continue;
      let set = byLength.get(k.length);
      if (!set) byLength.set(k.length, (set = new Set()));
      set.add(k);
      for (let i = 0; i < k.length; i++) this.inKey[k.charCodeAt(i)] = 1;
      if (k.length < this.minLength) this.minLength = k.length;
    }
    for (const length of [...byLength.keys()].sort((a, b) => a - b)) {
      const set = byLength.get(length)!;
      let size = 16;
      while (size < set.size * 2) size *= 2;
      const slots = new Int32Array(size);
      const mask = size - 1;
      for (const k of set) {
        const h = hashOf(k, 0, length);
        let at = h & mask;
        while (slots[at] !== 0 && slots[at] !== (h | 1)) at = (at + 1) & mask;
        slots[at] = h | 1;
      }
      let lead = 1;
      for (let i = 1; i < length; i++) lead = Math.imul(lead, HASH_BASE);
      this.tables.push({ length, keys: set, slots, mask, lead });
    }
  }

  get empty(): boolean {
    return this.tables.length === 0;
  }

  /** the keys found in `text`, sorted */
  find(text: string): string[] {
    if (this.tables.length === 0) return [];
    const found = new Set<string>();
    const inKey = this.inKey;
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (!inKey[text.charCodeAt(i)]) {
        i++;
        continue;
      }
      let end = i + 1;
      while (end < n && inKey[text.charCodeAt(end)]) end++;
      if (end - i >= this.minLength) this.scanRun(text, i, end, found);
      i = end + 1;
    }
    return [...found].sort();
  }

  private scanRun(text: string, from: number, to: number, found: Set<string>): void {
    for (const t of this.tables) {
      const len = t.length;
      if (to - from < len) break;
      const { slots, mask, lead } = t;
      let h = hashOf(text, from, len);
      for (let i = from; ; i++) {
        // is this window's hash one of the keys'? (probe until an empty slot)
        const want = h | 1;
        for (let at = h & mask; slots[at] !== 0; at = (at + 1) & mask) {
          if (slots[at] === want) {
            const w = text.slice(i, i + len);
            if (t.keys.has(w)) found.add(w);
            break;
          }
        }
        if (i + len >= to) break;
        h = (Math.imul(h - Math.imul(text.charCodeAt(i), lead), HASH_BASE) + text.charCodeAt(i + len)) | 0;
      }
    }
  }
}

// Compact storage, so a 3M-entity index costs bytes per entity rather than objects. What the index
// keeps lives in shared memory (SharedArrayBuffer): worker threads read the same bytes, no copy.

/** Typed arrays over shared memory (a posted message shares them rather than copying them). */
export const sharedInt32 = (length: number): Int32Array =>
  new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
export const sharedFloat64 = (length: number): Float64Array =>
  new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
export const sharedUint8 = (length: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(length));

export class GrowableInt32 {
  private buf: Int32Array;
  length = 0;
  constructor(initial = 1024) {
    this.buf = new Int32Array(initial);
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  get(i: number): number {
    return this.buf[i]!;
  }
  set(i: number, v: number): void {
    this.buf[i] = v;
  }
  /** a trimmed copy in shared memory; the builder drops its buffer afterwards */
  toShared(): Int32Array {
    const out = sharedInt32(this.length);
    out.set(this.buf.subarray(0, this.length));
    return out;
  }
}

/** The shared parts of a sealed StringPool (see StringTable). */
export interface StringTableParts {
  /** UTF-8 bytes, back to back */
  readonly bytes: Uint8Array;
  /** string i ends at ends[i] (and starts where string i - 1 ends) */
  readonly ends: Int32Array;
  /** every string is ASCII: read back as latin1, a plain copy rather than UTF-8 decoding */
  readonly ascii: boolean;
  /** open addressing over FNV-1a hashes, string number + 1 (0: empty); only when sealed for lookup */
  readonly slots?: Int32Array;
}

/** Strings kept as UTF-8 bytes in one buffer, read back by number. */
export class StringPool {
  private bytes: Buffer;
  private used = 0;
  private ends = new GrowableInt32();
  private ascii = true;
  constructor(initialBytes = 1 << 16) {
    this.bytes = Buffer.allocUnsafe(initialBytes);
  }
  get length(): number {
    return this.ends.length;
  }
  add(s: string): number {
    const need = Buffer.byteLength(s);
    if (need !== s.length) this.ascii = false;
    if (this.used + need > this.bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + need));
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    this.used += this.bytes.write(s, this.used);
    this.ends.push(this.used);
    return this.ends.length - 1;
  }
  get(i: number): string {
    const start = i === 0 ? 0 : this.ends.get(i - 1);
    return this.bytes.toString(this.ascii ? 'latin1' : 'utf8', start, this.ends.get(i));
  }
  /** The strings as a read-only table in shared memory; `lookup` adds a hash table for `find`. */
  seal(lookup = false): StringTable {
    const bytes = sharedUint8(this.used);
    bytes.set(this.bytes.subarray(0, this.used));
    const ends = this.ends.toShared();
    let slots: Int32Array | undefined;
    if (lookup) {
      let size = 16;
      while (size < 2 * ends.length) size *= 2;
      slots = sharedInt32(size);
      const mask = size - 1;
      for (let i = 0; i < ends.length; i++) {
        let at = fnv1a(this.get(i)) & mask;
        while (slots[at] !== 0) at = (at + 1) & mask;
        slots[at] = i + 1;
      }
    }
    return new StringTable({ bytes, ends, ascii: this.ascii, ...(slots ? { slots } : {}) });
  }
}

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
};

/** A sealed StringPool: strings by number and, when sealed for lookup, numbers by string. */
export class StringTable {
  private readonly bytes: Buffer;
  private readonly ends: Int32Array;
  private readonly encoding: 'latin1' | 'utf8';
  constructor(readonly parts: StringTableParts) {
    this.bytes = Buffer.from(parts.bytes.buffer, parts.bytes.byteOffset, parts.bytes.byteLength);
    this.ends = parts.ends;
    this.encoding = parts.ascii ? 'latin1' : 'utf8';
  }
  get length(): number {
    return this.ends.length;
  }
  private start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]!;
  }
  get(i: number): string {
    return this.bytes.toString(this.encoding, this.start(i), this.ends[i]!);
  }
  /** UTF-8 bytes of string i */
  byteLengthOf(i: number): number {
    return this.ends[i]! - this.start(i);
  }
  /** string i against string j by UTF-8 bytes (< 0: i first): their UTF-16 order when both are ASCII */
  compareBytes(i: number, j: number): number {
    // a loop, not Buffer.compare: ids are short, and the call's own checks cost more than the bytes
    const b = this.parts.bytes;
    let x = this.start(i);
    let y = this.start(j);
    const xEnd = this.ends[i]!;
    const yEnd = this.ends[j]!;
    for (; x < xEnd && y < yEnd; x++, y++) if (b[x] !== b[y]) return b[x]! - b[y]!;
    return xEnd - x - (yEnd - y);
  }
  /** the number of string s, or -1 (the table must be sealed for lookup) */
  find(s: string): number {
    const slots = this.parts.slots;
    if (slots === undefined) throw new Error('this string table was sealed without lookup');
    const mask = slots.length - 1;
    const enc = isAscii(s) ? undefined : Buffer.from(s, 'utf8');
    for (let at = fnv1a(s) & mask; ; at = (at + 1) & mask) {
      const v = slots[at]!;
      if (v === 0) return -1;
      if (this.equalsAt(v - 1, s, enc)) return v - 1;
    }
  }
  private equalsAt(i: number, s: string, enc: Uint8Array | undefined): boolean {
    const start = this.start(i);
    const len = this.ends[i]! - start;
    const b = this.bytes;
    if (enc === undefined) {
      if (len !== s.length) return false;
      for (let k = 0; k < len; k++) if (b[start + k] !== s.charCodeAt(k)) return false;
      return true;
    }
    if (len !== enc.length) return false;
    for (let k = 0; k < len; k++) if (b[start + k] !== enc[k]) return false;
    return true;
  }
  /** bytes held, for the benchmark's memory figure */
  get byteLength(): number {
    return this.parts.bytes.byteLength + this.ends.byteLength + (this.parts.slots?.byteLength ?? 0);
  }
}

/** FNV-1a, 32 bits: a cheap fingerprint for compact-name lookups (collisions only widen a block). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The shared arrays of a HashBuckets: per slot, where its items start; per item, hash and value. */
export interface HashBucketsParts {
  readonly start: Int32Array;
  readonly hashes: Int32Array;
  readonly items: Int32Array;
}

/**
 * A hash table over a fixed list of (32-bit hash, value) pairs, built in one counting sort: the
 * pairs of a slot lie side by side (a look-up reads one run, not a chain of cache misses), in the
 * order they were given. `each` visits the values filed under a hash.
 */
export class HashBuckets {
  private readonly start: Int32Array;
  private readonly hashes: Int32Array;
  private readonly items: Int32Array;
  private readonly mask: number;
  constructor(readonly parts: HashBucketsParts) {
    ({ start: this.start, hashes: this.hashes, items: this.items } = parts);
    this.mask = this.start.length - 2;
  }
  /** buckets over pairs (hashes[i], items[i]); items default to i. In shared memory. */
  static build(hashes: Int32Array, items?: Int32Array): HashBuckets {
    let size = 16;
    while (size < hashes.length) size *= 2;
    const mask = size - 1;
    const start = sharedInt32(size + 1);
    for (let i = 0; i < hashes.length; i++) start[(hashes[i]! & mask) + 1]!++;
    for (let s = 0; s < size; s++) start[s + 1]! += start[s]!;
    const fill = start.slice(0, size);
    const sortedHashes = sharedInt32(hashes.length);
    const sortedItems = sharedInt32(hashes.length);
    for (let i = 0; i < hashes.length; i++) {
      const at = fill[hashes[i]! & mask]!++;
      sortedHashes[at] = hashes[i]!;
      sortedItems[at] = items ? items[i]! : i;
    }
    return new HashBuckets({ start, hashes: sortedHashes, items: sortedItems });
  }
  each(hash: number, visit: (item: number) => void): void {
    const h = hash | 0;
    const slot = h & this.mask;
    for (let i = this.start[slot]!, end = this.start[slot + 1]!; i < end; i++)
      if (this.hashes[i] === h) visit(this.items[i]!);
  }
}

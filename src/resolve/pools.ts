// Compact growable storage, so a 3M-entity index costs bytes per entity rather than objects.

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
  /** a trimmed copy; the builder drops its buffer afterwards */
  toArray(): Int32Array {
    return this.buf.slice(0, this.length);
  }
}

/** Strings kept as UTF-8 bytes in one buffer, read back by number. */
export class StringPool {
  private bytes: Buffer;
  private used = 0;
  private ends = new GrowableInt32();
  /** every string so far was ASCII: read back as latin1, a plain copy rather than UTF-8 decoding */
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
  /** bytes held, for the benchmark's memory figure */
  get byteLength(): number {
    return this.bytes.length + this.ends.length * 4;
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

/**
 * A chained hash table over a fixed array of 32-bit hashes: head and next links in two Int32Arrays,
 * built in one pass (no sort, no Map entry per item). `each` visits the items with that hash.
 */
export class HashChains {
  private readonly head: Int32Array;
  private readonly next: Int32Array;
  private readonly mask: number;
  constructor(private readonly hashes: Int32Array) {
    let size = 16;
    while (size < hashes.length) size *= 2;
    this.mask = size - 1;
    this.head = new Int32Array(size).fill(-1);
    this.next = new Int32Array(hashes.length);
    for (let i = hashes.length - 1; i >= 0; i--) {
      const slot = hashes[i]! & this.mask;
      this.next[i] = this.head[slot]!;
      this.head[slot] = i;
    }
  }
  each(hash: number, visit: (i: number) => void): void {
    const h = hash | 0;
    for (let i = this.head[h & this.mask]!; i >= 0; i = this.next[i]!) if (this.hashes[i] === h) visit(i);
  }
}

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
  constructor(initialBytes = 1 << 16) {
    this.bytes = Buffer.allocUnsafe(initialBytes);
  }
  get length(): number {
    return this.ends.length;
  }
  add(s: string): number {
    const need = Buffer.byteLength(s);
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
    return this.bytes.toString('utf8', start, this.ends.get(i));
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

// A string -> dense integer index (open addressing over an Int32Array). A JS Map caps out at
// 2^24 entries and costs ~40 bytes an entry; ownership graphs hold tens of millions of ids.

const EMPTY = -1;

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class IdIndex {
  /** keys in insertion order: keys[i] is the id of index i */
  readonly keys: string[] = [];
  private table: Int32Array;
  private mask: number;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.table = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The index of `id`, or -1. */
  get(id: string): number {
    let p = hashString(id) & this.mask;
    for (;;) {
      const v = this.table[p]!;
      if (v === EMPTY) return -1;
      if (this.keys[v] === id) return v;
      p = (p + 1) & this.mask;
    }
  }

  /** The index of `id`, added when new. */
  intern(id: string): number {
    if (this.keys.length * 2 >= this.table.length) this.grow();
    let p = hashString(id) & this.mask;
    for (;;) {
      const v = this.table[p]!;
      if (v === EMPTY) {
        const index = this.keys.length;
        this.table[p] = index;
        this.keys.push(id);
        return index;
      }
      if (this.keys[v] === id) return v;
      p = (p + 1) & this.mask;
    }
  }

  private grow(): void {
    const cap = this.table.length * 2;
    const table = new Int32Array(cap).fill(EMPTY);
    const mask = cap - 1;
    for (let i = 0; i < this.keys.length; i++) {
      let p = hashString(this.keys[i]!) & mask;
      while (table[p] !== EMPTY) p = (p + 1) & mask;
      table[p] = i;
    }
    this.table = table;
    this.mask = mask;
  }
}

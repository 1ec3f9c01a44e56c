// Scratch columns for one subject's raw stakes during compile: reused from subject to subject,
// grown when a subject has many holders, so compiling allocates nothing per stake.
import { E_STANDIN } from './compiled-bits.ts';

export class Scratch {
  holder = new Int32Array(64);
  slot = new Int32Array(64);
  lo = new Int32Array(64);
  hi = new Int32Array(64);
  flags = new Uint8Array(64);
  rel = new Int32Array(64);
  type = new Int32Array(64);
  key = new Float64Array(64);
  order = new Int32Array(64);
  count = 0;

  push(holder: number, slot: number, lo: number, hi: number, flags: number, rel: number, type: number): void {
    if (this.count === this.holder.length) this.grow();
    const i = this.count++;
    this.holder[i] = holder;
    this.slot[i] = slot;
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.flags[i] = flags;
    this.rel[i] = rel;
    this.type[i] = type;
  }

  private grow(): void {
    const n = this.holder.length * 2;
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.holder = i32(this.holder);
    this.slot = i32(this.slot);
    this.lo = i32(this.lo);
    this.hi = i32(this.hi);
    this.rel = i32(this.rel);
    this.type = i32(this.type);
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.flags = flags;
    this.key = new Float64Array(n);
    this.order = new Int32Array(n);
  }

  /**
   * Entry indices ordered by (slot, holder, stand-in); `key` holds each entry's sort key, equal
   * keys are to be combined. Relationships arrive sorted by holder, so this is short work.
   */
  sort(nodeCount: number): Int32Array {
    const order = this.order;
    const key = this.key;
    const count = this.count;
    for (let i = 0; i < count; i++) {
      order[i] = i;
      key[i] = (this.slot[i]! * nodeCount + this.holder[i]!) * 2 + (this.flags[i]! & E_STANDIN ? 1 : 0);
    }
    if (count > 24) order.subarray(0, count).sort((a, b) => key[a]! - key[b]! || a - b);
    else
      for (let i = 1; i < count; i++) {
        const x = order[i]!;
        const kx = key[x]!;
        let j = i - 1;
        while (j >= 0 && key[order[j]!]! > kx) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = x;
      }
    return order;
  }
}

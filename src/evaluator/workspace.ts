// Buffers of a whole-graph evaluation, kept with the graph for its next evaluation. On a graph of
// millions of nodes an evaluation fills several buffers of hundreds of megabytes; fresh ones cost
// a page fault every 4 KB, and, being memory outside the JS heap, make V8 collect a heap that
// holds the whole graph -- once per buffer past its limit, so the buffers an evaluation is about to
// ask for are made in one allocation (`reserve`). One evaluation at a time holds them: another one
// started meanwhile (from a decision callback) takes fresh buffers.

type Buffer = Int32Array | Uint16Array | Uint8Array;

/**
 * Where an evaluation takes its large buffers from: of exactly the length asked, zeroed unless
 * `zero` is false (the caller then writes every entry it reads).
 */
export interface Buffers {
  /** Room for the buffers about to be asked for (bytes by key), made in one allocation. */
  reserve(bytes: ReadonlyArray<readonly [key: string, bytes: number]>): void;
  int32(key: string, length: number, zero?: boolean): Int32Array;
  uint16(key: string, length: number, zero?: boolean): Uint16Array;
  uint8(key: string, length: number, zero?: boolean): Uint8Array;
}

/** Fresh buffers every time (subsets of the graph, or the workspace already held). */
export const FRESH: Buffers = {
  reserve: () => {},
  int32: (_key, length) => new Int32Array(length),
  uint16: (_key, length) => new Uint16Array(length),
  uint8: (_key, length) => new Uint8Array(length),
};

/** A reserved place in the workspace's one allocation; `used`: handed out since it was made. */
interface Slot {
  offset: number;
  bytes: number;
  used: boolean;
}

export class Workspace implements Buffers {
  private readonly kept = new Map<string, Buffer>();
  private arena = new ArrayBuffer(0);
  private readonly slots = new Map<string, Slot>();
  private held = false;

  /** The workspace for one evaluation, or FRESH while another holds it; give it back with `release`. */
  take(): Buffers {
    if (this.held) return FRESH;
    this.held = true;
    return this;
  }

  release(b: Buffers): void {
    if (b === this) this.held = false;
  }

  reserve(bytes: ReadonlyArray<readonly [key: string, bytes: number]>): void {
    if (bytes.every(([key, n]) => (this.slots.get(key)?.bytes ?? -1) >= n)) return;
    // one new allocation for all of them; what was kept apart under these keys goes
    this.slots.clear();
    let total = 0;
    for (const [key, n] of bytes) {
      this.kept.delete(key);
      this.slots.set(key, { offset: total, bytes: n, used: false });
      total += Math.ceil(n / 8) * 8;
    }
    this.arena = new ArrayBuffer(total);
  }

  int32(key: string, length: number, zero = true): Int32Array {
    const slot = this.slot(key, 4 * length, zero);
    if (slot !== null) return new Int32Array(this.arena, slot.offset, length);
    return this.get(key, length, zero, (n) => new Int32Array(n)) as Int32Array;
  }

  uint16(key: string, length: number, zero = true): Uint16Array {
    const slot = this.slot(key, 2 * length, zero);
    if (slot !== null) return new Uint16Array(this.arena, slot.offset, length);
    return this.get(key, length, zero, (n) => new Uint16Array(n)) as Uint16Array;
  }

  uint8(key: string, length: number, zero = true): Uint8Array {
    const slot = this.slot(key, length, zero);
    if (slot !== null) return new Uint8Array(this.arena, slot.offset, length);
    return this.get(key, length, zero, (n) => new Uint8Array(n)) as Uint8Array;
  }

  /** The reserved slot of `key` if it holds `bytes`, cleared if asked and handed out before. */
  private slot(key: string, bytes: number, zero: boolean): Slot | null {
    const slot = this.slots.get(key);
    if (slot === undefined || slot.bytes < bytes) return null;
    if (zero && slot.used) new Uint8Array(this.arena, slot.offset, bytes).fill(0);
    slot.used = true;
    return slot;
  }

  private get(key: string, length: number, zero: boolean, make: (n: number) => Buffer): Buffer {
    const old = this.kept.get(key);
    if (old !== undefined && old.length >= length) {
      const view = old.subarray(0, length);
      if (zero) view.fill(0);
      return view;
    }
    const fresh = make(length);
    this.kept.set(key, fresh);
    return fresh;
  }
}

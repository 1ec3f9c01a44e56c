// Buffers of a whole-graph evaluation, kept with the graph for its next evaluation. On a graph of
// millions of nodes an evaluation fills several buffers of hundreds of megabytes; fresh ones cost
// a page fault every 4 KB, and, being memory outside the JS heap, make V8 start a full collection
// of a heap that holds the whole graph. One evaluation at a time holds them: another one started
// meanwhile (from a decision callback) takes fresh buffers.

type Buffer = Int32Array | Uint16Array | Uint8Array;

/**
 * Where an evaluation takes its large buffers from: of exactly the length asked, zeroed unless
 * `zero` is false (the caller then writes every entry it reads).
 */
export interface Buffers {
  int32(key: string, length: number, zero?: boolean): Int32Array;
  uint16(key: string, length: number, zero?: boolean): Uint16Array;
  uint8(key: string, length: number, zero?: boolean): Uint8Array;
}

/** Fresh buffers every time (subsets of the graph, or the workspace already held). */
export const FRESH: Buffers = {
  int32: (_key, length) => new Int32Array(length),
  uint16: (_key, length) => new Uint16Array(length),
  uint8: (_key, length) => new Uint8Array(length),
};

export class Workspace implements Buffers {
  private readonly kept = new Map<string, Buffer>();
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

  int32(key: string, length: number, zero = true): Int32Array {
    return this.get(key, length, zero, (n) => new Int32Array(n)) as Int32Array;
  }

  uint16(key: string, length: number, zero = true): Uint16Array {
    return this.get(key, length, zero, (n) => new Uint16Array(n)) as Uint16Array;
  }

  uint8(key: string, length: number, zero = true): Uint8Array {
    return this.get(key, length, zero, (n) => new Uint8Array(n)) as Uint8Array;
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

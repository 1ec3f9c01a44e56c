// Append-only typed arrays that double as they fill: the builder's columns.

type TypedArray = Int32Array | Uint8Array | Uint16Array | Float64Array;
type Ctor<T extends TypedArray> = new (length: number) => T;

export class Column<T extends TypedArray> {
  data: T;
  length = 0;

  constructor(
    private readonly ctor: Ctor<T>,
    capacity = 1024,
  ) {
    this.data = new ctor(capacity);
  }

  push(value: number): number {
    if (this.length === this.data.length) {
      const next = new this.ctor(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = value;
    return this.length++;
  }
}

export const int32Column = (capacity?: number) => new Column(Int32Array, capacity);
export const uint8Column = (capacity?: number) => new Column(Uint8Array, capacity);
export const uint16Column = (capacity?: number) => new Column(Uint16Array, capacity);
export const float64Column = (capacity?: number) => new Column(Float64Array, capacity);

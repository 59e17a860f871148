import { ByteBuffer } from "flatbuffers";

/** A .tflite file that cannot be read or run; the message says what and where. */
export class ModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelFormatError";
  }
}

/**
 * Bounds-checked reading of a flatbuffer. The flatbuffers runtime trusts its
 * input (an offset past the end reads as zero); every position is checked
 * here before the runtime reads it, so a hostile file gives a ModelFormatError.
 */
export class FlatbufferReader {
  readonly bytes: Uint8Array;
  readonly bb: ByteBuffer;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.bb = new ByteBuffer(bytes);
  }

  /** Throws unless [position, position + size) lies inside the buffer. */
  ensure(position: number, size: number, what: string): void {
    if (!Number.isSafeInteger(position) || !Number.isSafeInteger(size) || position < 0 || size < 0 || position + size > this.bytes.length) {
      throw new ModelFormatError(`${what}: bytes ${position}..${position + size} lie outside the file (${this.bytes.length} bytes)`);
    }
  }

  /** Follows the uoffset stored at `position`. */
  follow(position: number, what: string): number {
    this.ensure(position, 4, what);
    return position + this.bb.readUint32(position);
  }

  /** The root table (the uoffset at byte 0). */
  root(what: string): Table {
    return new Table(this, this.follow(0, what), what);
  }
}

/** A flatbuffer table whose vtable has been checked. */
export class Table {
  readonly #reader: FlatbufferReader;
  readonly #position: number;
  readonly #vtable: number;
  readonly #vtableSize: number;
  readonly #tableSize: number;
  readonly what: string;

  constructor(reader: FlatbufferReader, position: number, what: string) {
    this.#reader = reader;
    this.what = what;
    reader.ensure(position, 4, `${what} (table)`);
    this.#position = position;
    const vtable = position - reader.bb.readInt32(position);
    reader.ensure(vtable, 4, `${what} (vtable)`);
    const vtableSize = reader.bb.readUint16(vtable);
    const tableSize = reader.bb.readUint16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw new ModelFormatError(`${what}: bad vtable size ${vtableSize}`);
    reader.ensure(vtable, vtableSize, `${what} (vtable)`);
    if (tableSize < 4) throw new ModelFormatError(`${what}: bad table size ${tableSize}`);
    reader.ensure(position, tableSize, `${what} (table body)`);
    this.#vtable = vtable;
    this.#vtableSize = vtableSize;
    this.#tableSize = tableSize;
  }

  /** Position of field `id` of `size` bytes, or 0 when absent. */
  #field(id: number, size: number): number {
    const entry = 4 + 2 * id;
    if (entry + 2 > this.#vtableSize) return 0;
    const offset = this.#reader.bb.readUint16(this.#vtable + entry);
    if (offset === 0) return 0;
    if (offset + size > this.#tableSize) {
      throw new ModelFormatError(`${this.what}: field ${id} (offset ${offset}, ${size} bytes) overruns its table (${this.#tableSize} bytes)`);
    }
    return this.#position + offset;
  }

  /** Byte position of field `id` (of `size` bytes) in the file, or 0 when absent: for patching a copy. */
  fieldPosition(id: number, size: number): number {
    return this.#field(id, size);
  }

  has(id: number): boolean {
    return this.#field(id, 1) !== 0;
  }

  int8(id: number, fallback: number): number {
    const at = this.#field(id, 1);
    return at === 0 ? fallback : this.#reader.bb.readInt8(at);
  }

  uint8(id: number, fallback: number): number {
    const at = this.#field(id, 1);
    return at === 0 ? fallback : this.#reader.bb.readUint8(at);
  }

  bool(id: number, fallback: boolean): boolean {
    const at = this.#field(id, 1);
    return at === 0 ? fallback : this.#reader.bb.readUint8(at) !== 0;
  }

  int32(id: number, fallback: number): number {
    const at = this.#field(id, 4);
    return at === 0 ? fallback : this.#reader.bb.readInt32(at);
  }

  uint32(id: number, fallback: number): number {
    const at = this.#field(id, 4);
    return at === 0 ? fallback : this.#reader.bb.readUint32(at);
  }

  float32(id: number, fallback: number): number {
    const at = this.#field(id, 4);
    return at === 0 ? fallback : this.#reader.bb.readFloat32(at);
  }

  uint64(id: number, fallback: bigint): bigint {
    const at = this.#field(id, 8);
    return at === 0 ? fallback : this.#reader.bb.readUint64(at);
  }

  /** A sub-table, or null when absent. */
  table(id: number, what: string): Table | null {
    const at = this.#field(id, 4);
    if (at === 0) return null;
    return new Table(this.#reader, this.#reader.follow(at, what), what);
  }

  /** A vector of `elementSize`-byte scalars: its start and length, or null when absent. */
  #vector(id: number, elementSize: number, what: string): { start: number; length: number } | null {
    const at = this.#field(id, 4);
    if (at === 0) return null;
    const vector = this.#reader.follow(at, what);
    this.#reader.ensure(vector, 4, `${what} (vector length)`);
    const length = this.#reader.bb.readUint32(vector);
    this.#reader.ensure(vector + 4, length * elementSize, `${what} (${length} elements)`);
    return { start: vector + 4, length };
  }

  /** A vector of int32 values, copied; empty when absent. */
  int32s(id: number, what: string): number[] {
    const vector = this.#vector(id, 4, what);
    if (vector === null) return [];
    const values: number[] = [];
    for (let i = 0; i < vector.length; i++) values.push(this.#reader.bb.readInt32(vector.start + 4 * i));
    return values;
  }

  /** A vector of float32 values, copied; empty when absent. */
  float32s(id: number, what: string): number[] {
    const vector = this.#vector(id, 4, what);
    if (vector === null) return [];
    const values: number[] = [];
    for (let i = 0; i < vector.length; i++) values.push(this.#reader.bb.readFloat32(vector.start + 4 * i));
    return values;
  }

  /** A vector of int64 values, copied; empty when absent. */
  int64s(id: number, what: string): bigint[] {
    const vector = this.#vector(id, 8, what);
    if (vector === null) return [];
    const values: bigint[] = [];
    for (let i = 0; i < vector.length; i++) values.push(this.#reader.bb.readInt64(vector.start + 8 * i));
    return values;
  }

  /** A vector of bytes as a view into the file (no copy); null when absent. */
  bytes(id: number, what: string): Uint8Array | null {
    const vector = this.#vector(id, 1, what);
    if (vector === null) return null;
    return this.#reader.bytes.subarray(vector.start, vector.start + vector.length);
  }

  /** A UTF-8 string; empty when absent. */
  string(id: number, what: string): string {
    const bytes = this.bytes(id, what);
    return bytes === null ? "" : new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  }

  /** A vector of tables: its length, and a reader of element i. */
  tables(id: number, what: string): { length: number; at(index: number): Table } {
    const vector = this.#vector(id, 4, what);
    if (vector === null) return { length: 0, at: () => { throw new ModelFormatError(`${what}: empty`); } };
    const reader = this.#reader;
    return {
      length: vector.length,
      at: (index: number) => new Table(reader, reader.follow(vector.start + 4 * index, `${what}[${index}]`), `${what}[${index}]`),
    };
  }
}

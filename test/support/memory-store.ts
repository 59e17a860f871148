import { STORE_MAX_KEY_LENGTH, STORE_MAX_VALUE_BYTES, type Store } from "../../src/interfaces/index.js";

export interface StoreWrite {
  readonly op: "set" | "delete";
  readonly key: string;
  readonly value?: string;
}

/**
 * An in-memory Store with the board's limits: keys of at most 15 characters,
 * values of at most 4000 UTF-8 bytes, and an optional capacity (bytes of keys
 * plus values) past which writes throw, as a full flash partition does.
 * Records every write for the privacy tests. Survives a simulated restart:
 * pass the same instance to the next core.
 */
export class MemoryStore implements Store {
  #entries = new Map<string, string>();
  #capacity: number;
  readonly writes: StoreWrite[] = [];
  /** When true, every set throws (a failing flash). */
  failWrites = false;
  /** Sets of the keys it accepts throw (a flash failing on one key). */
  failKey: (key: string) => boolean = () => false;

  constructor(options: { capacityBytes?: number } = {}) {
    this.#capacity = options.capacityBytes ?? Number.POSITIVE_INFINITY;
  }

  get(key: string): string | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: string): void {
    if (typeof key !== "string" || key.length === 0 || key.length > STORE_MAX_KEY_LENGTH) throw new RangeError(`store: key "${key}" longer than ${STORE_MAX_KEY_LENGTH} characters`);
    if (Buffer.byteLength(value, "utf8") > STORE_MAX_VALUE_BYTES) throw new RangeError(`store: value for "${key}" over ${STORE_MAX_VALUE_BYTES} bytes`);
    if (this.failWrites || this.failKey(key)) throw new Error("store: write failed");
    const previous = this.#entries.get(key);
    const used = this.usedBytes - (previous === undefined ? 0 : Buffer.byteLength(key) + Buffer.byteLength(previous));
    if (used + Buffer.byteLength(key) + Buffer.byteLength(value) > this.#capacity) throw new Error("store: full");
    this.#entries.set(key, value);
    this.writes.push({ op: "set", key, value });
  }

  delete(key: string): void {
    this.#entries.delete(key);
    this.writes.push({ op: "delete", key });
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** Bytes of keys and values held. */
  get usedBytes(): number {
    let total = 0;
    for (const [key, value] of this.#entries) total += Buffer.byteLength(key) + Buffer.byteLength(value);
    return total;
  }
}

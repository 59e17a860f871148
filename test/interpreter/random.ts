/** Deterministic pseudo-random numbers for tests (xorshift32, as the golden inputs use). */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }

  /** Next 32-bit unsigned value. */
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.#state = x;
    return x;
  }

  /** Integer in [low, high]. */
  int(low: number, high: number): number {
    return low + (this.next() % (high - low + 1));
  }

  /** Real in [low, high). */
  real(low: number, high: number): number {
    return low + (this.next() / 2 ** 32) * (high - low);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.next() % items.length];
  }

  int8s(count: number, low = -128, high = 127): Int8Array {
    return Int8Array.from({ length: count }, () => this.int(low, high));
  }
}

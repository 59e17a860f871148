export interface BackoffOptions {
  /** First retry ceiling (default 5 s). */
  readonly baseMs?: number;
  /** Largest retry ceiling (default 15 min). */
  readonly capMs?: number;
  /** Shortest wait, so that a zero draw does not spin (default 1 s). */
  readonly floorMs?: number;
  /** Uniform random numbers in [0, 1). */
  readonly random: () => number;
}

export const BACKOFF_DEFAULTS = Object.freeze({ baseMs: 5_000, capMs: 15 * 60_000, floorMs: 1_000 });

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a
 * uniform draw in [0, min(cap, base * 2^(n-1))), at least the floor. Spreads
 * a fleet's retries after a collector outage.
 */
export class Backoff {
  #baseMs: number;
  #capMs: number;
  #floorMs: number;
  #random: () => number;
  #failures = 0;

  constructor(options: BackoffOptions) {
    this.#baseMs = options.baseMs ?? BACKOFF_DEFAULTS.baseMs;
    this.#capMs = options.capMs ?? BACKOFF_DEFAULTS.capMs;
    this.#floorMs = options.floorMs ?? BACKOFF_DEFAULTS.floorMs;
    this.#random = options.random;
  }

  /** Consecutive failures so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failure and returns how long to wait before the next try. */
  fail(): number {
    this.#failures = Math.min(this.#failures + 1, 40);
    const ceiling = Math.min(this.#capMs, this.#baseMs * 2 ** (this.#failures - 1));
    const draw = Math.min(Math.max(this.#random(), 0), 1);
    return Math.max(this.#floorMs, Math.floor(draw * ceiling));
  }

  reset(): void {
    this.#failures = 0;
  }
}

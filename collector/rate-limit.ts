/**
 * Token buckets by key (a device id, a client address): `burst` requests at
 * once, `perMinute` regained each minute. In memory: a restart forgets them,
 * which only ever lets a little more through. Idle full buckets are pruned.
 */
export class RateLimiter {
  #burst: number;
  #perMs: number;
  #now: () => number;
  #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: { burst: number; perMinute: number; now: () => number }) {
    this.#burst = options.burst;
    this.#perMs = options.perMinute / 60_000;
    this.#now = options.now;
  }

  /** Takes one token for `key`. Returns 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    const now = this.#now();
    const bucket = this.#refill(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
  }

  /** True when `key` has no token left (without taking one). */
  exhausted(key: string): boolean {
    return this.#refill(key, this.#now()).tokens < 1;
  }

  #refill(key: string, now: number): { tokens: number; at: number } {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size > 10_000) this.#prune(now);
      bucket = { tokens: this.#burst, at: now };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#perMs);
    bucket.at = now;
    return bucket;
  }

  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#perMs >= this.#burst) this.#buckets.delete(key);
    }
  }
}

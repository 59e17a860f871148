/**
 * Retries with exponential backoff on the SDK's timers, for the host's own
 * links (Wi-Fi, time, camera, model): first retry after `firstMs`, doubling
 * up to `maxMs`, reset by success().
 */
import Timer from "timer";

export class BackoffTimer {
  readonly #firstMs: number;
  readonly #maxMs: number;
  #delayMs: number;
  #timer: Timer | undefined;

  constructor(firstMs: number, maxMs: number) {
    this.#firstMs = firstMs;
    this.#maxMs = maxMs;
    this.#delayMs = firstMs;
  }

  /** Runs `action` after the current delay (replacing a pending retry) and returns that delay. */
  retry(action: () => void): number {
    this.cancel();
    const delay = this.#delayMs;
    this.#timer = Timer.set(() => {
      this.#timer = undefined;
      action();
    }, delay);
    this.#delayMs = Math.min(this.#maxMs, this.#delayMs * 2);
    return delay;
  }

  success(): void {
    this.cancel();
    this.#delayMs = this.#firstMs;
  }

  cancel(): void {
    if (this.#timer !== undefined) Timer.clear(this.#timer);
    this.#timer = undefined;
  }
}

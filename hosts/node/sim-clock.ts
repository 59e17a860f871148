import type { Cancel, Clock } from "../../src/interfaces/index.js";

interface PendingTimer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/**
 * A clock whose time moves only when told to, so that hours of camera time
 * run in seconds. Timers fire in time order (ties in scheduling order) while
 * the clock is advanced.
 */
export class SimulatedClock implements Clock {
  #now: number;
  #order = 0;
  #timers: PendingTimer[] = [];

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  schedule(delayMs: number, callback: () => void): Cancel {
    const timer: PendingTimer = { at: this.#now + Math.max(0, delayMs), order: this.#order++, callback };
    this.#timers.push(timer);
    return () => {
      const index = this.#timers.indexOf(timer);
      if (index >= 0) this.#timers.splice(index, 1);
    };
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Time of the earliest pending timer, or undefined. */
  get nextTimerAt(): number | undefined {
    return this.#earliest()?.at;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Moves time to `ms` (never backwards), firing due timers in order. */
  advanceTo(ms: number): void {
    for (;;) {
      const next = this.#earliest();
      if (next === undefined || next.at > ms) break;
      this.#timers.splice(this.#timers.indexOf(next), 1);
      if (next.at > this.#now) this.#now = next.at;
      next.callback();
    }
    if (ms > this.#now) this.#now = ms;
  }

  #earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.#timers) {
      if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.order < best.order)) best = timer;
    }
    return best;
  }
}

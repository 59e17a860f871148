import type { Cancel, Clock } from "../../../src/interfaces/index.js";

/** Wall-clock time and real timers, for the interactive provisioning host. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(delayMs: number, callback: () => void): Cancel {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  }
}

/**
 * The core's Clock on the board: UTC wall time (set by SNTP, see
 * network-time.ts) and the SDK's one-shot timers.
 */
import Timer from "timer";
import type { Cancel, Clock } from "../../src/interfaces/index.js";

export class DeviceClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(delayMs: number, callback: () => void): Cancel {
    let pending = true;
    const timer = Timer.set(() => {
      pending = false;
      callback();
    }, Math.max(0, delayMs));
    return () => {
      // A one-shot timer that fired is gone: clearing it again is not allowed.
      if (!pending) return;
      pending = false;
      Timer.clear(timer);
    };
  }
}

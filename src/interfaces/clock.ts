/** Cancels a scheduled callback; calling it after the callback ran does nothing. */
export type Cancel = () => void;

/**
 * Wall-clock time and timers. The board uses SNTP time; the desktop demo uses
 * a simulated clock so that hours of camera time run in seconds.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, UTC. */
  now(): number;
  /** Runs `callback` once, `delayMs` from now (in this clock's time). */
  schedule(delayMs: number, callback: () => void): Cancel;
}

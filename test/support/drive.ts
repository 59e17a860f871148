import type { SimulatedClock } from "../../hosts/node/sim-clock.js";

/**
 * Advances a simulated clock to `until`, stopping at every timer so that
 * promise callbacks (uplink answers) run between timers as they would in real time.
 */
export async function runUntil(clock: SimulatedClock, until: number): Promise<void> {
  await Promise.resolve();
  for (;;) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const next = clock.nextTimerAt;
    if (next === undefined || next > until) break;
    clock.advanceTo(next);
  }
  clock.advanceTo(until);
  await new Promise<void>((resolve) => setImmediate(resolve));
}

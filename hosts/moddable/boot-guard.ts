/**
 * Protection against boot loops. Each reset that was a crash (panic,
 * watchdog, brownout) is counted in the store; a normal start (power on, a
 * deliberate restart) or a stable run clears the count. After `threshold`
 * crashes in a row the device starts in safe mode: no camera and no model (the
 * usual culprits), only the network and the uplink of the batches it holds,
 * for a while; then it restarts and tries a normal start again.
 */
import type { Log, Store } from "../../src/interfaces/index.js";

export const CRASH_RESETS: readonly string[] = Object.freeze(["panic", "task_watchdog", "interrupt_watchdog", "other_watchdog", "timer_watchdog", "brownout"]);
const CRASHES_KEY = "crashes";

export type BootMode = "normal" | "safe";

export interface BootDecision {
  readonly mode: BootMode;
  /** Crashes in a row, this reset included. */
  readonly crashes: number;
  readonly resetReason: string;
}

/** The decision itself: pure, for tests. */
export function decideBoot(previousCrashes: number, resetReason: string, threshold: number): BootDecision {
  const crashes = CRASH_RESETS.includes(resetReason) ? previousCrashes + 1 : 0;
  return Object.freeze({ mode: crashes >= threshold ? "safe" : "normal", crashes, resetReason });
}

export interface BootGuardOptions {
  /** A store of its own (a separate Preference domain): the core's store may be what crashes. */
  readonly store: Store;
  readonly log: Log;
  readonly threshold?: number;
}

export class BootGuard {
  readonly #store: Store;
  readonly #log: Log;
  readonly #threshold: number;

  constructor(options: BootGuardOptions) {
    this.#store = options.store;
    this.#log = options.log;
    this.#threshold = options.threshold ?? 3;
    if (!(Number.isInteger(this.#threshold) && this.#threshold >= 1)) throw new RangeError("boot guard: threshold must be an integer >= 1");
  }

  /** Counts this boot and decides the mode. A store that cannot be read or written never blocks a normal start. */
  begin(resetReason: string): BootDecision {
    const saved = Number(this.#store.get(CRASHES_KEY) ?? "0");
    const decision = decideBoot(Number.isInteger(saved) && saved >= 0 ? saved : 0, resetReason, this.#threshold);
    try {
      this.#store.set(CRASHES_KEY, String(decision.crashes));
    } catch (error) {
      this.#log.write("warn", "boot_count_not_saved", { reason: String(error) });
    }
    this.#log.write(decision.mode === "safe" ? "error" : "info", "boot", { mode: decision.mode, reset: resetReason, crashes: decision.crashes });
    return decision;
  }

  /** The run has been stable: the next crash starts counting from zero. */
  markStable(): void {
    try {
      if (this.#store.get(CRASHES_KEY) !== "0") this.#store.set(CRASHES_KEY, "0");
    } catch (error) {
      this.#log.write("warn", "boot_count_not_saved", { reason: String(error) });
    }
  }
}

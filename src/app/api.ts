/**
 * The core's API for hosts (hosts/node, hosts/moddable).
 *
 *   const core = new Ephemera({ config, model, clock, store, https, log, firmwareVersion });
 *     // config: untrusted JSON, validated here (throws ConfigError naming the key; nothing runs).
 *     // Resumes the open window and the unacknowledged batch queue from `store`.
 *   core.processFrame(frame)  // synchronous: tiles -> model.invoke per tile -> decode -> merge
 *                             // -> tracker -> window, at clock.now(). Wipes frame.pixels (zeros).
 *                             // Returns a FrameResult: the same object every call, updated in
 *                             // place (a frame allocates nothing at steady state).
 *   core.stats()              // counters for a progress display or a summary
 *   core.endTracks()          // a finite source ended: every live track ends now (confirmed ones count)
 *   core.tick()               // optional: window ends and uplink retries also run on clock timers
 *   core.close()              // ends tracks, writes the open window's counters to the store, stops timers
 *
 * Window ends and uplink sends/retries run from clock.schedule timers; with a
 * SimulatedClock, advance the clock (and let promises settle) to drive them.
 * `core.sending` is true while a POST is out.
 *
 * Store keys: "win" (the window counters, at most every 2 minutes while
 * counting, at window ends and on close) and "bq" + 7 base-36 digits (one
 * per unacknowledged batch). Other modules must not use these keys.
 * Collector contract: POST ${collectorUrl}/v1/batches, Bearer token, the
 * record as JSON; 200/201 acknowledge (200 = identical replay); 408, 429, 5xx
 * and network failures are retried with backoff; other 4xx (409 = same id,
 * other content) park the batch: kept, logged, retried every 6 hours.
 */
import type { Clock, Https, Log, Model, Store } from "../interfaces/index.js";

export interface EphemeraOptions {
  /** Untrusted device configuration (JSON), see src/config/config.ts. */
  readonly config: unknown;
  readonly model: Model;
  readonly clock: Clock;
  readonly store: Store;
  readonly https: Https;
  readonly log: Log;
  /** Goes into every batch, e.g. "0.1.0". */
  readonly firmwareVersion: string;
  /** Random numbers in [0, 1) for backoff jitter; Math.random when absent. */
  readonly random?: () => number;
}

/** What one frame did. Counts only: no positions leave the core. */
export interface FrameResult {
  /** Tiles (model invocations) run on this frame. */
  readonly tiles: number;
  /** Faces found in this frame after merging across tiles. */
  readonly faces: number;
  /** Live tracks after this frame (tentative and confirmed). */
  readonly activeTracks: number;
  /** People counted since start (passages ended and counted). */
  readonly peopleCounted: number;
}

export interface EphemeraStats {
  readonly frames: number;
  readonly tiles: number;
  readonly faces: number;
  /** Passages counted since start: masked + unmasked. */
  readonly peopleCounted: number;
  readonly masked: number;
  readonly unmasked: number;
  /** Releases: each made one batch (possibly spanning merged windows). */
  readonly windowsReleased: number;
  /** Window ends that held too few people and merged into the next window. */
  readonly windowsMerged: number;
  /** People in the open (not yet released) span. */
  readonly peoplePending: number;
  /** Batches waiting in the store for an acknowledgement (including parked ones). */
  readonly batchesQueued: number;
  /** Distinct batches POSTed at least once since start. */
  readonly batchesSent: number;
  readonly batchesAcknowledged: number;
  /** POST attempts that failed (network, timeout, 5xx, 4xx). */
  readonly failedAttempts: number;
  /** Batches refused with a 4xx: kept in the store, retried rarely. */
  readonly batchesParked: number;
}

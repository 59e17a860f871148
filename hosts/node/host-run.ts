import type { Camera, GrayFrame } from "../../src/interfaces/index.js";
import type { EphemeraStats, FrameResult } from "../../src/app/api.js";
import type { SimulatedClock } from "./sim-clock.js";

/** What the desktop host drives: the core's API (src/app). */
export interface Core {
  processFrame(frame: GrayFrame): FrameResult;
  stats(): EphemeraStats;
  endTracks(): void;
  /** True while a batch is being POSTed. */
  readonly sending: boolean;
}

export interface RunCameraOptions {
  readonly camera: Camera;
  readonly core: Core;
  readonly clock: SimulatedClock;
  /** Camera time between frames (1000 / fps). */
  readonly frameIntervalMs: number;
  /** After each frame: for a progress display. */
  readonly onFrame?: (result: FrameResult, frames: number) => void;
}

/** Lets pending I/O (uplink requests, an in-process collector) make progress. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs every camera frame through the core at simulated time: frame i is taken
 * at start + i * frameIntervalMs, and the clock's timers (window ends, uplink
 * sends and retries) fire as camera time passes. Returns the frame count.
 */
export async function runCamera(options: RunCameraOptions): Promise<number> {
  const { camera, core, clock, frameIntervalMs } = options;
  let frames = 0;
  for (let frame = await camera.read(); frame !== null; frame = await camera.read()) {
    const result = core.processFrame(frame);
    frames++;
    options.onFrame?.(result, frames);
    clock.advance(frameIntervalMs);
    await yieldToIo();
  }
  return frames;
}

export interface FlushOptions {
  readonly core: Core;
  readonly clock: SimulatedClock;
  readonly windowMinutes: number;
  /** Most camera time to wait for delivery after the last window end (retries back off); default 6 h. */
  readonly maxDeliveryMs?: number;
  /** Most real time to wait for one request in flight; default 60 s. */
  readonly maxRequestWaitMs?: number;
}

export interface FlushResult {
  /** Simulated time when the flush ended. */
  readonly endedAt: number;
  /** True when no batch is left waiting (parked ones aside). */
  readonly delivered: boolean;
}

/**
 * The end of a finite run: every live track ends, simulated time moves past
 * the end of the open window (so it is released, or carried on if too small),
 * and the uplink gets time to deliver, timer by timer, each request awaited.
 */
export async function flush(options: FlushOptions): Promise<FlushResult> {
  const { core, clock } = options;
  const windowMs = options.windowMinutes * 60_000;
  const settle = () => settleRequests(core, options.maxRequestWaitMs ?? 60_000);
  core.endTracks();
  const lastWindowEnd = (Math.floor(clock.now() / windowMs) + 1) * windowMs;
  for (let next = clock.nextTimerAt; next !== undefined && next <= lastWindowEnd; next = clock.nextTimerAt) {
    clock.advanceTo(next);
    await settle();
  }
  clock.advanceTo(lastWindowEnd);
  await settle();
  const deadline = clock.now() + (options.maxDeliveryMs ?? 6 * 60 * 60_000);
  for (;;) {
    const stats = core.stats();
    if (stats.batchesQueued - stats.batchesParked === 0) return { endedAt: clock.now(), delivered: true };
    const next = clock.nextTimerAt;
    if (next === undefined || next > deadline) return { endedAt: clock.now(), delivered: false };
    clock.advanceTo(next);
    await settle();
  }
}

/** Waits (in real time) until no request is in flight. */
async function settleRequests(core: Core, maxWaitMs: number): Promise<void> {
  await yieldToIo();
  const giveUpAt = Date.now() + maxWaitMs;
  while (core.sending && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 2));
  await yieldToIo();
}

import { parseConfig, type DeviceConfig } from "../config/config.js";
import type { Clock, GrayFrame, Log } from "../interfaces/index.js";
import { MASK, type FaceClass } from "../detect/detection.js";
import { FaceDetector } from "../detect/face-detector.js";
import type { TileKernel } from "../frame/tile-kernel.js";
import { Tracker } from "../track/tracker.js";
import { Aggregator } from "./aggregator.js";
import type { EphemeraOptions, EphemeraStats, FrameResult } from "./api.js";

export type { EphemeraOptions, EphemeraStats, FrameResult } from "./api.js";

/**
 * The fastest a face moves, in scaled-ROI pixels per second (faces are 10-40
 * px there): crossing the 192-px view in 1.2 s. The tracker's gate is this
 * times the frame interval, taken as at least 0.2 s: 32 px at 5 frames per
 * second or more.
 */
export const TRACK_SPEED_SCALED_PX_PER_S = 160;

/** FrameResult, writable by the core. */
type FrameCounts = { -readonly [Key in keyof FrameResult]: FrameResult[Key] };

/** Options for the device host only: a native tile kernel. */
export interface EphemeraDeviceOptions extends EphemeraOptions {
  readonly kernel?: TileKernel;
}

/**
 * The core wired together: frames in, batches out. See api.ts for the API.
 * Store keys used: "win" (open window counters) and "bq*" (queued batches).
 */
export class Ephemera {
  #config: DeviceConfig;
  #log: Log;
  #clock: Clock;
  #detector: FaceDetector;
  #tracker: Tracker;
  #aggregator: Aggregator;
  #frames = 0;
  #tiles = 0;
  #faces = 0;
  #masked = 0;
  #unmasked = 0;
  #closed = false;
  /** processFrame's answer, one object updated in place: a frame allocates nothing. */
  #result: FrameCounts = { tiles: 0, faces: 0, activeTracks: 0, peopleCounted: 0 };

  constructor(options: EphemeraDeviceOptions) {
    this.#config = parseConfig(options.config);
    const config = this.#config;
    this.#log = options.log;
    this.#clock = options.clock;
    this.#detector = new FaceDetector({
      model: options.model,
      roi: config.roi,
      scaledShortSide: config.scaledShortSide,
      maxTiles: config.maxTiles,
      kernel: options.kernel,
    });
    this.#tracker = new Tracker({ speed: TRACK_SPEED_SCALED_PX_PER_S, onPassage: (cls) => this.#passage(cls) });
    this.#aggregator = new Aggregator({
      config,
      modelId: options.model.id,
      firmwareVersion: options.firmwareVersion,
      clock: options.clock,
      store: options.store,
      https: options.https,
      log: options.log,
      random: options.random ?? Math.random,
    });
    this.#log.write("info", "ephemera_started", { device: config.deviceId, model: options.model.id, firmware: options.firmwareVersion, max_tiles: config.maxTiles });
  }

  /** The validated configuration. */
  get config(): DeviceConfig {
    return this.#config;
  }

  /**
   * Runs one frame through the pipeline at clock.now(). The frame's pixels are
   * zeroed afterwards. The result is the same object at every call, updated
   * in place: read it before the next frame.
   */
  processFrame(frame: GrayFrame): FrameResult {
    if (this.#closed) throw new Error("ephemera: closed");
    const plan = this.#detector.plan(frame);
    const faces = this.#detector.detectList(frame);
    this.#tracker.speed = TRACK_SPEED_SCALED_PX_PER_S * ((plan.rw / plan.sw + plan.rh / plan.sh) / 2);
    this.#tracker.updateFrom(faces, this.#clock.now());
    this.#aggregator.advanceWindows();
    this.#frames++;
    this.#tiles += this.#detector.lastTileCount;
    this.#faces += faces.count;
    const result = this.#result;
    result.tiles = this.#detector.lastTileCount;
    result.faces = faces.count;
    result.activeTracks = this.#tracker.activeCount;
    result.peopleCounted = this.#masked + this.#unmasked;
    return result;
  }

  /** Ends every live track now (confirmed ones count). For the end of a finite camera source. */
  endTracks(): void {
    this.#tracker.endAll();
  }

  /** Closes due windows and sends due batches (timers on the clock do the same). */
  tick(): void {
    this.#aggregator.tick();
  }

  /** True while a batch is being POSTed. */
  get sending(): boolean {
    return this.#aggregator.sending;
  }

  stats(): EphemeraStats {
    const uplink = this.#aggregator.uplinkStats();
    return {
      frames: this.#frames,
      tiles: this.#tiles,
      faces: this.#faces,
      peopleCounted: this.#masked + this.#unmasked,
      masked: this.#masked,
      unmasked: this.#unmasked,
      windowsReleased: this.#aggregator.windowsReleased,
      windowsMerged: this.#aggregator.windowsMerged,
      peoplePending: this.#aggregator.pending.people,
      batchesQueued: uplink.queued,
      batchesSent: uplink.sent,
      batchesAcknowledged: uplink.acknowledged,
      failedAttempts: uplink.failedAttempts,
      batchesParked: uplink.parked,
    };
  }

  /** Ends live tracks, writes the open window's counters and stops all timers. */
  close(): void {
    if (this.#closed) return;
    this.#tracker.endAll();
    this.#aggregator.close();
    this.#closed = true;
    this.#log.write("info", "ephemera_closed", { frames: this.#frames, people: this.#masked + this.#unmasked });
  }

  #passage(cls: FaceClass): void {
    if (cls === MASK) this.#masked++;
    else this.#unmasked++;
    this.#aggregator.count(cls);
  }
}

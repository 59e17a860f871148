import { parseConfig, type DeviceConfig } from "../config/config.js";
import type { GrayFrame, Log } from "../interfaces/index.js";
import { buildBatchRecord } from "../batch/build-record.js";
import { batchRecordProblems } from "../batch/validate.js";
import type { FaceClass } from "../detect/detection.js";
import { FaceDetector } from "../detect/face-detector.js";
import type { TileKernel } from "../frame/tile-kernel.js";
import { Tracker } from "../track/tracker.js";
import { Uplink } from "../uplink/uplink.js";
import { WindowCounter, type ReleasedSpan } from "../window/window-counter.js";
import type { EphemeraOptions, EphemeraStats, FrameResult } from "./api.js";

export type { EphemeraOptions, EphemeraStats, FrameResult } from "./api.js";

/**
 * Largest distance a face may move between frames and stay the same track, in
 * scaled-ROI pixels (faces are 10-40 px there): about a face width of a
 * walking person at 10 frames per second.
 */
export const TRACK_GATE_SCALED_PX = 32;

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
  #modelId: string;
  #firmwareVersion: string;
  #detector: FaceDetector;
  #tracker: Tracker;
  #windows: WindowCounter;
  #uplink: Uplink;
  #frames = 0;
  #tiles = 0;
  #faces = 0;
  #masked = 0;
  #unmasked = 0;
  #closed = false;

  constructor(options: EphemeraDeviceOptions) {
    this.#config = parseConfig(options.config);
    const config = this.#config;
    this.#log = options.log;
    this.#modelId = options.model.id;
    this.#firmwareVersion = options.firmwareVersion;
    this.#checkBatchFields();
    this.#detector = new FaceDetector({
      model: options.model,
      roi: config.roi,
      scaledShortSide: config.scaledShortSide,
      maxTiles: config.maxTiles,
      kernel: options.kernel,
    });
    this.#tracker = new Tracker({ gate: TRACK_GATE_SCALED_PX, onPassage: (cls) => this.#passage(cls) });
    this.#uplink = new Uplink({
      collectorUrl: config.collectorUrl,
      deviceToken: config.deviceToken,
      https: options.https,
      clock: options.clock,
      store: options.store,
      log: options.log,
      random: options.random ?? Math.random,
    });
    this.#windows = new WindowCounter({
      windowMinutes: config.windowMinutes,
      minPeople: config.minPeople,
      clock: options.clock,
      store: options.store,
      log: options.log,
      release: (span) => this.#release(span),
      releasedEnd: (start) => this.#uplink.releasedEnd(start),
    });
    this.#log.write("info", "ephemera_started", { device: config.deviceId, model: this.#modelId, firmware: this.#firmwareVersion, max_tiles: config.maxTiles });
  }

  /** The validated configuration. */
  get config(): DeviceConfig {
    return this.#config;
  }

  /** Runs one frame through the pipeline at clock.now(). The frame's pixels are zeroed afterwards. */
  processFrame(frame: GrayFrame): FrameResult {
    if (this.#closed) throw new Error("ephemera: closed");
    const plan = this.#detector.plan(frame);
    const faces = this.#detector.detect(frame);
    this.#tracker.gate = TRACK_GATE_SCALED_PX * ((plan.rw / plan.sw + plan.rh / plan.sh) / 2);
    this.#tracker.update(faces);
    this.#windows.advance();
    this.#frames++;
    this.#tiles += this.#detector.lastTileCount;
    this.#faces += faces.length;
    return { tiles: this.#detector.lastTileCount, faces: faces.length, activeTracks: this.#tracker.activeCount, peopleCounted: this.#masked + this.#unmasked };
  }

  /** Ends every live track now (confirmed ones count). For the end of a finite camera source. */
  endTracks(): void {
    this.#tracker.endAll();
  }

  /** Closes due windows and sends due batches (timers on the clock do the same). */
  tick(): void {
    this.#windows.advance();
    this.#uplink.tick();
  }

  /** True while a batch is being POSTed. */
  get sending(): boolean {
    return this.#uplink.busy;
  }

  stats(): EphemeraStats {
    const uplink = this.#uplink.stats();
    return {
      frames: this.#frames,
      tiles: this.#tiles,
      faces: this.#faces,
      peopleCounted: this.#masked + this.#unmasked,
      masked: this.#masked,
      unmasked: this.#unmasked,
      windowsReleased: this.#windows.released,
      windowsMerged: this.#windows.merged,
      peoplePending: this.#windows.pending.people,
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
    this.#windows.close();
    this.#uplink.close();
    this.#closed = true;
    this.#log.write("info", "ephemera_closed", { frames: this.#frames, people: this.#masked + this.#unmasked });
  }

  /** Model id and firmware version go into every batch: refuse them at start, not at the first release. */
  #checkBatchFields(): void {
    const windowMs = this.#config.windowMinutes * 60_000;
    const probe = buildBatchRecord({
      deviceId: this.#config.deviceId, site: this.#config.site, start: 0, end: windowMs,
      masked: this.#config.minPeople, unmasked: 0, modelId: this.#modelId, firmwareVersion: this.#firmwareVersion,
    });
    const problems = batchRecordProblems(probe).filter((problem) => problem.startsWith("model_id") || problem.startsWith("firmware_version"));
    if (problems.length > 0) throw new RangeError(`ephemera: ${problems.join("; ")}`);
  }

  #passage(cls: FaceClass): void {
    if (cls === "mask") this.#masked++;
    else this.#unmasked++;
    this.#windows.count(cls);
  }

  #release(span: ReleasedSpan): boolean {
    const record = buildBatchRecord({
      deviceId: this.#config.deviceId,
      site: this.#config.site,
      start: span.start,
      end: span.end,
      masked: span.masked,
      unmasked: span.unmasked,
      modelId: this.#modelId,
      firmwareVersion: this.#firmwareVersion,
    });
    const queued = this.#uplink.enqueue(record);
    if (queued) this.#log.write("info", "batch_released", { batch_id: record.batch_id, people: record.people });
    return queued;
  }
}

import type { DeviceConfig } from "../config/config.js";
import type { Clock, Https, Log, Store } from "../interfaces/index.js";
import { buildBatchRecord } from "../batch/build-record.js";
import { batchRecordProblems } from "../batch/validate.js";
import type { FaceClass } from "../detect/detection.js";
import { Uplink, type UplinkStats } from "../uplink/uplink.js";
import { WindowCounter, type ReleasedSpan } from "../window/window-counter.js";

export interface AggregatorOptions {
  readonly config: DeviceConfig;
  readonly modelId: string;
  readonly firmwareVersion: string;
  readonly clock: Clock;
  readonly store: Store;
  readonly https: Https;
  readonly log: Log;
  readonly random: () => number;
}

/**
 * Passages in, batches out: the windows feed released spans to the uplink's
 * persistent queue as batch records. Everything downstream of the tracker.
 */
export class Aggregator {
  #config: DeviceConfig;
  #modelId: string;
  #firmwareVersion: string;
  #log: Log;
  #uplink: Uplink;
  #windows: WindowCounter;

  constructor(options: AggregatorOptions) {
    this.#config = options.config;
    this.#modelId = options.modelId;
    this.#firmwareVersion = options.firmwareVersion;
    this.#log = options.log;
    this.#checkBatchFields();
    this.#uplink = new Uplink({
      collectorUrl: options.config.collectorUrl,
      deviceToken: options.config.deviceToken,
      https: options.https,
      clock: options.clock,
      store: options.store,
      log: options.log,
      random: options.random,
    });
    this.#windows = new WindowCounter({
      windowMinutes: options.config.windowMinutes,
      minPeople: options.config.minPeople,
      clock: options.clock,
      store: options.store,
      log: options.log,
      release: (span) => this.#release(span),
    });
  }

  /** One passage, now. */
  count(cls: FaceClass): void {
    this.#windows.count(cls);
  }

  /** Closes due windows and sends due batches (timers do this too). */
  tick(): void {
    this.#windows.advance();
    this.#uplink.tick();
  }

  /**
   * Closes due windows: the frame loop's tick. It leaves the uplink to its
   * own timers, which wake it whenever a batch or a retry is due (every change
   * of its state reschedules them): its pump walks the queue with an iterator,
   * an allocation per call that a frame need not pay.
   */
  advanceWindows(): void {
    this.#windows.advance();
  }

  /** The open span: counted, not yet released. */
  get pending(): ReleasedSpan {
    return this.#windows.pending;
  }

  /** People released but not yet taken by the queue (it was full). */
  get awaitingQueue(): number {
    return this.#windows.outbox?.people ?? 0;
  }

  get windowsReleased(): number {
    return this.#windows.released;
  }

  get windowsMerged(): number {
    return this.#windows.merged;
  }

  get sending(): boolean {
    return this.#uplink.busy;
  }

  uplinkStats(): UplinkStats {
    return this.#uplink.stats();
  }

  /** Writes the open window's counters and stops the timers; queued batches stay in the store. */
  close(): void {
    this.#windows.close();
    this.#uplink.close();
  }

  /** Model id and firmware version go into every batch: refuse them at start, not at the first release. */
  #checkBatchFields(): void {
    const probe = buildBatchRecord({
      deviceId: this.#config.deviceId, site: this.#config.site, start: 0, end: this.#config.windowMinutes * 60_000,
      masked: this.#config.minPeople, unmasked: 0, modelId: this.#modelId, firmwareVersion: this.#firmwareVersion,
    });
    const problems = batchRecordProblems(probe);
    if (problems.length > 0) throw new RangeError(`batch fields: ${problems.join("; ")}`);
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

import type { Cancel, Clock, Https, HttpsResponse, Log, Store } from "../interfaces/index.js";
import type { BatchRecord } from "../batch/record.js";
import { Backoff, type BackoffOptions } from "./backoff.js";
import { BatchQueue, type QueuedBatch } from "./batch-queue.js";

export interface UplinkOptions {
  /** https:// base URL without a trailing slash; batches go to `${collectorUrl}/v1/batches`. */
  readonly collectorUrl: string;
  readonly deviceToken: string;
  readonly https: Https;
  readonly clock: Clock;
  readonly store: Store;
  readonly log: Log;
  /** Uniform random numbers in [0, 1) for the backoff jitter. */
  readonly random: () => number;
  /** Per-request timeout handed to Https (default 20 s). */
  readonly timeoutMs?: number;
  readonly backoff?: Omit<BackoffOptions, "random">;
  /** How long a batch refused with a 4xx waits before it is tried again (default 6 h). */
  readonly parkedRetryMs?: number;
}

export const UPLINK_DEFAULTS = Object.freeze({ timeoutMs: 20_000, parkedRetryMs: 6 * 60 * 60_000 });

export interface UplinkStats {
  readonly queued: number;
  readonly sent: number;
  readonly acknowledged: number;
  readonly failedAttempts: number;
  readonly parked: number;
}

interface Attempts {
  /** Earliest time of the next try of this batch (parked batches wait long). */
  notBefore: number;
  parked: boolean;
  tried: boolean;
}

/**
 * Delivers queued batches to the collector, oldest first, one request at a time.
 *
 * The collector's answers (its side of the contract):
 * - 200 or 201: stored (200 also for a replay of an identical batch) -> acknowledged, removed.
 * - 408, 429, 5xx, any 1xx/3xx/other 2xx, network or TLS failure, timeout: the link is
 *   at fault -> retried after an exponential backoff with full jitter (one
 *   backoff for the whole link, reset by any success).
 * - any other 4xx (bad token, unknown device, schema violation, 409 for a
 *   replayed id with different content): the batch will not be accepted as it
 *   is -> logged as an error and parked: kept in the store, never dropped,
 *   tried again only every parkedRetryMs (and after each restart, in case the
 *   collector or the device's token was fixed), while the other batches go on.
 */
export class Uplink {
  #url: string;
  #token: string;
  #https: Https;
  #clock: Clock;
  #log: Log;
  #queue: BatchQueue;
  #backoff: Backoff;
  #timeoutMs: number;
  #parkedRetryMs: number;
  #attempts = new Map<string, Attempts>();
  #linkNotBefore = 0;
  #inFlight = false;
  #timer: Cancel | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #closed = false;
  #sent = 0;
  #acknowledged = 0;
  #failedAttempts = 0;

  constructor(options: UplinkOptions) {
    this.#url = `${options.collectorUrl}/v1/batches`;
    this.#token = options.deviceToken;
    this.#https = options.https;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#queue = new BatchQueue(options.store, options.log);
    this.#backoff = new Backoff({ ...options.backoff, random: options.random });
    this.#timeoutMs = options.timeoutMs ?? UPLINK_DEFAULTS.timeoutMs;
    this.#parkedRetryMs = options.parkedRetryMs ?? UPLINK_DEFAULTS.parkedRetryMs;
    if (this.#queue.size > 0) this.#log.write("info", "uplink_resumed", { queued: this.#queue.size });
    this.#wakeAt(this.#clock.now());
  }

  /** Queues a batch durably and sends it when the link allows. False when the store refused it. */
  enqueue(record: BatchRecord): boolean {
    if (!this.#queue.add(record)) return false;
    this.#pump();
    return true;
  }

  /** True while a request is out. */
  get busy(): boolean {
    return this.#inFlight;
  }

  stats(): UplinkStats {
    let parked = 0;
    for (const attempts of this.#attempts.values()) if (attempts.parked) parked++;
    return { queued: this.#queue.size, sent: this.#sent, acknowledged: this.#acknowledged, failedAttempts: this.#failedAttempts, parked };
  }

  /** Sends what is due now (timers call this; hosts may too). */
  tick(): void {
    this.#pump();
  }

  /** Stops sending. Queued batches stay in the store for the next start. */
  close(): void {
    this.#closed = true;
    this.#timer?.();
    this.#timer = undefined;
  }

  #attemptsOf(entry: QueuedBatch): Attempts {
    let attempts = this.#attempts.get(entry.key);
    if (attempts === undefined) {
      attempts = { notBefore: 0, parked: false, tried: false };
      this.#attempts.set(entry.key, attempts);
    }
    return attempts;
  }

  #pump(): void {
    if (this.#closed || this.#inFlight) return;
    const now = this.#clock.now();
    if (now < this.#linkNotBefore) {
      this.#wakeAt(this.#linkNotBefore);
      return;
    }
    let nextDue = Number.POSITIVE_INFINITY;
    for (const entry of this.#queue.entries) {
      const attempts = this.#attemptsOf(entry);
      if (attempts.notBefore <= now) {
        this.#send(entry, attempts);
        return;
      }
      nextDue = Math.min(nextDue, attempts.notBefore);
    }
    if (nextDue < Number.POSITIVE_INFINITY) this.#wakeAt(nextDue);
  }

  #wakeAt(at: number): void {
    if (this.#closed) return;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#timer?.();
    this.#timerAt = at;
    this.#timer = this.#clock.schedule(Math.max(0, at - this.#clock.now()), () => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#pump();
    });
  }

  #send(entry: QueuedBatch, attempts: Attempts): void {
    this.#inFlight = true;
    if (!attempts.tried) {
      attempts.tried = true;
      this.#sent++;
    }
    let request: Promise<HttpsResponse>;
    try {
      request = this.#https.post({
        url: this.#url,
        headers: { "content-type": "application/json", authorization: `Bearer ${this.#token}` },
        body: entry.body,
        timeoutMs: this.#timeoutMs,
      });
    } catch (error) {
      request = Promise.reject(error);
    }
    request.then(
      (response) => this.#answered(entry, attempts, response),
      (error: unknown) => this.#linkFailed(entry, error instanceof Error ? error.message : String(error)),
    );
  }

  #answered(entry: QueuedBatch, attempts: Attempts, response: HttpsResponse): void {
    this.#inFlight = false;
    const status = response.status;
    if (status === 200 || status === 201) {
      this.#queue.remove(entry.key);
      this.#attempts.delete(entry.key);
      this.#acknowledged++;
      this.#backoff.reset();
      this.#linkNotBefore = 0;
      this.#log.write("info", "batch_acknowledged", { key: entry.key, status });
      this.#pump();
      return;
    }
    const retryable = status === 408 || status === 429 || status < 400 || status >= 500;
    if (retryable) {
      this.#linkFailed(entry, `HTTP ${status}`, false);
      return;
    }
    this.#failedAttempts++;
    this.#backoff.reset();
    attempts.parked = true;
    attempts.notBefore = this.#clock.now() + this.#parkedRetryMs;
    this.#log.write("error", "batch_refused", { key: entry.key, status, message: response.body.slice(0, 200), retry_in_s: Math.round(this.#parkedRetryMs / 1000) });
    this.#pump();
  }

  #linkFailed(entry: QueuedBatch, reason: string, network = true): void {
    this.#inFlight = false;
    this.#failedAttempts++;
    const delay = this.#backoff.fail();
    this.#linkNotBefore = this.#clock.now() + delay;
    this.#log.write("warn", "batch_send_failed", { key: entry.key, reason, network, retry_in_ms: delay, failures: this.#backoff.failures });
    this.#pump();
  }
}

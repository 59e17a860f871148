import { type FaceClass, MASK } from "../detect/detection.js";
import type { Cancel, Clock, Log, Store } from "../interfaces/index.js";
import { decodeWindowState, encodeWindowState, type SpanCounts, type WindowState } from "./window-state.js";

/** Store key of the window counters. */
export const WINDOW_STATE_KEY = "win";
/** Default most clock time between a count and its durable write: a power cut loses at most this much. */
export const DEFAULT_PERSIST_INTERVAL_MS = 2 * 60_000;

/** A span of whole windows ready to leave the device. */
export type ReleasedSpan = SpanCounts;

export interface WindowCounterOptions {
  readonly windowMinutes: number;
  readonly minPeople: number;
  readonly clock: Clock;
  readonly store: Store;
  readonly log: Log;
  /**
   * Queues a released span durably; false when it could not (storage full),
   * in which case it is offered again later. Must be idempotent for the same
   * span: after a power cut a span may be offered twice.
   */
  readonly release: (span: ReleasedSpan) => boolean;
  /** See DEFAULT_PERSIST_INTERVAL_MS. */
  readonly persistIntervalMs?: number;
}

/**
 * Counts people into windows aligned to UTC multiples of the window length.
 * At each window end the open span is released when it holds at least
 * minPeople, otherwise it merges into the next window (a released batch then
 * spans them all); an empty span just moves on. Nothing is dropped.
 *
 * A release is written ahead: first the counters, reset for the next span,
 * together with the released span (the "outbox"), then the span is handed to
 * `release` (the uplink's queue). A power cut between the two writes finds
 * the outbox at the next start and hands it over again; the batch built from
 * it is identical, so the collector takes a resend as a replay. When the
 * counters cannot be written the window merges on instead (nothing is handed
 * over that the store does not know about); when the queue refuses (full),
 * the outbox waits and the open span merges on until it is taken.
 *
 * Persistence cadence (the Store is flash: writes are rare by design): the
 * counters are written at most once per persistIntervalMs while people are
 * counted (a timer writes the last ones when counting stops), at every window
 * end, and on flush/close. A power cut loses at most the last interval's
 * counts; on restart, past window ends are closed as if the device had been
 * on (empty windows in between carry the span on).
 */
export class WindowCounter {
  #windowMs: number;
  #minPeople: number;
  #clock: Clock;
  #store: Store;
  #log: Log;
  #release: (span: ReleasedSpan) => boolean;
  #persistIntervalMs: number;
  #spanStart: number;
  #windowEnd: number;
  #people = 0;
  #masked = 0;
  #unmasked = 0;
  #outbox: ReleasedSpan | undefined;
  #handOverRetryAt = Number.NEGATIVE_INFINITY;
  #released = 0;
  #merged = 0;
  #dirty = false;
  #lastWrite = Number.NEGATIVE_INFINITY;
  #boundaryTimer: Cancel | undefined;
  #boundaryAt = 0;
  #persistTimer: Cancel | undefined;
  #closed = false;

  constructor(options: WindowCounterOptions) {
    if (!(Number.isInteger(options.windowMinutes) && options.windowMinutes >= 1)) throw new RangeError("windows: windowMinutes must be a positive integer");
    this.#windowMs = options.windowMinutes * 60_000;
    this.#minPeople = options.minPeople;
    this.#clock = options.clock;
    this.#store = options.store;
    this.#log = options.log;
    this.#release = options.release;
    this.#persistIntervalMs = options.persistIntervalMs ?? DEFAULT_PERSIST_INTERVAL_MS;
    this.#spanStart = this.#alignDown(this.#clock.now());
    this.#windowEnd = this.#spanStart + this.#windowMs;
    this.#resume();
    this.#handOver();
    this.advance();
  }

  /** Adds one person, now. */
  count(cls: FaceClass): void {
    if (this.#closed) throw new Error("windows: closed");
    this.advance();
    this.#people++;
    if (cls === MASK) this.#masked++; // the constant, not a literal: see detection.ts
    else this.#unmasked++;
    this.#dirty = true;
    this.#persistSoon();
  }

  /** Closes every window that ended by now (timers call this; hosts may too). */
  advance(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    if (this.#outbox !== undefined && now >= this.#handOverRetryAt) this.#handOver();
    let changed = false;
    while (this.#windowEnd <= now) {
      this.#closeWindow();
      changed = true;
      const last = this.#alignDown(now);
      if (this.#windowEnd < last) {
        // Windows in between got no counts (the device was off or idle): they carry the span on.
        if (this.#people > 0) this.#merged += (last - this.#windowEnd) / this.#windowMs;
        else this.#spanStart = last;
        this.#windowEnd = last;
      }
    }
    if (changed) {
      this.#dirty = true;
      this.#write();
    }
    this.#scheduleBoundary();
  }

  /** Writes the counters now if they changed. */
  flush(): void {
    if (this.#dirty) this.#write();
  }

  /** Writes the counters and stops the timers. */
  close(): void {
    if (this.#closed) return;
    this.advance();
    this.flush();
    this.#closed = true;
    this.#boundaryTimer?.();
    this.#persistTimer?.();
    this.#boundaryTimer = undefined;
    this.#persistTimer = undefined;
  }

  /** The open span: counted but not yet released. */
  get pending(): ReleasedSpan {
    return { start: this.#spanStart, end: this.#windowEnd, people: this.#people, masked: this.#masked, unmasked: this.#unmasked };
  }

  /** A released span that the queue has not taken yet (it was full), if any. */
  get outbox(): ReleasedSpan | undefined {
    return this.#outbox;
  }

  /** Spans handed to the queue since start. */
  get released(): number {
    return this.#released;
  }

  /** Window ends since start that held too few people (but some), or could not be released, and merged into the next window. */
  get merged(): number {
    return this.#merged;
  }

  #alignDown(ms: number): number {
    return Math.floor(ms / this.#windowMs) * this.#windowMs;
  }

  #resume(): void {
    const text = this.#store.get(WINDOW_STATE_KEY);
    if (text === undefined) return;
    const state = decodeWindowState(text);
    if (state === undefined) {
      // Unreadable counters cannot be recovered; say so loudly rather than guess.
      this.#log.write("error", "window_state_unreadable", { bytes: text.length });
      return;
    }
    this.#spanStart = state.spanStart;
    this.#windowEnd = state.windowEnd;
    this.#people = state.people;
    this.#masked = state.masked;
    this.#unmasked = state.unmasked;
    this.#outbox = state.outbox;
    // A changed window length: the current window ends at the next new boundary.
    if (this.#windowEnd % this.#windowMs !== 0) this.#windowEnd = this.#alignDown(this.#windowEnd) + this.#windowMs;
    this.#log.write("info", "window_resumed", { people: this.#people, outbox: this.#outbox !== undefined });
  }

  /** Offers the outbox to the queue; on success the next write drops it. */
  #handOver(): void {
    const span = this.#outbox;
    if (span === undefined) return;
    if (!this.#release(span)) {
      // Offered again after a persist interval (not at every frame), at the next advance or window end.
      this.#handOverRetryAt = this.#clock.now() + this.#persistIntervalMs;
      this.#log.write("warn", "window_release_deferred", { people: span.people, reason: "queue_full" });
      return;
    }
    this.#outbox = undefined;
    this.#released++;
    this.#dirty = true;
    this.#persistSoon();
  }

  /** The window ending at #windowEnd closes: release the span or carry it on. */
  #closeWindow(): void {
    const end = this.#windowEnd;
    this.#windowEnd = end + this.#windowMs;
    if (this.#people === 0) {
      this.#spanStart = end;
      return;
    }
    if (this.#outbox !== undefined && this.#clock.now() >= this.#handOverRetryAt) this.#handOver();
    if (this.#people >= this.#minPeople && this.#outbox === undefined) {
      const span: ReleasedSpan = { start: this.#spanStart, end, people: this.#people, masked: this.#masked, unmasked: this.#unmasked };
      // Written ahead: the store knows of the release before the queue does.
      if (this.#writeState({ spanStart: end, windowEnd: this.#windowEnd, people: 0, masked: 0, unmasked: 0, outbox: span })) {
        this.#spanStart = end;
        this.#people = this.#masked = this.#unmasked = 0;
        this.#outbox = span;
        this.#handOver();
        return;
      }
      this.#log.write("warn", "window_release_deferred", { people: span.people, reason: "counters_not_writable" });
    }
    this.#merged++;
  }

  #persistSoon(): void {
    const now = this.#clock.now();
    const due = this.#lastWrite + this.#persistIntervalMs;
    if (now >= due) {
      this.#write();
      return;
    }
    if (this.#persistTimer !== undefined || this.#closed) return;
    this.#persistTimer = this.#clock.schedule(due - now, () => {
      this.#persistTimer = undefined;
      this.flush();
    });
  }

  #write(): void {
    this.#writeState({ spanStart: this.#spanStart, windowEnd: this.#windowEnd, people: this.#people, masked: this.#masked, unmasked: this.#unmasked, outbox: this.#outbox });
  }

  #writeState(state: WindowState): boolean {
    try {
      this.#store.set(WINDOW_STATE_KEY, encodeWindowState(state));
    } catch (error) {
      // Kept in RAM and tried again at the next count, window end or flush.
      this.#log.write("error", "window_state_write_failed", { message: error instanceof Error ? error.message : String(error) });
      return false;
    }
    this.#dirty = false;
    this.#lastWrite = this.#clock.now();
    return true;
  }

  #scheduleBoundary(): void {
    if (this.#boundaryTimer !== undefined && this.#boundaryAt === this.#windowEnd) return;
    this.#boundaryTimer?.();
    this.#boundaryAt = this.#windowEnd;
    const delay = Math.max(0, this.#windowEnd - this.#clock.now());
    this.#boundaryTimer = this.#clock.schedule(delay, () => {
      this.#boundaryTimer = undefined;
      this.advance();
    });
  }
}

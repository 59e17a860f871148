import type { FaceClass } from "../detect/detection.js";
import type { Cancel, Clock, Log, Store } from "../interfaces/index.js";
import { decodeWindowState, encodeWindowState, type WindowState } from "./window-state.js";

/** Store key of the open span's counters. */
export const WINDOW_STATE_KEY = "win";
/** Default most clock time between a count and its durable write: a power cut loses at most this much. */
export const DEFAULT_PERSIST_INTERVAL_MS = 2 * 60_000;

/** A span of whole windows ready to leave the device. */
export interface ReleasedSpan {
  readonly start: number;
  readonly end: number;
  readonly people: number;
  readonly masked: number;
  readonly unmasked: number;
}

export interface WindowCounterOptions {
  readonly windowMinutes: number;
  readonly minPeople: number;
  readonly clock: Clock;
  readonly store: Store;
  readonly log: Log;
  /** Queues a released span durably; false when it could not (storage full): the span then merges on. */
  readonly release: (span: ReleasedSpan) => boolean;
  /**
   * On resume: the end of a queued batch that starts at `start`, if any. Finds a
   * span that was queued just before a power cut that prevented its reset from
   * being written, so that it is not released twice.
   */
  readonly releasedEnd?: (start: number) => number | undefined;
  /** See DEFAULT_PERSIST_INTERVAL_MS. */
  readonly persistIntervalMs?: number;
}

/**
 * Counts people into windows aligned to UTC multiples of the window length.
 * At each window end the open span is released when it holds at least
 * minPeople, otherwise it merges into the next window (a released batch then
 * spans them all); an empty span just moves on. Nothing is dropped.
 *
 * Persistence (the Store is flash: writes are rare by design): the counters
 * are written at most once per persistIntervalMs while people are counted
 * (a timer writes the last ones when the counting stops), at every window
 * end, and on flush/close. A power cut loses at most the last interval's
 * counts; on restart, past window ends are closed as if the device had been
 * on (empty windows in between simply carry the span on).
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
  #released = 0;
  #merged = 0;
  #dirty = false;
  #lastWrite = Number.NEGATIVE_INFINITY;
  #boundaryTimer: Cancel | undefined;
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
    const now = this.#clock.now();
    this.#spanStart = this.#alignDown(now);
    this.#windowEnd = this.#spanStart + this.#windowMs;
    this.#resume(options.releasedEnd);
    this.advance();
  }

  /** Adds one person, now. */
  count(cls: FaceClass): void {
    this.#checkOpen();
    this.advance();
    this.#people++;
    if (cls === "mask") this.#masked++;
    else this.#unmasked++;
    this.#dirty = true;
    this.#persistSoon();
  }

  /** Closes every window that ended by now (timers call this; hosts may too). */
  advance(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
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

  /** Spans released since start. */
  get released(): number {
    return this.#released;
  }

  /** Window ends since start that held too few people (but some) and merged into the next window. */
  get merged(): number {
    return this.#merged;
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error("windows: closed");
  }

  #alignDown(ms: number): number {
    return Math.floor(ms / this.#windowMs) * this.#windowMs;
  }

  #resume(releasedEnd: ((start: number) => number | undefined) | undefined): void {
    const text = this.#store.get(WINDOW_STATE_KEY);
    if (text === undefined) return;
    const state = decodeWindowState(text);
    if (state === undefined) {
      // Unreadable counters cannot be recovered; say so loudly rather than guess.
      this.#log.write("error", "window_state_unreadable", { bytes: text.length });
      return;
    }
    this.#load(state);
    const end = releasedEnd?.(state.spanStart);
    if (end !== undefined) {
      // Queued just before a power cut: its reset never reached the store.
      this.#log.write("warn", "window_already_released", { start: state.spanStart, end });
      this.#spanStart = end;
      this.#windowEnd = Math.max(this.#windowEnd, end + this.#windowMs);
      this.#people = this.#masked = this.#unmasked = 0;
      this.#dirty = true;
    }
    // A changed window length: the current window ends at the next new boundary.
    if (this.#windowEnd % this.#windowMs !== 0) this.#windowEnd = this.#alignDown(this.#windowEnd) + this.#windowMs;
    this.#log.write("info", "window_resumed", { start: this.#spanStart, end: this.#windowEnd, people: this.#people });
  }

  #load(state: WindowState): void {
    this.#spanStart = state.spanStart;
    this.#windowEnd = state.windowEnd;
    this.#people = state.people;
    this.#masked = state.masked;
    this.#unmasked = state.unmasked;
  }

  /** The window ending at #windowEnd closes: release the span or carry it on. */
  #closeWindow(): void {
    const end = this.#windowEnd;
    this.#windowEnd = end + this.#windowMs;
    if (this.#people === 0) {
      this.#spanStart = end;
      return;
    }
    if (this.#people >= this.#minPeople) {
      const span: ReleasedSpan = { start: this.#spanStart, end, people: this.#people, masked: this.#masked, unmasked: this.#unmasked };
      if (this.#release(span)) {
        this.#released++;
        this.#spanStart = end;
        this.#people = this.#masked = this.#unmasked = 0;
        return;
      }
      this.#log.write("warn", "window_release_deferred", { people: span.people, reason: "queue_full" });
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
    if (this.#persistTimer !== undefined) return;
    this.#persistTimer = this.#clock.schedule(due - now, () => {
      this.#persistTimer = undefined;
      this.flush();
    });
  }

  #write(): void {
    const state: WindowState = { spanStart: this.#spanStart, windowEnd: this.#windowEnd, people: this.#people, masked: this.#masked, unmasked: this.#unmasked };
    try {
      this.#store.set(WINDOW_STATE_KEY, encodeWindowState(state));
      this.#dirty = false;
      this.#lastWrite = this.#clock.now();
    } catch (error) {
      // Kept in RAM and tried again at the next count, window end or flush.
      this.#log.write("error", "window_state_write_failed", { message: error instanceof Error ? error.message : String(error) });
    }
  }

  #scheduleBoundary(): void {
    this.#boundaryTimer?.();
    const delay = Math.max(0, this.#windowEnd - this.#clock.now());
    this.#boundaryTimer = this.#clock.schedule(delay, () => {
      this.#boundaryTimer = undefined;
      this.advance();
    });
  }
}

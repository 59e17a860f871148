import { STORE_MAX_VALUE_BYTES, type Log, type Store } from "../interfaces/index.js";
import type { BatchRecord } from "../batch/record.js";
import { parseIsoMinute } from "../batch/utc.js";
import { batchRecordProblems } from "../batch/validate.js";
import { utf8Length } from "./utf8.js";

/** Queue keys: "bq" + the batch's start in minutes since the epoch, base 36, 7 digits (sorts by time; 9 characters). */
export const QUEUE_KEY_PREFIX = "bq";

export interface QueuedBatch {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  /** The exact JSON body to POST: resends are byte-identical. */
  readonly body: string;
}

export function queueKey(start: number): string {
  return QUEUE_KEY_PREFIX + Math.floor(start / 60_000).toString(36).padStart(7, "0");
}

/**
 * Unacknowledged batches in the Store, one key per batch, the record's JSON as
 * the value (aggregates only). Survives restarts; an entry leaves only when
 * the collector acknowledged it.
 */
export class BatchQueue {
  #store: Store;
  #log: Log;
  #entries: QueuedBatch[] = [];

  constructor(store: Store, log: Log) {
    this.#store = store;
    this.#log = log;
    this.#load();
  }

  /** Oldest first. */
  get entries(): readonly QueuedBatch[] {
    return this.#entries;
  }

  get size(): number {
    return this.#entries.length;
  }

  /**
   * Stores a batch durably. True when it is in the store (also when a batch of
   * the same span was already queued: the first one is kept). False when the
   * store refused it (full): the caller keeps the counts.
   */
  add(record: BatchRecord): boolean {
    const problems = batchRecordProblems(record);
    if (problems.length > 0) throw new RangeError(`batch queue: invalid record: ${problems.join("; ")}`);
    const start = parseIsoMinute(record.window_start) as number;
    const end = parseIsoMinute(record.window_end) as number;
    const key = queueKey(start);
    if (this.#entries.some((entry) => entry.key === key)) {
      this.#log.write("warn", "batch_already_queued", { batch_id: record.batch_id });
      return true;
    }
    const body = JSON.stringify(record);
    if (utf8Length(body) > STORE_MAX_VALUE_BYTES) throw new RangeError("batch queue: record larger than a store value");
    try {
      this.#store.set(key, body);
    } catch (error) {
      this.#log.write("error", "batch_queue_store_failed", { batch_id: record.batch_id, message: error instanceof Error ? error.message : String(error) });
      return false;
    }
    this.#insert({ key, start, end, body });
    return true;
  }

  /** Removes an acknowledged batch. */
  remove(key: string): void {
    const index = this.#entries.findIndex((entry) => entry.key === key);
    if (index < 0) return;
    this.#entries.splice(index, 1);
    try {
      this.#store.delete(key);
    } catch (error) {
      // It will be resent after a restart and acknowledged as an identical replay.
      this.#log.write("error", "batch_queue_delete_failed", { key, message: error instanceof Error ? error.message : String(error) });
    }
  }

  #insert(entry: QueuedBatch): void {
    let index = this.#entries.length;
    while (index > 0 && this.#entries[index - 1].start > entry.start) index--;
    this.#entries.splice(index, 0, entry);
  }

  #load(): void {
    for (const key of this.#store.keys()) {
      if (!key.startsWith(QUEUE_KEY_PREFIX)) continue;
      const body = this.#store.get(key);
      let record: unknown;
      try {
        record = body === undefined ? undefined : JSON.parse(body);
      } catch {
        record = undefined;
      }
      if (body === undefined || batchRecordProblems(record).length > 0) {
        // Never deleted silently: left in the store for a person to look at.
        this.#log.write("error", "batch_queue_entry_unreadable", { key });
        continue;
      }
      const valid = record as BatchRecord;
      const start = parseIsoMinute(valid.window_start);
      const end = parseIsoMinute(valid.window_end);
      if (start === undefined || end === undefined || queueKey(start) !== key) {
        this.#log.write("error", "batch_queue_entry_unreadable", { key });
        continue;
      }
      this.#insert({ key, start, end, body });
    }
  }
}

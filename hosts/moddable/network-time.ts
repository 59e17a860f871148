/**
 * UTC time from SNTP. Windows, batch times and TLS certificate checks all
 * need it: the device does not count before the first sync. Re-syncs every
 * six hours; on failure tries the next server with backoff.
 */
import SNTP from "sntp";
import Time from "time";
import type { Log } from "../../src/interfaces/index.js";
import { BackoffTimer } from "./backoff-timer.js";
import Timer from "timer";

/** Before this the clock has not been set (the board boots at 1970). */
export const TIME_VALID_AFTER_MS = Date.UTC(2025, 0, 1);
const RESYNC_MS = 6 * 60 * 60 * 1000;

export interface NetworkTimeOptions {
  readonly servers: readonly string[];
  readonly log: Log;
  /** Called after every successful sync. */
  readonly onSynced: () => void;
}

export class NetworkTime {
  readonly #options: NetworkTimeOptions;
  readonly #backoff = new BackoffTimer(5_000, 300_000);
  #server = 0;
  #resync: Timer | undefined;
  #busy = false;

  constructor(options: NetworkTimeOptions) {
    if (options.servers.length === 0) throw new RangeError("network time: no SNTP server");
    this.#options = options;
  }

  static get valid(): boolean {
    return Date.now() >= TIME_VALID_AFTER_MS;
  }

  /** Starts a sync now unless one is under way. */
  sync(): void {
    if (this.#busy) return;
    this.#busy = true;
    const host = this.#options.servers[this.#server % this.#options.servers.length];
    try {
      new SNTP({ host }, (message, value) => {
        if (message === SNTP.time && value !== undefined) {
          this.#busy = false;
          Time.set(value);
          this.#backoff.success();
          this.#options.log.write("info", "time_synced", { server: host });
          this.#scheduleResync();
          this.#options.onSynced();
        } else if (message === SNTP.error) {
          this.#failed(host, "no answer");
        }
      });
    } catch (error) {
      this.#failed(host, String(error));
    }
  }

  close(): void {
    this.#backoff.cancel();
    if (this.#resync !== undefined) Timer.clear(this.#resync);
    this.#resync = undefined;
  }

  #failed(host: string, detail: string): void {
    this.#busy = false;
    this.#server++;
    const delay = this.#backoff.retry(() => this.sync());
    this.#options.log.write("warn", "time_sync_failed", { server: host, detail, retry_ms: delay });
  }

  #scheduleResync(): void {
    if (this.#resync !== undefined) Timer.clear(this.#resync);
    this.#resync = Timer.set(() => {
      this.#resync = undefined;
      this.sync();
    }, RESYNC_MS);
  }
}

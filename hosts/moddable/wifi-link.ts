/**
 * The station's Wi-Fi link (ECMA-419 embedded:network/interface/wifi): joins
 * the provisioned network, notices losses, and rejoins with backoff (2 s to
 * 60 s), forever: the core keeps counting offline and its uplink resends later.
 * Never logs the password.
 */
import WiFi from "embedded:network/interface/wifi";
import type { Log } from "../../src/interfaces/index.js";
import { BackoffTimer } from "./backoff-timer.js";
import Timer from "timer";

/** The SDK's connection values. */
const CONNECTED_WITH_ADDRESS = 500;
const DISCONNECTED = 200;
const JOIN_TIMEOUT_MS = 30_000;

/** The station's MAC address ("aa:bb:cc:dd:ee:ff"), read before joining (the device id is made from it). */
export function stationMac(): string | undefined {
  const wifi = new WiFi({});
  try {
    return wifi.MAC;
  } finally {
    wifi.close();
  }
}

export interface WifiLinkOptions {
  readonly ssid: string;
  readonly password: string;
  readonly log: Log;
  /** Called on each transition to online (first join and every rejoin). */
  readonly onOnline: () => void;
}

export class WifiLink {
  readonly #options: WifiLinkOptions;
  readonly #backoff = new BackoffTimer(2_000, 60_000);
  #wifi: WiFi | undefined;
  #online = false;
  #joinTimer: Timer | undefined;
  #closed = false;

  constructor(options: WifiLinkOptions) {
    this.#options = options;
  }

  get online(): boolean {
    return this.#online;
  }

  start(): void {
    this.#join();
  }

  close(): void {
    this.#closed = true;
    this.#backoff.cancel();
    this.#clearJoinTimer();
    this.#wifi?.close();
    this.#wifi = undefined;
    this.#online = false;
  }

  #interface(): WiFi {
    this.#wifi ??= new WiFi({ onChanged: () => this.#changed() });
    return this.#wifi;
  }

  #join(): void {
    if (this.#closed) return;
    const wifi = this.#interface();
    try {
      wifi.connect({ SSID: this.#options.ssid, password: this.#options.password });
    } catch (error) {
      this.#retry("connect_refused", String(error));
      return;
    }
    this.#clearJoinTimer();
    this.#joinTimer = Timer.set(() => {
      this.#joinTimer = undefined;
      if (this.#online) return;
      try {
        wifi.disconnect();
      } catch {
        // Already disconnected: nothing to undo.
      }
      this.#retry("join_timeout", `${JOIN_TIMEOUT_MS} ms`);
    }, JOIN_TIMEOUT_MS);
  }

  #changed(): void {
    const wifi = this.#wifi;
    if (wifi === undefined || this.#closed) return;
    const connection = wifi.connection;
    if (connection === CONNECTED_WITH_ADDRESS) {
      if (this.#online) return;
      this.#online = true;
      this.#clearJoinTimer();
      this.#backoff.success();
      this.#options.log.write("info", "wifi_online", { rssi: wifi.RSSI ?? 0 });
      this.#options.onOnline();
    } else if (connection <= DISCONNECTED) {
      const wasOnline = this.#online;
      this.#online = false;
      this.#clearJoinTimer();
      this.#retry(wasOnline ? "link_lost" : "join_failed", `connection ${connection}`);
    }
  }

  #retry(reason: string, detail: string): void {
    const delay = this.#backoff.retry(() => this.#join());
    this.#options.log.write("warn", "wifi_down", { reason, detail, retry_ms: delay });
  }

  #clearJoinTimer(): void {
    if (this.#joinTimer !== undefined) Timer.clear(this.#joinTimer);
    this.#joinTimer = undefined;
  }
}

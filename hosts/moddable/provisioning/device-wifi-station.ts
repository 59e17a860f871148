/**
 * The board's Wi-Fi for provisioning (ECMA-419 embedded:network/interface/wifi):
 * scans, and tries the credentials Improv brought. A join that drops back to
 * "disconnected" failed (ESP-IDF does not tell a wrong password from a
 * vanished network here); one with no address within JOIN_TIMEOUT_MS timed out.
 * Never logs the password.
 */
import WiFi from "embedded:network/interface/wifi";
import Timer from "timer";
import type { WifiCredentials, WifiNetwork } from "../../../src/provision/improv-codec.js";
import type { WifiConnectResult, WifiStation } from "../../../src/provision/ports.js";

const CONNECTED_WITH_ADDRESS = 500;
const DISCONNECTED = 200;
const JOIN_TIMEOUT_MS = 20_000;
const SCAN_TIMEOUT_MS = 10_000;

/** The scan method of the SDK's WiFi ($MODDABLE/typings/embedded_network/interface/wifi.d.ts). */
interface ScanningWiFi {
  scan(options: { onFound?: (result: { SSID: string; RSSI: number; channel: number }) => void; onComplete?: () => void }): void;
}

export class DeviceWifiStation implements WifiStation {
  #wifi: WiFi | undefined;
  #connected = false;

  get connected(): boolean {
    return this.#connected;
  }

  scan(): Promise<readonly WifiNetwork[]> {
    return new Promise((resolve, reject) => {
      const found: WifiNetwork[] = [];
      const wifi = new WiFi({});
      const timer = Timer.set(() => finish(), SCAN_TIMEOUT_MS);
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        Timer.clear(timer);
        if (wifi !== this.#wifi) wifi.close();
        resolve(found);
      };
      try {
        // ECMA-419 scans report no security type: "?" tells the client so.
        (wifi as unknown as ScanningWiFi).scan({ onFound: (result) => found.push({ ssid: result.SSID, rssi: result.RSSI, auth: "?" }), onComplete: finish });
      } catch (error) {
        done = true;
        Timer.clear(timer);
        wifi.close();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  connect(credentials: WifiCredentials): Promise<WifiConnectResult> {
    this.#wifi?.close();
    this.#connected = false;
    return new Promise((resolve) => {
      let settled = false;
      let started = false;
      const settle = (result: WifiConnectResult): void => {
        if (settled) return;
        settled = true;
        Timer.clear(timer);
        if (!result.ok) {
          this.#wifi?.close();
          this.#wifi = undefined;
        }
        this.#connected = result.ok;
        resolve(result);
      };
      const timer = Timer.set(() => settle({ ok: false, reason: "timeout" }), JOIN_TIMEOUT_MS);
      const wifi = new WiFi({
        onChanged: () => {
          if (wifi.connection === CONNECTED_WITH_ADDRESS && wifi.address !== undefined) settle({ ok: true });
          else if (wifi.connection === DISCONNECTED && started) settle({ ok: false, reason: "failed" });
          else if (wifi.connection > DISCONNECTED) started = true;
        },
      });
      this.#wifi = wifi;
      wifi.connect({ SSID: credentials.ssid, password: credentials.password });
    });
  }
}

import type { WifiCredentials, WifiNetwork } from "../../../src/provision/improv-codec.js";
import type { WifiConnectResult, WifiStation } from "../../../src/provision/ports.js";

/** A network the desktop pretends to see, with the password it takes ("" for an open one). */
export interface DesktopNetwork extends WifiNetwork {
  readonly password: string;
}

export interface DesktopWifiOptions {
  readonly networks: readonly DesktopNetwork[];
  /** How long a join takes, in real milliseconds (default 300), so the "provisioning" state shows. */
  readonly joinDelayMs?: number;
}

/**
 * The desktop's stand-in for the board's Wi-Fi: a fixed list of networks, each
 * knowing its password. A join with the wrong password fails as a real one
 * does (after the delay); the desktop's own network is what the host uses.
 */
export class DesktopWifi implements WifiStation {
  #networks: readonly DesktopNetwork[];
  #joinDelayMs: number;
  #connected = false;
  /** SSID joined last, for displays and tests. */
  ssid: string | undefined;

  constructor(options: DesktopWifiOptions) {
    this.#networks = options.networks;
    this.#joinDelayMs = options.joinDelayMs ?? 300;
  }

  get connected(): boolean {
    return this.#connected;
  }

  async scan(): Promise<readonly WifiNetwork[]> {
    await delay(this.#joinDelayMs / 3);
    return this.#networks.map(({ ssid, rssi, auth }) => ({ ssid, rssi, auth }));
  }

  async connect(credentials: WifiCredentials): Promise<WifiConnectResult> {
    await delay(this.#joinDelayMs);
    const network = this.#networks.find((candidate) => candidate.ssid === credentials.ssid);
    if (network === undefined) return { ok: false, reason: "not_found" };
    if (network.password !== credentials.password) return { ok: false, reason: "wrong_password" };
    this.#connected = true;
    this.ssid = network.ssid;
    return { ok: true };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

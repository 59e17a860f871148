import type { BleAdvertisement, BleGattHandler, BleGattServer } from "../../src/interfaces/index.js";
import type { CollectorCheck, CollectorCheckResult, WifiConnectResult, WifiStation } from "../../src/provision/ports.js";
import type { WifiCredentials, WifiNetwork } from "../../src/provision/improv-codec.js";

export interface Notification {
  readonly characteristic: string;
  readonly value: Uint8Array;
}

/** An in-memory GATT server: the test plays the client through connect/write/read. */
export class FakeBleServer implements BleGattServer {
  handler: BleGattHandler | undefined;
  advertisement: BleAdvertisement | undefined;
  advertising = false;
  connected = false;
  readonly notifications: Notification[] = [];
  disconnects = 0;

  listen(handler: BleGattHandler): void {
    this.handler = handler;
  }

  startAdvertising(advertisement: BleAdvertisement): void {
    this.advertisement = advertisement;
    this.advertising = true;
  }

  stopAdvertising(): void {
    this.advertising = false;
  }

  notify(characteristic: string, value: Uint8Array): void {
    if (this.connected) this.notifications.push({ characteristic, value: value.slice() });
  }

  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.disconnects++;
    this.handler?.onDisconnect();
  }

  // ---- the client's side ----

  /** Connects as a client would (only while advertising), optionally securing the link. */
  connect(options: { secure?: boolean; mtu?: number } = {}): boolean {
    if (!this.advertising || this.handler === undefined) return false;
    this.connected = true;
    this.handler.onConnect();
    if (!this.connected) return false;
    if (options.mtu !== undefined) this.handler.onMtu(options.mtu);
    if (options.secure) this.handler.onLinkSecured();
    return true;
  }

  write(characteristic: string, value: Uint8Array): void {
    if (!this.connected) throw new Error("fake ble: not connected");
    this.handler?.onWrite(characteristic, value);
  }

  read(characteristic: string): Uint8Array {
    if (!this.connected || this.handler === undefined) throw new Error("fake ble: not connected");
    return this.handler.onRead(characteristic);
  }

  /** Notifications on one characteristic since `from`. */
  on(characteristic: string, from = 0): Uint8Array[] {
    return this.notifications.slice(from).filter((n) => n.characteristic === characteristic).map((n) => n.value);
  }

  last(characteristic: string): Uint8Array | undefined {
    const values = this.on(characteristic);
    return values[values.length - 1];
  }
}

/** Wi-Fi that knows which password each network takes. Resolves on the next microtask. */
export class FakeWifi implements WifiStation {
  connected = false;
  readonly networks: WifiNetwork[];
  readonly #passwords: Map<string, string>;
  joins = 0;

  constructor(networks: ReadonlyArray<WifiNetwork & { password: string }>) {
    this.networks = networks.map(({ ssid, rssi, auth }) => ({ ssid, rssi, auth }));
    this.#passwords = new Map(networks.map((network) => [network.ssid, network.password]));
  }

  async scan(): Promise<readonly WifiNetwork[]> {
    return this.networks;
  }

  async connect(credentials: WifiCredentials): Promise<WifiConnectResult> {
    this.joins++;
    const expected = this.#passwords.get(credentials.ssid);
    if (expected === undefined) return { ok: false, reason: "not_found" };
    if (expected !== credentials.password) return { ok: false, reason: "wrong_password" };
    this.connected = true;
    return { ok: true };
  }
}

/** A collector check that accepts one CA text. */
export class FakeCollectorCheck implements CollectorCheck {
  readonly checks: string[] = [];
  constructor(public acceptedCa: string, public reachable = true) {}

  async check(collectorUrl: string, caPem: string): Promise<CollectorCheckResult> {
    this.checks.push(collectorUrl);
    if (!this.reachable) return { ok: false, reason: "unreachable", detail: "connection refused" };
    if (caPem !== this.acceptedCa) return { ok: false, reason: "ca_refused", detail: "the collector's certificate does not chain to this CA" };
    return { ok: true };
  }
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** A PEM certificate block whose DER is structurally a SEQUENCE (not a real certificate). */
export function fakeCertificatePem(seed: number, bytes = 300): string {
  const der = Buffer.alloc(bytes);
  der[0] = 0x30;
  der[1] = 0x82;
  for (let i = 2; i < bytes; i++) der[i] = (i * 31 + seed * 17) & 0xff;
  const body = der.toString("base64").replace(/(.{64})/g, "$1\n").trim();
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

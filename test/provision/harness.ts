import { SimulatedClock } from "../../hosts/node/sim-clock.js";
import type { Camera, GrayFrame } from "../../src/interfaces/index.js";
import { IMPROV_CHARACTERISTIC } from "../../src/provision/improv-protocol.js";
import { decodeStringList } from "../../src/provision/improv-codec.js";
import { AimingPreview } from "../../src/provision/preview.js";
import type { FaceBox, FaceFinder } from "../../src/provision/ports.js";
import { Provisioner, type ProvisionerOptions } from "../../src/provision/provisioner.js";
import { decodeRpcFrame } from "../../src/provision/rpc-frame.js";
import { decodeVendorResult, vendorCommandFrames, type VendorResult } from "../../src/provision/vendor-codec.js";
import { VENDOR_CHARACTERISTIC } from "../../src/provision/vendor-protocol.js";
import { MemoryLog } from "../support/memory-log.js";
import { MemoryStore } from "../support/memory-store.js";
import { FakeBleServer, FakeCollectorCheck, FakeWifi, fakeCertificatePem, settle } from "./fakes.js";

export const GOOD_CA = fakeCertificatePem(1);
export const OTHER_CA = fakeCertificatePem(2);
export const WIFI_PASSWORD = "correct horse battery";
export const TOKEN = "tok_3f9a1c2e7b5d4a608e1f";
export const DEVICE_ID = "ephemera-test-01";

/** A camera of one synthetic frame: gray noise with a bright square "face" at (cx, cy). */
export class SquareCamera implements Camera {
  frames = 0;
  lastFrame: GrayFrame | undefined;
  constructor(readonly width = 320, readonly height = 240, readonly face = { x: 160, y: 120, size: 40 }) {}
  async read(): Promise<GrayFrame> {
    const pixels = new Uint8Array(this.width * this.height);
    for (let i = 0; i < pixels.length; i++) pixels[i] = 40 + ((i * 7919) % 23);
    const { x, y, size } = this.face;
    for (let row = y - size / 2; row < y + size / 2; row++) pixels.fill(250, row * this.width + x - size / 2, row * this.width + x + size / 2);
    this.frames++;
    this.lastFrame = { width: this.width, height: this.height, pixels };
    return this.lastFrame;
  }
  close(): void {}
}

/** Finds the square exactly where the camera drew it. */
export class KnownFaces implements FaceFinder {
  constructor(readonly faces: readonly FaceBox[]) {}
  find(): readonly FaceBox[] {
    return this.faces;
  }
}

export interface Rig {
  readonly clock: SimulatedClock;
  readonly ble: FakeBleServer;
  readonly wifi: FakeWifi;
  readonly collector: FakeCollectorCheck;
  readonly store: MemoryStore;
  readonly log: MemoryLog;
  readonly camera: SquareCamera;
  readonly provisioner: Provisioner;
  provisionedCalls: number;
}

export function makeRig(options: { store?: MemoryStore; log?: MemoryLog; clock?: SimulatedClock; overrides?: Partial<ProvisionerOptions> } = {}): Rig {
  const clock = options.clock ?? new SimulatedClock(Date.UTC(2025, 0, 1));
  const ble = new FakeBleServer();
  const wifi = new FakeWifi([
    { ssid: "Hall-AP", rssi: -48, auth: "WPA2", password: WIFI_PASSWORD },
    { ssid: "Cafe", rssi: -70, auth: "NO", password: "" },
  ]);
  const collector = new FakeCollectorCheck(GOOD_CA);
  const store = options.store ?? new MemoryStore();
  const log = options.log ?? new MemoryLog();
  const camera = new SquareCamera();
  const rig: Rig = {
    clock, ble, wifi, collector, store, log, camera, provisionedCalls: 0,
    provisioner: undefined as unknown as Provisioner, // set just below: the callback needs the rig
  };
  const provisioner = new Provisioner({
    ble, wifi, collector, clock, store, log,
    deviceId: DEVICE_ID,
    deviceInfo: { firmwareName: "Ephemera", firmwareVersion: "0.1.0", hardware: "test", deviceName: "ephemera-test" },
    preview: new AimingPreview({ camera, faces: new KnownFaces([{ x: 160, y: 120, size: 40 }]) }),
    identify: () => {},
    onProvisioned: () => rig.provisionedCalls++,
    ...options.overrides,
  });
  (rig as { provisioner: Provisioner }).provisioner = provisioner;
  return rig;
}

/** Writes a frame in 20-byte pieces, as a small-MTU client does. */
export function writeInPieces(ble: FakeBleServer, characteristic: string, frame: Uint8Array, piece = 20): void {
  for (let at = 0; at < frame.length; at += piece) ble.write(characteristic, frame.subarray(at, at + piece));
}

export function improvState(ble: FakeBleServer): number {
  return ble.read(IMPROV_CHARACTERISTIC.currentState)[0];
}

export function improvError(ble: FakeBleServer): number {
  return ble.read(IMPROV_CHARACTERISTIC.errorState)[0];
}

export function improvResultStrings(ble: FakeBleServer): string[] | undefined {
  const decoded = decodeRpcFrame(ble.read(IMPROV_CHARACTERISTIC.rpcResult));
  return decoded.ok ? decodeStringList(decoded.frame.data) : undefined;
}

/** Sends one vendor command (chunked) and returns the result frame that followed. */
export async function vendor(ble: FakeBleServer, command: number, payload?: Uint8Array): Promise<VendorResult> {
  const before = ble.notifications.length;
  for (const frame of vendorCommandFrames(command, payload)) ble.write(VENDOR_CHARACTERISTIC.command, frame);
  await settle();
  const results = ble.on(VENDOR_CHARACTERISTIC.result, before);
  const last = results[results.length - 1];
  if (last === undefined) throw new Error("no vendor result");
  const decoded = decodeRpcFrame(last);
  if (!decoded.ok) throw new Error("bad vendor result frame");
  const result = decodeVendorResult(decoded.frame);
  if (result === undefined) throw new Error("bad vendor result data");
  return result;
}

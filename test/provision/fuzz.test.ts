import { strict as assert } from "node:assert";
import { SimulatedClock } from "../../hosts/node/sim-clock.js";
import type { BleAdvertisement, BleGattHandler, BleGattServer, Log } from "../../src/interfaces/index.js";
import { improvCommandFrame } from "../../src/provision/improv-codec.js";
import { IMPROV_CHARACTERISTIC, ImprovError, ImprovState } from "../../src/provision/improv-protocol.js";
import { AimingPreview } from "../../src/provision/preview.js";
import { Provisioner } from "../../src/provision/provisioner.js";
import { RPC_MAX_FRAME_BYTES, decodeRpcFrame, encodeRpcFrame } from "../../src/provision/rpc-frame.js";
import { PreviewAssembler, decodeVendorResult, parseSettingsStrings, vendorCommandFrames, vendorPayload } from "../../src/provision/vendor-codec.js";
import { VENDOR_CHARACTERISTIC, VendorCommand, VendorStatus } from "../../src/provision/vendor-protocol.js";
import { decodeStringList, decodeWifiCredentials, parseScanResult } from "../../src/provision/improv-codec.js";
import { checkCaPem } from "../../src/provision/pem.js";
import { MemoryStore } from "../support/memory-store.js";
import { FakeCollectorCheck, FakeWifi, settle } from "./fakes.js";
import { GOOD_CA, KnownFaces, SquareCamera, TOKEN, WIFI_PASSWORD } from "./harness.js";

const PACKETS = 1_000_000;
const IMPROV_ERRORS = new Set<number>(Object.values(ImprovError));
const IMPROV_STATES = new Set<number>(Object.values(ImprovState));
const VENDOR_STATUSES = new Set<number>(Object.values(VendorStatus));

/** xorshift32: fast and reproducible. */
function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** Checks every notification as it is sent instead of keeping a million of them. */
class CheckingBle implements BleGattServer {
  handler: BleGattHandler | undefined;
  advertising = false;
  connected = false;
  notifications = 0;
  vendorResults = 0;
  problems: string[] = [];
  listen(handler: BleGattHandler): void { this.handler = handler; }
  startAdvertising(_advertisement: BleAdvertisement): void { this.advertising = true; }
  stopAdvertising(): void { this.advertising = false; }
  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.handler?.onDisconnect();
  }
  notify(characteristic: string, value: Uint8Array): void {
    this.notifications++;
    if (characteristic === IMPROV_CHARACTERISTIC.errorState && !IMPROV_ERRORS.has(value[0])) this.problems.push(`error ${value[0]}`);
    if (characteristic === IMPROV_CHARACTERISTIC.currentState && !IMPROV_STATES.has(value[0])) this.problems.push(`state ${value[0]}`);
    if (characteristic === VENDOR_CHARACTERISTIC.result) {
      this.vendorResults++;
      const decoded = decodeRpcFrame(value);
      const result = decoded.ok ? decodeVendorResult(decoded.frame) : undefined;
      if (result === undefined || !VENDOR_STATUSES.has(result.status)) this.problems.push("bad vendor result");
    }
    if (value.length > RPC_MAX_FRAME_BYTES) this.problems.push(`notification of ${value.length} bytes`);
  }
  connect(): void {
    if (!this.advertising || this.connected || !this.handler) return;
    this.connected = true;
    this.handler.onConnect();
    this.handler.onMtu(247);
    this.handler.onLinkSecured();
  }
}

const silent: Log = { write() {} };

function corpus(): Uint8Array[] {
  const text = vendorPayload.text;
  return [
    improvCommandFrame.sendWifiSettings({ ssid: "Hall-AP", password: WIFI_PASSWORD }),
    improvCommandFrame.sendWifiSettings({ ssid: "Hall-AP", password: "wrong" }),
    improvCommandFrame.sendWifiSettings({ ssid: "Cafe", password: "" }),
    improvCommandFrame.identify(),
    improvCommandFrame.deviceInfo(),
    improvCommandFrame.scanNetworks(),
    ...vendorCommandFrames(VendorCommand.setCollectorUrl, text("https://collector.example:8443/v1")),
    ...vendorCommandFrames(VendorCommand.setDeviceToken, text(TOKEN)),
    ...vendorCommandFrames(VendorCommand.setSite, text("Bus 42 ceiling")),
    ...vendorCommandFrames(VendorCommand.setWindowMinutes, vendorPayload.windowMinutes(20)),
    ...vendorCommandFrames(VendorCommand.setRoi, vendorPayload.roi({ x: 0, y: 0.1, width: 1, height: 0.8 })),
    ...vendorCommandFrames(VendorCommand.setCollectorCa, text(GOOD_CA)),
    ...vendorCommandFrames(VendorCommand.apply),
    ...vendorCommandFrames(VendorCommand.getSettings),
    ...vendorCommandFrames(VendorCommand.preview),
  ];
}

/** Scratch for packets: generation must not cost more than the code under test. */
const scratch = new Uint8Array(2048);

function randomPacket(length: number, next: () => number): Uint8Array {
  for (let i = 0; i < length; i++) scratch[i] = next() & 0xff;
  return scratch.subarray(0, length);
}

/** Bit flips, byte swaps, truncation, insertion, deletion, a forged length byte, appended garbage. */
function mutate(seed: Uint8Array, next: () => number): Uint8Array {
  let length = seed.length;
  scratch.set(seed);
  const edits = 1 + (next() % 4);
  for (let e = 0; e < edits; e++) {
    const at = length === 0 ? 0 : next() % length;
    switch (next() % 7) {
      case 0: scratch[at] ^= 1 << (next() % 8); break;
      case 1: scratch[at] = next() & 0xff; break;
      case 2: length = at; break;
      case 3: {
        const count = 1 + (next() % 8);
        scratch.copyWithin(at + count, at, length);
        for (let i = 0; i < count; i++) scratch[at + i] = next() & 0xff;
        length += count;
        break;
      }
      case 4: {
        const count = Math.min(length - at, 1 + (next() % 4));
        scratch.copyWithin(at, at + count, length);
        length -= count;
        break;
      }
      case 5: scratch[1] = next() & 0xff; length = Math.max(length, 2); break;
      default: {
        const count = next() % 300;
        for (let i = 0; i < count; i++) scratch[length + i] = next() & 0xff;
        length += count;
        break;
      }
    }
    if (length > 1500) length = 1500;
  }
  return scratch.subarray(0, length);
}

describe("provision/fuzz", () => {
  it(`${PACKETS.toLocaleString("en")} random and mutated packets: clear error states, never a crash or a hang`, async function () {
    const next = prng(0x5eed);
    const clock = new SimulatedClock(Date.UTC(2025, 0, 1));
    const ble = new CheckingBle();
    const wifi = new FakeWifi([{ ssid: "Hall-AP", rssi: -50, auth: "WPA2", password: WIFI_PASSWORD }, { ssid: "Cafe", rssi: -70, auth: "NO", password: "" }]);
    const camera = new SquareCamera(64, 48, { x: 32, y: 24, size: 8 });
    const provisioner = new Provisioner({
      ble, wifi, clock, store: new MemoryStore(), log: silent,
      collector: new FakeCollectorCheck(GOOD_CA),
      deviceId: "ephemera-fuzz-01",
      deviceInfo: { firmwareName: "Ephemera", firmwareVersion: "0.1.0", hardware: "fuzz", deviceName: "fuzz" },
      preview: new AimingPreview({ camera, faces: new KnownFaces([]) , maxSide: 16 }),
      identify: () => {},
    });
    provisioner.start();
    const seeds = corpus();
    const targets = [IMPROV_CHARACTERISTIC.rpcCommand, VENDOR_CHARACTERISTIC.command, IMPROV_CHARACTERISTIC.currentState];
    let oversize = 0;
    for (let n = 0; n < PACKETS; n++) {
      if (!ble.connected) {
        provisioner.pressButton();
        ble.connect();
      }
      if (n % 500 === 0) provisioner.pressButton();
      const kind = next() % 10;
      let packet: Uint8Array;
      if (kind < 3) packet = randomPacket(next() % 40, next);
      else if (kind < 4) packet = randomPacket(next() % 600, next);
      else if (kind < 5) packet = seeds[next() % seeds.length];
      else packet = mutate(seeds[next() % seeds.length], next);
      if (packet.length > RPC_MAX_FRAME_BYTES) oversize++;
      const target = targets[next() % 3 === 2 ? next() % 3 : next() % 2];
      // Half the packets arrive whole, half in BLE-sized pieces.
      if (next() % 2 === 0) ble.handler?.onWrite(target, packet);
      else for (let at = 0; at < packet.length; at += 20) ble.handler?.onWrite(target, packet.subarray(at, at + 20));
      const status = provisioner.status;
      if (!IMPROV_ERRORS.has(status.improvError) || !IMPROV_STATES.has(status.improvState)) assert.fail(`packet ${n}: state ${status.improvState} error ${status.improvError}`);
      if (next() % 4 === 0) clock.advance(next() % 1000);
      if (n % 1000 === 999) {
        await settle();
        // Not wedged: a fresh bad frame is named as such, a good one clears it.
        if (ble.connected) {
          ble.handler?.onWrite(IMPROV_CHARACTERISTIC.rpcCommand, new Uint8Array(RPC_MAX_FRAME_BYTES + 1));
          assert.equal(provisioner.status.improvError, ImprovError.invalidRpc, `packet ${n}: oversize write not refused`);
          ble.handler?.onWrite(IMPROV_CHARACTERISTIC.rpcCommand, improvCommandFrame.identify());
          assert.equal(provisioner.status.improvError, ImprovError.none, `packet ${n}: identify after garbage`);
        }
      }
    }
    await settle();
    assert.deepEqual(ble.problems.slice(0, 5), []);
    assert.ok(oversize > 50_000, `oversize packets ${oversize}`);
    assert.ok(ble.vendorResults > 10_000, `vendor results ${ble.vendorResults}`);
  });

  it("the client-side decoders survive 200,000 random frames", () => {
    const next = prng(0xc0ffee);
    const preview = new PreviewAssembler();
    for (let n = 0; n < 200_000; n++) {
      const data = Uint8Array.from({ length: next() % 64 }, () => next() & 0xff);
      const command = next() % 3 === 0 ? VendorCommand.preview : next() & 0xff;
      const frame = { command, data };
      const result = decodeVendorResult(frame);
      if (result !== undefined) parseSettingsStrings(result.strings);
      const list = decodeStringList(data);
      if (list !== undefined) parseScanResult(list);
      decodeWifiCredentials(data);
      preview.push(frame);
      decodeRpcFrame(encodeRpcFrame(command, data));
      if (n % 1000 === 0) checkCaPem(String.fromCharCode(...data));
    }
  });
});

import { strict as assert } from "node:assert";
import { decodeRpcFrame, type RpcFrame } from "../../src/provision/rpc-frame.js";
import {
  PreviewAssembler,
  VendorChunkAssembler,
  clipUtf8,
  decodeVendorResult,
  encodeVendorResult,
  parseSettingsStrings,
  parseVendorPayload,
  previewChunkFrames,
  settingsStrings,
  vendorCommandFrames,
  vendorPayload,
} from "../../src/provision/vendor-codec.js";
import { VENDOR_CHARACTERISTIC, VENDOR_SERVICE_UUID, VendorCommand, VendorStatus, vendorStatusName } from "../../src/provision/vendor-protocol.js";

function frame(bytes: Uint8Array): RpcFrame {
  const decoded = decodeRpcFrame(bytes);
  assert.ok(decoded.ok);
  return decoded.frame;
}

describe("provision/vendor-codec", () => {
  it("has its own 128-bit service and characteristic UUIDs", () => {
    const uuids = [VENDOR_SERVICE_UUID, ...Object.values(VENDOR_CHARACTERISTIC)];
    for (const uuid of uuids) assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(new Set(uuids).size, uuids.length);
  });

  it("sends a 4000-byte CA in chunks and assembles it", () => {
    const ca = Uint8Array.from({ length: 4000 }, (_, i) => 0x41 + (i % 26));
    const frames = vendorCommandFrames(VendorCommand.setCollectorCa, ca);
    assert.equal(frames.length, Math.ceil(4000 / 253));
    for (const bytes of frames) assert.ok(bytes.length <= 258);
    const assembler = new VendorChunkAssembler();
    const outcomes = frames.map((bytes) => assembler.push(frame(bytes)));
    assert.ok(outcomes.slice(0, -1).every((outcome) => outcome.kind === "partial"));
    const last = outcomes[outcomes.length - 1];
    assert.equal(last.kind, "complete");
    assert.ok(last.kind === "complete");
    assert.deepEqual(last.payload, ca);
    assert.equal(last.command, VendorCommand.setCollectorCa);
  });

  it("refuses payloads over the command's limit, on both sides", () => {
    assert.throws(() => vendorCommandFrames(VendorCommand.setCollectorCa, new Uint8Array(4001)), RangeError);
    assert.throws(() => vendorCommandFrames(VendorCommand.setWindowMinutes, new Uint8Array(3)), RangeError);
    assert.throws(() => vendorCommandFrames(0x77), RangeError);
    // A client that lies about the count: 17 chunks of 253 bytes for the CA.
    const assembler = new VendorChunkAssembler();
    let outcome;
    for (let index = 0; index < 17; index++) {
      const data = new Uint8Array(255);
      data[0] = index;
      data[1] = 17;
      outcome = assembler.push({ command: VendorCommand.setCollectorCa, data });
      if (outcome.kind !== "partial") break;
    }
    assert.ok(outcome && outcome.kind === "error");
    assert.equal(outcome.status, VendorStatus.invalidPacket);
    assert.match(outcome.problem, /over 4000 bytes/);
  });

  it("drops an assembly on a chunk out of sequence or a changed command", () => {
    const frames = vendorCommandFrames(VendorCommand.setCollectorCa, new Uint8Array(600).fill(0x41)).map(frame);
    const assembler = new VendorChunkAssembler();
    assert.equal(assembler.push(frames[0]).kind, "partial");
    const skipped = assembler.push(frames[2]);
    assert.equal(skipped.kind, "error");
    assert.equal(assembler.push(frames[1]).kind, "error");
    assert.equal(assembler.push(frames[0]).kind, "partial");
    assert.equal(assembler.push({ command: VendorCommand.setSite, data: Uint8Array.of(1, 3, 0x41) }).kind, "error");
    assert.equal(assembler.push({ command: VendorCommand.setSite, data: Uint8Array.of(0, 0) }).kind, "error");
    assert.equal(assembler.push({ command: VendorCommand.setSite, data: Uint8Array.of(0) }).kind, "error");
    const unknown = assembler.push({ command: 0x55, data: Uint8Array.of(0, 1) });
    assert.ok(unknown.kind === "error" && unknown.status === VendorStatus.unknownCommand);
  });

  it("encodes results with a status and strings, cut to fit one frame", () => {
    const result = decodeVendorResult(frame(encodeVendorResult(VendorCommand.apply, VendorStatus.caRefused, ["no chain"])));
    assert.deepEqual(result, { command: VendorCommand.apply, status: VendorStatus.caRefused, strings: ["no chain"] });
    const long = decodeVendorResult(frame(encodeVendorResult(VendorCommand.getSettings, VendorStatus.ok, ["é".repeat(200), "x".repeat(200), "tail"])));
    assert.ok(long);
    assert.deepEqual(long.strings.map((text) => Buffer.byteLength(text)), [252, 0]);
    assert.equal(clipUtf8("aé", 2), "a");
    assert.equal(decodeVendorResult({ command: 1, data: new Uint8Array(0) }), undefined);
    assert.equal(vendorStatusName(VendorStatus.caRefused), "collector CA refused");
  });

  it("encodes window minutes and the ROI in 1/10000 units", () => {
    assert.equal(parseVendorPayload.windowMinutes(vendorPayload.windowMinutes(20)), 20);
    assert.equal(parseVendorPayload.windowMinutes(Uint8Array.of(1)), undefined);
    const roi = { x: 0.125, y: 0.25, width: 0.5, height: 0.75 };
    assert.deepEqual(parseVendorPayload.roi(vendorPayload.roi(roi)), roi);
    assert.equal(parseVendorPayload.roi(Uint8Array.of(0xff, 0xff, 0, 0, 0, 0, 0, 0)), undefined);
    assert.throws(() => vendorPayload.roi({ x: -0.1, y: 0, width: 1, height: 1 }), RangeError);
    assert.throws(() => vendorPayload.windowMinutes(1.5), RangeError);
  });

  it("reports settings without secrets, in a fixed order", () => {
    const summary = {
      collectorUrl: "https://collector.example:8443",
      site: "Market hall",
      windowMinutes: 20,
      roi: { x: 0.1, y: 0.2, width: 0.5, height: 0.5 },
      caFingerprint: "0a1b2c3d",
      tokenSet: true,
      wifiSsid: "Hall-AP",
      provisioned: true,
    };
    const strings = settingsStrings(summary);
    assert.deepEqual(strings, ["https://collector.example:8443", "Market hall", "20", "1000,2000,5000,5000", "0a1b2c3d", "1", "Hall-AP", "1"]);
    assert.deepEqual(parseSettingsStrings(strings), summary);
    assert.equal(parseSettingsStrings(strings.slice(0, 3)), undefined);
  });

  for (const mtu of [23, 185, 247, 517]) {
    it(`cuts a 96x96 preview into notifications that fit an MTU of ${mtu}, and joins them`, () => {
      const pixels = Uint8Array.from({ length: 96 * 72 }, (_, i) => i & 0xff);
      const frames = previewChunkFrames({ width: 96, height: 72, pixels }, 7, mtu - 3);
      for (const bytes of frames) assert.ok(bytes.length <= mtu - 3);
      const assembler = new PreviewAssembler();
      const images = frames.map((bytes) => assembler.push(frame(bytes)));
      const image = images[images.length - 1];
      assert.ok(images.slice(0, -1).every((value) => value === undefined));
      assert.ok(image);
      assert.equal(image.width, 96);
      assert.equal(image.height, 72);
      assert.deepEqual(image.pixels, pixels);
    });
  }

  it("a lost preview chunk gives no image", () => {
    const frames = previewChunkFrames({ width: 10, height: 10, pixels: new Uint8Array(100) }, 1, 20).map(frame);
    const assembler = new PreviewAssembler();
    const results = frames.filter((_, index) => index !== 3).map((f) => assembler.push(f));
    assert.ok(results.every((value) => value === undefined));
  });
});

/**
 * The device host's logic that needs no SDK module, inside XS: the boot-loop
 * guard, the camera size, the device id, PEM to DER for the TLS socket, the
 * stand-in model of safe mode.
 */
import { strict as assert } from "node:assert";
import { BootGuard, CRASH_RESETS, decideBoot } from "../../hosts/moddable/boot-guard.js";
import { DEVICE_SETTINGS, deviceIdFromMac } from "../../hosts/moddable/device-settings.js";
import { MAX_FRAME_PIXELS, SENSOR_FRAME_SIZES, chooseFrameSize } from "../../hosts/moddable/frame-size.js";
import { IdleModel } from "../../hosts/moddable/idle-model.js";
import { pemCertificates } from "../../hosts/moddable/pem-der.js";
import { PreviewCamera } from "../../hosts/moddable/preview-camera.js";
import { batchRecordProblems } from "../../src/batch/validate.js";
import { buildBatchRecord } from "../../src/batch/build-record.js";
import { parseConfig } from "../../src/config/config.js";
import type { Camera, GrayFrame, Log, LogFields, LogLevel, Store } from "../../src/interfaces/index.js";

/** Two self-signed P-256 test certificates (no key kept): 402 and 403 bytes of DER. */
const CA_A = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBjjCCATWgAwIBAgIUBglUbmOBBdcQdTCnDJs5OMnr7KUwCgYIKoZIzj0EAwIw",
  "HTEbMBkGA1UEAwwSRXBoZW1lcmEgdGVzdCBDQSBBMB4XDTI2MTEyODE3MDM0MloX",
  "DTM2MTEyNTE3MDM0MlowHTEbMBkGA1UEAwwSRXBoZW1lcmEgdGVzdCBDQSBBMFkw",
  "EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE6LYvgqYICnQzWYPrS9Z4a+RW/jX3dqFg",
  "Wjg1NFhLw3INMS01RPFzb/geS9lBfcgYJRowb+/QlTNiJO69ag8xGqNTMFEwHQYD",
  "VR0OBBYEFIrrQ+Lujipy7ISU6EF0B15F/n+7MB8GA1UdIwQYMBaAFIrrQ+Lujipy",
  "7ISU6EF0B15F/n+7MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIg",
  "D3kIetmNbVm6CmPD8PM6KxnpxaNJRe8n/ws60yxXDawCIFR9dA3BIVpEGIz9M4Y6",
  "SdpEi5sttWnB0o8atdmb6w4D",
  "-----END CERTIFICATE-----"
].join("\n");
const CA_B = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBjzCCATWgAwIBAgIURfS6Dcq49fBD92uGjR0JvT6hRzkwCgYIKoZIzj0EAwIw",
  "HTEbMBkGA1UEAwwSRXBoZW1lcmEgdGVzdCBDQSBCMB4XDTI2MTEyODE3MDM0MloX",
  "DTM2MTEyNTE3MDM0MlowHTEbMBkGA1UEAwwSRXBoZW1lcmEgdGVzdCBDQSBCMFkw",
  "EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOMKcpzpW+XVZp70NEgRS9zQhV56dxtSd",
  "wMo3vlMKPbomSbx9wWbrnqyV7hgcwkJUf/XvTWiuqjHq4HAdN+ChDKNTMFEwHQYD",
  "VR0OBBYEFH+nG+bTn/f7xsqzO3029cirz9QCMB8GA1UdIwQYMBaAFH+nG+bTn/f7",
  "xsqzO3029cirz9QCMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIg",
  "ANTg4wazDnBR6IXrPQJTKZsSaV5JCe6ntGQ+CABXocACIQDQoUnpIUiOyhu/0cUK",
  "mt+GKU93ibHzUzjdBkK8AKl6SQ==",
  "-----END CERTIFICATE-----"
].join("\n");

class MapStore implements Store {
  readonly entries = new Map<string, string>();
  failWrites = false;
  get(key: string): string | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: string): void {
    if (this.failWrites) throw new Error("store: full");
    this.entries.set(key, value);
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
  keys(): string[] {
    return [...this.entries.keys()];
  }
}

class ListLog implements Log {
  readonly events: { level: LogLevel; event: string; fields?: LogFields }[] = [];
  write(level: LogLevel, event: string, fields?: LogFields): void {
    this.events.push({ level, event, fields });
  }
}

describe("device host (inside XS)", () => {
  describe("boot guard", () => {
    it("enters safe mode after three crashes in a row, and only then", () => {
      let crashes = 0;
      const modes: string[] = [];
      for (const reason of ["panic", "task_watchdog", "brownout", "panic"]) {
        const decision = decideBoot(crashes, reason, 3);
        crashes = decision.crashes;
        modes.push(decision.mode);
      }
      assert.deepEqual(modes, ["normal", "normal", "safe", "safe"]);
    });

    it("starts counting again after a normal reset (power on, deliberate restart)", () => {
      assert.deepEqual(decideBoot(5, "power_on", 3), { mode: "normal", crashes: 0, resetReason: "power_on" });
      assert.equal(decideBoot(2, "software", 3).mode, "normal");
      assert.equal(decideBoot(2, "timer_watchdog", 3).mode, "safe");
      assert.ok(CRASH_RESETS.includes("timer_watchdog"));
    });

    it("keeps the count in its store, clears it once stable, and logs the decision", () => {
      const store = new MapStore();
      const log = new ListLog();
      const guard = new BootGuard({ store, log });
      for (let i = 0; i < 3; i++) guard.begin("panic");
      assert.equal(store.get("crashes"), "3");
      assert.equal(log.events.at(-1)?.level, "error");
      assert.equal(log.events.at(-1)?.fields?.mode, "safe");
      guard.markStable();
      assert.equal(store.get("crashes"), "0");
      assert.equal(new BootGuard({ store, log }).begin("panic").mode, "normal");
    });

    it("never blocks a normal start on a store that cannot write or holds garbage", () => {
      const store = new MapStore();
      store.entries.set("crashes", "many");
      store.failWrites = true;
      const log = new ListLog();
      const decision = new BootGuard({ store, log }).begin("panic");
      assert.equal(decision.mode, "normal");
      assert.ok(log.events.some((entry) => entry.event === "boot_count_not_saved"));
    });
  });

  describe("camera size", () => {
    it("takes the smallest sensor size that needs no enlarging", () => {
      const whole = { x: 0, y: 0, width: 1, height: 1 };
      assert.deepEqual(chooseFrameSize(whole, 96), { width: 160, height: 120 });
      assert.deepEqual(chooseFrameSize(whole, 192), { width: 320, height: 240 });
      assert.deepEqual(chooseFrameSize({ x: 0.25, y: 0.25, width: 0.5, height: 0.5 }, 192), { width: 640, height: 480 });
    });

    it("stops at the largest size allowed in memory", () => {
      const narrow = { x: 0.45, y: 0.45, width: 0.1, height: 0.1 };
      const size = chooseFrameSize(narrow, 192);
      assert.ok(size.width * size.height <= MAX_FRAME_PIXELS);
      assert.deepEqual(size, SENSOR_FRAME_SIZES.filter((s) => s.width * s.height <= MAX_FRAME_PIXELS).at(-1));
      assert.throws(() => chooseFrameSize(narrow, 192, 100), RangeError);
    });
  });

  describe("device id", () => {
    it("makes a config-valid device id from the Wi-Fi MAC", () => {
      const deviceId = deviceIdFromMac("A4:CF:12:0B:9E:01");
      assert.equal(deviceId, "eph-a4cf120b9e01");
      const config = parseConfig({ deviceId, site: "Test", collectorUrl: "https://collector.example", deviceToken: "0123456789abcdef0123" });
      assert.equal(config.deviceId, deviceId);
    });

    it("refuses a MAC that is not six bytes", () => {
      assert.throws(() => deviceIdFromMac("a4:cf:12"), RangeError);
    });
  });

  describe("collector CA", () => {
    it("turns each PEM certificate into its DER bytes, in order", () => {
      const [a, b] = pemCertificates(`${CA_A}\n${CA_B}\n`);
      assert.equal(a.byteLength, 402);
      assert.equal(b.byteLength, 403);
      assert.deepEqual([...new Uint8Array(a, 0, 4)], [0x30, 0x82, 0x01, 0x8e]);
      assert.ok(a instanceof ArrayBuffer);
    });

    it("refuses a text with no certificate or broken base64", () => {
      assert.throws(() => pemCertificates("not a certificate"), RangeError);
      assert.throws(() => pemCertificates("-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----"), RangeError);
    });
  });

  describe("safe-mode model", () => {
    it("has an id valid in batches and refuses to run", () => {
      const model = new IdleModel("safe-mode");
      const record = buildBatchRecord({ deviceId: "eph-a4cf120b9e01", site: "Test", start: 0, end: 20 * 60_000, masked: 10, unmasked: 0, modelId: model.id, firmwareVersion: DEVICE_SETTINGS.firmwareVersion });
      assert.deepEqual(batchRecordProblems(record), []);
      assert.throws(() => model.invoke(new Int8Array(96 * 96)), /not running/);
    });
  });

  describe("preview camera", () => {
    it("reads from the camera the app holds at the time of the request, and closes nothing", async () => {
      let closed = 0;
      const frame: GrayFrame = Object.freeze({ width: 2, height: 1, pixels: new Uint8Array([1, 2]) });
      const camera: Camera = { read: () => Promise.resolve(frame), close: () => closed++ };
      const app: { camera?: Camera } = {};
      const preview = new PreviewCamera(() => app.camera);
      await assert.rejects(preview.read(), /not running/);
      app.camera = camera;
      assert.equal(await preview.read(), frame);
      preview.close();
      assert.equal(closed, 0, "the app owns the camera");
    });
  });
});

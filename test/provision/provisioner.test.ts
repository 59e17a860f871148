import { strict as assert } from "node:assert";
import { formatLine } from "../../hosts/node/console-log.js";
import { improvCommandFrame, parseScanResult } from "../../src/provision/improv-codec.js";
import { IMPROV_CHARACTERISTIC, IMPROV_SERVICE_DATA_UUID16, IMPROV_SERVICE_UUID, ImprovError, ImprovState } from "../../src/provision/improv-protocol.js";
import { AUTHORIZATION_MS, CLOSE_AFTER_SUCCESS_MS, WINDOW_MS } from "../../src/provision/provisioner.js";
import { decodeRpcFrame, encodeRpcFrame } from "../../src/provision/rpc-frame.js";
import { PROVISION_KEYS, ProvisioningStore } from "../../src/provision/settings-store.js";
import { PreviewAssembler, parseSettingsStrings, vendorPayload } from "../../src/provision/vendor-codec.js";
import { VENDOR_CHARACTERISTIC, VendorCommand, VendorStatus } from "../../src/provision/vendor-protocol.js";
import { parseConfig } from "../../src/config/config.js";
import { MemoryLog } from "../support/memory-log.js";
import { settle } from "./fakes.js";
import { DEVICE_ID, GOOD_CA, OTHER_CA, TOKEN, WIFI_PASSWORD, improvError, improvResultStrings, improvState, makeRig, vendor, writeInPieces, type Rig } from "./harness.js";

async function joinWifi(rig: Rig, password = WIFI_PASSWORD): Promise<void> {
  writeInPieces(rig.ble, IMPROV_CHARACTERISTIC.rpcCommand, improvCommandFrame.sendWifiSettings({ ssid: "Hall-AP", password }));
  await settle();
}

async function sendVendorSettings(rig: Rig, ca = GOOD_CA): Promise<void> {
  const text = vendorPayload.text;
  assert.equal((await vendor(rig.ble, VendorCommand.setCollectorUrl, text("https://collector.example:8443"))).status, VendorStatus.ok);
  assert.equal((await vendor(rig.ble, VendorCommand.setDeviceToken, text(TOKEN))).status, VendorStatus.ok);
  assert.equal((await vendor(rig.ble, VendorCommand.setSite, text("Market hall, stall 4"))).status, VendorStatus.ok);
  assert.equal((await vendor(rig.ble, VendorCommand.setWindowMinutes, vendorPayload.windowMinutes(30))).status, VendorStatus.ok);
  assert.equal((await vendor(rig.ble, VendorCommand.setRoi, vendorPayload.roi({ x: 0.1, y: 0.2, width: 0.6, height: 0.5 }))).status, VendorStatus.ok);
  assert.equal((await vendor(rig.ble, VendorCommand.setCollectorCa, text(ca))).status, VendorStatus.ok);
}

/** Everything a log line could carry, as text. */
function logText(log: MemoryLog): string {
  return log.events.map((event) => formatLine(event.level, event.event, event.fields) + " " + JSON.stringify(event.fields ?? {})).join("\n");
}

describe("provision/provisioner", () => {
  it("opens the window on an unprovisioned board, advertising Improv with its service data", () => {
    const rig = makeRig();
    rig.provisioner.start();
    assert.ok(rig.ble.advertising);
    assert.deepEqual(rig.ble.advertisement?.serviceUuids, [IMPROV_SERVICE_UUID]);
    assert.equal(rig.ble.advertisement?.serviceData?.uuid16, IMPROV_SERVICE_DATA_UUID16);
    assert.deepEqual([...(rig.ble.advertisement?.serviceData?.data ?? [])], [ImprovState.authorizationRequired, 0x07, 0, 0, 0, 0]);
    assert.ok(rig.ble.connect());
    assert.equal(improvState(rig.ble), ImprovState.authorizationRequired);
    assert.equal(rig.ble.read(IMPROV_CHARACTERISTIC.capabilities)[0], 0x07);
  });

  it("happy path: button, scan, Wi-Fi, vendor settings, apply; then the window closes and settings are saved", async () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect({ secure: true, mtu: 247 });
    rig.ble.write(IMPROV_CHARACTERISTIC.rpcCommand, improvCommandFrame.deviceInfo());
    assert.deepEqual(improvResultStrings(rig.ble), ["Ephemera", "0.1.0", "test", "ephemera-test"]);
    rig.provisioner.pressButton();
    assert.equal(improvState(rig.ble), ImprovState.authorized);
    assert.equal(rig.ble.advertisement?.serviceData?.data[0], ImprovState.authorized);
    rig.ble.write(IMPROV_CHARACTERISTIC.rpcCommand, improvCommandFrame.scanNetworks());
    await settle();
    assert.deepEqual(parseScanResult(improvResultStrings(rig.ble) ?? [])?.map((n) => n.ssid), ["Hall-AP", "Cafe"]);
    await joinWifi(rig);
    assert.equal(improvState(rig.ble), ImprovState.provisioned);
    assert.equal(improvError(rig.ble), ImprovError.none);
    assert.deepEqual(improvResultStrings(rig.ble), []);
    await sendVendorSettings(rig);
    const settings = await vendor(rig.ble, VendorCommand.getSettings);
    const summary = parseSettingsStrings(settings.strings);
    assert.equal(summary?.site, "Market hall, stall 4");
    assert.equal(summary?.tokenSet, true);
    assert.equal(summary?.provisioned, false);
    assert.ok(!settings.strings.some((text) => text.includes(TOKEN)));
    assert.equal((await vendor(rig.ble, VendorCommand.apply)).status, VendorStatus.ok);
    assert.ok(rig.provisioner.status.windowOpen, "stays open long enough for the result to go out");
    rig.clock.advance(CLOSE_AFTER_SUCCESS_MS);
    assert.ok(!rig.provisioner.status.windowOpen);
    assert.ok(!rig.ble.advertising);
    assert.ok(!rig.ble.connected);
    assert.equal(rig.provisionedCalls, 1);
    assert.ok(rig.provisioner.provisioned);
    const saved = new ProvisioningStore(rig.store).vendor();
    assert.ok(saved);
    const config = parseConfig({ deviceId: DEVICE_ID, site: saved.site, collectorUrl: saved.collectorUrl, deviceToken: saved.deviceToken, windowMinutes: saved.windowMinutes, roi: saved.roi });
    assert.equal(config.windowMinutes, 30);
    assert.deepEqual(config.roi, { x: 0.1, y: 0.2, width: 0.6, height: 0.5 });
    assert.equal(saved.collectorCa, GOOD_CA);
  });

  it("settings survive a restart: a new provisioner on the same store keeps the window closed until the button", async () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect({ secure: true });
    rig.provisioner.pressButton();
    await joinWifi(rig);
    await sendVendorSettings(rig);
    await vendor(rig.ble, VendorCommand.apply);
    rig.clock.advance(CLOSE_AFTER_SUCCESS_MS);
    rig.provisioner.stop();

    const after = makeRig({ store: rig.store, clock: rig.clock });
    after.provisioner.start();
    assert.ok(after.provisioner.provisioned);
    assert.ok(!after.ble.advertising, "a provisioned board does not open the window by itself");
    assert.ok(!after.ble.connect());
    after.provisioner.pressButton();
    assert.ok(after.ble.advertising);
    assert.ok(after.ble.connect({ secure: true }));
    after.provisioner.pressButton();
    const summary = parseSettingsStrings((await vendor(after.ble, VendorCommand.getSettings)).strings);
    assert.equal(summary?.site, "Market hall, stall 4");
    assert.equal(summary?.wifiSsid, "Hall-AP");
    assert.equal(summary?.provisioned, true);
    assert.equal(new ProvisioningStore(after.store).wifi()?.password, WIFI_PASSWORD);
  });

  it("without the button: Wi-Fi settings and vendor commands are refused as not authorized", async () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect({ secure: true });
    await joinWifi(rig);
    assert.equal(improvError(rig.ble), ImprovError.notAuthorized);
    assert.equal(improvState(rig.ble), ImprovState.authorizationRequired);
    assert.equal(rig.wifi.joins, 0);
    assert.equal((await vendor(rig.ble, VendorCommand.setSite, vendorPayload.text("x"))).status, VendorStatus.notAuthorized);
    assert.equal((await vendor(rig.ble, VendorCommand.preview)).status, VendorStatus.notAuthorized);
    assert.equal(rig.camera.frames, 0);
    // A long transfer is refused at its first chunk.
    const before = rig.ble.notifications.length;
    assert.equal((await vendor(rig.ble, VendorCommand.setCollectorCa, vendorPayload.text(GOOD_CA))).status, VendorStatus.notAuthorized);
    assert.ok(rig.ble.on(VENDOR_CHARACTERISTIC.result, before).length >= 1);
  });

  it("authorization lapses 60 s after the press, and each authorized command renews it", async () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect({ secure: true });
    rig.provisioner.pressButton();
    rig.clock.advance(AUTHORIZATION_MS - 1);
    assert.equal(improvState(rig.ble), ImprovState.authorized);
    assert.equal((await vendor(rig.ble, VendorCommand.setSite, vendorPayload.text("Hall"))).status, VendorStatus.ok);
    rig.clock.advance(AUTHORIZATION_MS - 1);
    assert.equal(improvState(rig.ble), ImprovState.authorized);
    rig.clock.advance(1);
    assert.equal(improvState(rig.ble), ImprovState.authorizationRequired);
    assert.deepEqual(rig.ble.last(IMPROV_CHARACTERISTIC.currentState), Uint8Array.of(ImprovState.authorizationRequired));
    assert.equal((await vendor(rig.ble, VendorCommand.setSite, vendorPayload.text("Hall"))).status, VendorStatus.notAuthorized);
    assert.ok(rig.log.named("provisioning_authorization_lapsed").length === 1);
  });

  it("the window closes on timeout and reopens only from the button", () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect();
    rig.clock.advance(WINDOW_MS);
    assert.ok(!rig.provisioner.status.windowOpen);
    assert.ok(!rig.ble.advertising);
    assert.ok(!rig.ble.connected);
    assert.ok(!rig.ble.connect());
    rig.clock.advance(10 * WINDOW_MS);
    assert.ok(!rig.ble.advertising);
    rig.provisioner.pressButton();
    assert.ok(rig.ble.advertising);
    assert.ok(rig.ble.connect());
    assert.equal(improvState(rig.ble), ImprovState.authorized);
    assert.equal(rig.log.named("provisioning_window_closed")[0].fields?.reason, "timeout");
  });

  it("a wrong Wi-Fi password gives 'unable to connect' and leaves the board authorized", async () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect();
    rig.provisioner.pressButton();
    await joinWifi(rig, "wrong password");
    assert.equal(improvError(rig.ble), ImprovError.unableToConnect);
    assert.equal(improvState(rig.ble), ImprovState.authorized);
    assert.equal(new ProvisioningStore(rig.store).wifi(), undefined);
    await joinWifi(rig);
    assert.equal(improvState(rig.ble), ImprovState.provisioned);
  });

  it("vendor commands need an encrypted, bonded link", async () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect({ secure: false });
    rig.provisioner.pressButton();
    assert.equal((await vendor(rig.ble, VendorCommand.getSettings)).status, VendorStatus.linkNotSecure);
    assert.deepEqual(rig.ble.read(VENDOR_CHARACTERISTIC.result), new Uint8Array(0));
    rig.ble.handler?.onLinkSecured();
    assert.equal((await vendor(rig.ble, VendorCommand.getSettings)).status, VendorStatus.ok);
  });

  it("refuses a collector CA the collector does not chain to, and a malformed one, and keeps the window open", async () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect({ secure: true });
    rig.provisioner.pressButton();
    await joinWifi(rig);
    await sendVendorSettings(rig, OTHER_CA);
    const refused = await vendor(rig.ble, VendorCommand.apply);
    assert.equal(refused.status, VendorStatus.caRefused);
    assert.match(refused.strings[0], /does not chain/);
    assert.equal(new ProvisioningStore(rig.store).vendor(), undefined);
    const malformed = await vendor(rig.ble, VendorCommand.setCollectorCa, vendorPayload.text("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----"));
    assert.equal(malformed.status, VendorStatus.caRefused);
    assert.match(malformed.strings[0], /base64/);
    assert.ok(rig.provisioner.status.windowOpen);
    assert.equal((await vendor(rig.ble, VendorCommand.setCollectorCa, vendorPayload.text(GOOD_CA))).status, VendorStatus.ok);
    assert.equal((await vendor(rig.ble, VendorCommand.apply)).status, VendorStatus.ok);
  });

  it("names the config key src/config refuses", async () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect({ secure: true });
    rig.provisioner.pressButton();
    const window = await vendor(rig.ble, VendorCommand.setWindowMinutes, vendorPayload.windowMinutes(10));
    assert.equal(window.status, VendorStatus.badValue);
    assert.equal(window.strings[0], "windowMinutes");
    const url = await vendor(rig.ble, VendorCommand.setCollectorUrl, vendorPayload.text("http://plain.example"));
    assert.deepEqual([url.status, url.strings[0]], [VendorStatus.badValue, "collectorUrl"]);
    const token = await vendor(rig.ble, VendorCommand.setDeviceToken, vendorPayload.text("short"));
    assert.deepEqual([token.status, token.strings[0]], [VendorStatus.badValue, "deviceToken"]);
    const roi = await vendor(rig.ble, VendorCommand.setRoi, vendorPayload.roi({ x: 0.5, y: 0, width: 0.6, height: 1 }));
    assert.deepEqual([roi.status, roi.strings[0]], [VendorStatus.badValue, "roi.width"]);
    const missing = await vendor(rig.ble, VendorCommand.apply);
    assert.deepEqual([missing.status, missing.strings[0]], [VendorStatus.badValue, "collectorUrl"]);
  });

  it("apply needs Wi-Fi first", async () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect({ secure: true });
    rig.provisioner.pressButton();
    await sendVendorSettings(rig);
    assert.equal((await vendor(rig.ble, VendorCommand.apply)).status, VendorStatus.notReady);
  });

  it("sends one preview frame of at most 96x96 with the face blurred, in chunks, only while the window is open", async () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect({ secure: true, mtu: 23 });
    rig.provisioner.pressButton();
    const before = rig.ble.notifications.length;
    const result = await vendor(rig.ble, VendorCommand.preview);
    assert.equal(result.status, VendorStatus.ok);
    assert.deepEqual(result.strings, ["96", "72", "1"]);
    const chunks = rig.ble.on(VENDOR_CHARACTERISTIC.preview, before);
    assert.ok(chunks.length > 100, "small MTU: many chunks");
    assert.ok(chunks.every((chunk) => chunk.length <= 20));
    const assembler = new PreviewAssembler();
    let image;
    for (const chunk of chunks) {
      const decoded = decodeRpcFrame(chunk);
      assert.ok(decoded.ok);
      image = assembler.push(decoded.frame) ?? image;
    }
    assert.ok(image);
    assert.ok(image.width <= 96 && image.height <= 96);
    // The face (250 on a 40..62 background) is blurred: nothing near 250 is left around its center.
    const center = image.pixels[36 * 96 + 48];
    assert.ok(center < 200, `center ${center}`);
    assert.ok(Math.max(...image.pixels) < 200);
    assert.ok(rig.camera.lastFrame?.pixels.every((value) => value === 0), "the full frame is wiped");
    rig.clock.advance(WINDOW_MS);
    assert.throws(() => rig.ble.write(VENDOR_CHARACTERISTIC.command, new Uint8Array(3)));
    assert.equal(rig.camera.frames, 1);
  });

  it("invalid RPC packets give error 1, unknown commands error 2, and an oversize write is refused", () => {
    const rig = makeRig();
    rig.provisioner.start();
    rig.ble.connect();
    const bad = improvCommandFrame.deviceInfo();
    bad[2] ^= 0xff;
    rig.ble.write(IMPROV_CHARACTERISTIC.rpcCommand, bad);
    assert.equal(improvError(rig.ble), ImprovError.invalidRpc);
    rig.ble.write(IMPROV_CHARACTERISTIC.rpcCommand, encodeRpcFrame(0x09));
    assert.equal(improvError(rig.ble), ImprovError.unknownRpc);
    rig.ble.write(IMPROV_CHARACTERISTIC.rpcCommand, new Uint8Array(300));
    assert.equal(improvError(rig.ble), ImprovError.invalidRpc);
    rig.ble.write(IMPROV_CHARACTERISTIC.rpcCommand, improvCommandFrame.identify());
    assert.equal(improvError(rig.ble), ImprovError.none);
  });

  it("never logs the Wi-Fi password, the device token or the CA", async () => {
    const log = new MemoryLog();
    const rig = makeRig({ log });
    rig.provisioner.start();
    rig.ble.connect({ secure: true });
    rig.provisioner.pressButton();
    await joinWifi(rig, "wrong password");
    await joinWifi(rig);
    await sendVendorSettings(rig, OTHER_CA);
    await vendor(rig.ble, VendorCommand.apply);
    await vendor(rig.ble, VendorCommand.setCollectorCa, vendorPayload.text(GOOD_CA));
    await vendor(rig.ble, VendorCommand.apply);
    rig.clock.advance(CLOSE_AFTER_SUCCESS_MS);
    const text = logText(log);
    assert.ok(log.events.length > 10);
    for (const secret of [WIFI_PASSWORD, "wrong password", TOKEN, GOOD_CA.split("\n")[1], OTHER_CA.split("\n")[1]]) {
      assert.ok(!text.includes(secret), `log holds a secret: ${secret}`);
    }
    assert.ok(rig.store.get(PROVISION_KEYS.wifi)?.includes(WIFI_PASSWORD), "the store does hold it (it must, to join)");
  });
});

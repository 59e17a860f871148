import { strict as assert } from "node:assert";
import {
  decodeStringList,
  decodeWifiCredentials,
  encodeStringList,
  encodeWifiCredentials,
  improvCommandFrame,
  parseDeviceInfo,
  parseScanResult,
  scanResultStrings,
  deviceInfoStrings,
} from "../../src/provision/improv-codec.js";
import { IMPROV_CHARACTERISTIC, IMPROV_SERVICE_UUID, ImprovCommand, ImprovError, ImprovState, improvErrorName, improvStateName } from "../../src/provision/improv-protocol.js";
import { decodeRpcFrame } from "../../src/provision/rpc-frame.js";

describe("provision/improv-codec", () => {
  it("uses the published UUIDs, states and error codes", () => {
    assert.equal(IMPROV_SERVICE_UUID, "00467768-6228-2272-4663-277478268000");
    assert.deepEqual(Object.values(IMPROV_CHARACTERISTIC).map((uuid) => uuid.slice(-4)), ["8001", "8002", "8003", "8004", "8005"]);
    assert.deepEqual([ImprovState.authorizationRequired, ImprovState.authorized, ImprovState.provisioning, ImprovState.provisioned], [1, 2, 3, 4]);
    assert.deepEqual([ImprovError.none, ImprovError.invalidRpc, ImprovError.unknownRpc, ImprovError.unableToConnect, ImprovError.notAuthorized, ImprovError.unknown], [0, 1, 2, 3, 4, 0xff]);
    assert.equal(improvStateName(4), "provisioned");
    assert.equal(improvErrorName(3), "unable to connect");
    assert.match(improvErrorName(9), /unknown error 0x9/);
  });

  it("encodes send-Wi-Fi-settings as in the spec's example", () => {
    const frame = improvCommandFrame.sendWifiSettings({ ssid: "MyWirelessAP", password: "mysecurepassword" });
    const expected = Buffer.concat([Buffer.from([0x01, 0x1e, 0x0c]), Buffer.from("MyWirelessAP"), Buffer.from([0x10]), Buffer.from("mysecurepassword")]);
    assert.deepEqual(Buffer.from(frame.subarray(0, frame.length - 1)), expected);
    const decoded = decodeRpcFrame(frame);
    assert.ok(decoded.ok);
    assert.deepEqual(decodeWifiCredentials(decoded.frame.data), { ssid: "MyWirelessAP", password: "mysecurepassword" });
  });

  it("round-trips UTF-8 SSIDs, open networks and the longest passphrase", () => {
    for (const credentials of [{ ssid: "Café ☕", password: "" }, { ssid: "x".repeat(32), password: "p".repeat(64) }]) {
      assert.deepEqual(decodeWifiCredentials(encodeWifiCredentials(credentials)), credentials);
    }
  });

  it("refuses malformed Wi-Fi data", () => {
    const cases: number[][] = [
      [], [0], [0, 0], [1, 0x41], [1, 0x41, 1], [2, 0x41, 0x42, 0, 9], [33, ...new Array(33).fill(0x41), 0],
      [1, 0x41, 65, ...new Array(65).fill(0x41)], [1, 0xff, 0],
    ];
    for (const bytes of cases) assert.equal(decodeWifiCredentials(Uint8Array.from(bytes)), undefined, JSON.stringify(bytes));
    assert.throws(() => encodeWifiCredentials({ ssid: "", password: "" }), RangeError);
    assert.throws(() => encodeWifiCredentials({ ssid: "a", password: "p".repeat(65) }), RangeError);
  });

  it("encodes result string lists and refuses one over 255 bytes", () => {
    const strings = ["Ephemera", "0.1.0", "ESP32-S3", "Doorway 3"];
    assert.deepEqual(decodeStringList(encodeStringList(strings)), strings);
    assert.deepEqual(decodeStringList(new Uint8Array(0)), []);
    assert.equal(decodeStringList(Uint8Array.of(5, 0x41)), undefined);
    assert.throws(() => encodeStringList(["x".repeat(200), "y".repeat(60)]), RangeError);
  });

  it("device info: four strings in the spec's order", () => {
    const info = { firmwareName: "Ephemera", firmwareVersion: "0.1.0", hardware: "ESP32-S3", deviceName: "ephemera-a1" };
    assert.deepEqual(deviceInfoStrings(info), ["Ephemera", "0.1.0", "ESP32-S3", "ephemera-a1"]);
    assert.deepEqual(parseDeviceInfo(deviceInfoStrings(info)), info);
    assert.equal(parseDeviceInfo(["a"]), undefined);
  });

  it("scan results: strongest first, one entry per SSID, as many as fit one result", () => {
    const networks = Array.from({ length: 40 }, (_, i) => ({ ssid: `network-${String(i).padStart(2, "0")}`, rssi: -40 - i, auth: "WPA2" }));
    networks.push({ ssid: "network-05", rssi: -10, auth: "WPA2" });
    const strings = scanResultStrings(networks);
    assert.equal(strings.length % 3, 0);
    assert.ok(encodeStringList(strings).length <= 255);
    const parsed = parseScanResult(strings);
    assert.ok(parsed);
    assert.deepEqual(parsed[0], { ssid: "network-05", rssi: -10, auth: "WPA2" });
    assert.equal(new Set(parsed.map((n) => n.ssid)).size, parsed.length);
    for (let i = 1; i < parsed.length; i++) assert.ok(parsed[i - 1].rssi >= parsed[i].rssi);
    assert.equal(parseScanResult(["a", "b"]), undefined);
    assert.equal(parseScanResult(["a", "loud", "WPA"]), undefined);
  });

  it("builds the no-data commands", () => {
    assert.deepEqual([...improvCommandFrame.identify()], [ImprovCommand.identify, 0, ImprovCommand.identify]);
    assert.deepEqual([...improvCommandFrame.deviceInfo()], [3, 0, 3]);
    assert.deepEqual([...improvCommandFrame.scanNetworks()], [4, 0, 4]);
  });
});

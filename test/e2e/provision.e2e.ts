import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { Collector } from "../../collector/server.js";
import { ConsoleLog } from "../../hosts/node/console-log.js";
import { FileStore } from "../../hosts/node/file-store.js";
import { PinnedHttps } from "../../hosts/node/pinned-https.js";
import { DesktopWifi } from "../../hosts/node/provisioning/desktop-wifi.js";
import { readProvisionedDevice } from "../../hosts/node/provisioning/provisioned-device.js";
import { startProvisioningHost, type ProvisioningHost } from "../../hosts/node/provisioning/provisioning-host.js";
import { TlsCollectorCheck } from "../../hosts/node/provisioning/tls-collector-check.js";
import { SimulatedClock } from "../../hosts/node/sim-clock.js";
import { buildBatchRecord } from "../../src/batch/build-record.js";
import { parseConfig } from "../../src/config/config.js";
import { Ephemera } from "../../src/app/ephemera.js";
import { DetectorFaceFinder } from "../../src/provision/detector-face-finder.js";
import { AimingPreview, type PreviewShot, type PreviewSource } from "../../src/provision/preview.js";
import { AUTHORIZATION_MS, CLOSE_AFTER_SUCCESS_MS, WINDOW_MS } from "../../src/provision/provisioner.js";
import type { Camera, GrayFrame } from "../../src/interfaces/index.js";
import { IMPROV_SERVICE_UUID } from "../../src/provision/improv-protocol.js";
import { VENDOR_SERVICE_UUID } from "../../src/provision/vendor-protocol.js";
import { StandInModel, drawFace } from "../support/stand-in-model.js";
import { fakeWebBluetoothScript } from "./fake-web-bluetooth.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ARTIFACTS = join(ROOT, "artifacts", "e2e");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"];

const DEVICE_ID = "e2e-cam-01";
const NETWORKS = [
  { ssid: "Ephemera-Lab", rssi: -41, auth: "WPA2", password: "lab-pass-7d2c91" },
  { ssid: "Market-Guest", rssi: -63, auth: "NO", password: "" },
];
const WRONG_PASSWORD = "not-the-password-55";
/** Two marker "faces" where the scene has them (frame pixels). */
const FACES = [{ x: 90, y: 110, size: 24 }, { x: 230, y: 120, size: 24 }];

/** A camera whose every frame is the same scene: textured background with two marker faces (see StandInModel). */
class SceneCamera implements Camera {
  async read(): Promise<GrayFrame> {
    const width = 320, height = 240;
    const pixels = new Uint8Array(width * height);
    for (let i = 0; i < pixels.length; i++) pixels[i] = 40 + ((i * 7919) % 23) + ((i % width) >> 4);
    for (const face of FACES) drawFace(pixels, width, height, face.x, face.y, face.size, "mask");
    return { width, height, pixels };
  }
  close(): void {}
}

/** Keeps what the device sent, to check it on this side. */
class RecordingPreview implements PreviewSource {
  shots: PreviewShot[] = [];
  constructor(readonly inner: PreviewSource) {}
  async capture(): Promise<PreviewShot> {
    const shot = await this.inner.capture();
    this.shots.push(shot);
    return shot;
  }
}

/** Waits until an input has a value (the page's CSP forbids string predicates, and this file has no DOM types). */
async function waitForValue(page: Page, selector: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if ((await page.inputValue(selector)) !== "") return;
    await page.waitForTimeout(100);
  }
  throw new Error(`${selector} stayed empty`);
}

interface Rig {
  readonly host: ProvisioningHost;
  readonly clock: SimulatedClock;
  readonly storePath: string;
  readonly preview: RecordingPreview;
}

describe("companion page provisions the desktop host (headless Chromium)", function () {
  let browser: Browser;
  let folder: string;
  let collector: Collector;
  let otherCollector: Collector;
  let deviceToken: string;
  /** Every line the hosts logged and every console message of the pages. */
  const logLines: string[] = [];
  const rigs: Rig[] = [];

  before(async function () {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    folder = mkdtempSync(join(tmpdir(), "ephemera-e2e-"));
    collector = await Collector.start({ dataDir: join(folder, "collector") });
    otherCollector = await Collector.start({ dataDir: join(folder, "other-collector") });
    deviceToken = collector.database.registerDevice(DEVICE_ID);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  after(async function () {
    for (const rig of rigs) await rig.host.close();
    await browser?.close();
    await collector?.close();
    await otherCollector?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function startHost(storePath = join(mkdtempSync(join(folder, "device-")), "store.json")): Promise<Rig> {
    const clock = new SimulatedClock(Date.UTC(2026, 2, 2, 9));
    const preview = new RecordingPreview(new AimingPreview({ camera: new SceneCamera(), faces: new DetectorFaceFinder({ model: new StandInModel({ withSize: true }) }) }));
    const host = await startProvisioningHost({
      store: new FileStore(storePath),
      log: new ConsoleLog({ level: "debug", write: (line) => logLines.push(line) }),
      clock,
      wifi: new DesktopWifi({ networks: NETWORKS, joinDelayMs: 200 }),
      collector: new TlsCollectorCheck({ timeoutMs: 5_000 }),
      deviceId: DEVICE_ID,
      deviceInfo: { firmwareName: "Ephemera", firmwareVersion: "0.1.0", hardware: "desktop", deviceName: DEVICE_ID },
      preview,
      siteRoot: join(ROOT, "build", "site"),
    });
    const rig = { host, clock, storePath, preview };
    rigs.push(rig);
    return rig;
  }

  async function stopHost(rig: Rig): Promise<void> {
    await rig.host.close();
    rigs.splice(rigs.indexOf(rig), 1);
  }

  async function openPage(rig: Rig, initScript?: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 900, height: 1500 } });
    if (initScript !== undefined) await page.addInitScript({ content: initScript });
    page.setDefaultTimeout(10_000);
    page.on("console", (message) => logLines.push(`page console: ${message.text()}`));
    page.on("pageerror", (error) => logLines.push(`page error: ${error.message}`));
    await page.goto(`${rig.host.url}/`);
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  async function pressButton(rig: Rig): Promise<void> {
    const response = await fetch(`${rig.host.url}/button`, { method: "POST" });
    assert.equal(response.status, 200);
  }

  async function connect(page: Page, state = "authorization-required"): Promise<void> {
    await page.click("#connect-bridge");
    await page.waitForSelector(`body[data-state="${state}"]`);
    await page.waitForSelector("#device-info:not([hidden])");
  }

  async function joinWifi(page: Page, password: string): Promise<void> {
    await page.click("#scan");
    await page.locator("#networks option").nth(1).waitFor({ state: "attached" });
    await page.selectOption("#networks", "Ephemera-Lab");
    await page.fill("#wifi-password", password);
    await page.click("#send-wifi");
  }

  it("happy path: button, scan, Wi-Fi, collector settings, preview with faces blurred, ROI drawn, saved; the window closes", async function () {
    const rig = await startHost();
    const page = await openPage(rig);
    assert.equal(await page.title(), "Ephemera companion");
    await shot(page, "happy-01-page");
    await connect(page);
    assert.match((await page.textContent("#state")) ?? "", /press the button/);
    assert.equal(await page.textContent("#info-name"), DEVICE_ID);
    await shot(page, "happy-02-waiting-for-button");

    await pressButton(rig);
    await page.waitForSelector('body[data-state="authorized"]');
    await shot(page, "happy-03-authorized");

    await joinWifi(page, NETWORKS[0].password);
    await page.waitForSelector('body[data-state="provisioned"]');
    await page.locator("#messages").filter({ hasText: "joined" }).waitFor();
    await shot(page, "happy-04-wifi-joined");

    await page.fill("#collector-url", collector.url);
    await page.fill("#collector-ca", collector.caCertPem);
    await page.fill("#device-token", deviceToken);
    await page.fill("#site", "Market hall, stall 4");
    await page.fill("#window-minutes", "30");
    await page.click("#get-preview");
    await page.waitForSelector('body[data-preview="shown"]');
    assert.match((await page.textContent("#preview-info")) ?? "", /Preview 96×72, 2 faces blurred/);
    const box = await page.locator("#preview-canvas").boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.8, { steps: 5 });
    await page.mouse.up();
    const drawn = /x (\d+)%, y (\d+)%, (\d+)% × (\d+)%/.exec((await page.textContent("#roi")) ?? "");
    assert.ok(drawn, "the page shows the region drawn");
    [10, 20, 80, 60].forEach((expected, index) => assert.ok(Math.abs(Number(drawn[index + 1]) - expected) <= 1, `ROI ${drawn[0]}`));
    await shot(page, "happy-05-preview-and-roi");

    await page.click("#apply");
    await page.locator("#result").filter({ hasText: /^Settings saved/ }).waitFor();
    await shot(page, "happy-06-saved");
    rig.clock.advance(CLOSE_AFTER_SUCCESS_MS);
    await page.waitForSelector('body[data-state="disconnected"]');
    await shot(page, "happy-07-window-closed");
    assert.ok(!rig.host.provisioner.status.windowOpen);
    assert.ok(rig.host.provisioner.provisioned);

    // The preview that left the device: one coarse frame, both faces blurred (the markers were 255 on a dark background).
    assert.equal(rig.preview.shots.length, 1);
    const { image, faces } = rig.preview.shots[0];
    assert.equal(faces, 2);
    assert.ok(image.width <= 96 && image.height <= 96);
    assert.ok(Math.max(...image.pixels) < 200, `brightest preview pixel ${Math.max(...image.pixels)}`);

    // The settings configure the desktop host: the core starts with them, and the uplink's
    // pinned HTTPS with the provisioned CA and token delivers a batch to the collector.
    const device = readProvisionedDevice(new FileStore(rig.storePath), DEVICE_ID);
    assert.ok(device);
    const config = parseConfig(device.config);
    assert.equal(config.site, "Market hall, stall 4");
    assert.equal(config.windowMinutes, 30);
    assert.equal(config.collectorUrl, collector.url);
    for (const [key, expected] of Object.entries({ x: 0.1, y: 0.2, width: 0.8, height: 0.6 })) {
      assert.ok(Math.abs(config.roi[key as keyof typeof config.roi] - expected) < 0.02, `roi.${key} ${config.roi[key as keyof typeof config.roi]}`);
    }
    const core = new Ephemera({
      config: device.config, model: new StandInModel(), clock: rig.clock, store: new FileStore(rig.storePath),
      https: new PinnedHttps({ ca: device.collectorCa }), log: { write() {} }, firmwareVersion: "0.1.0",
    });
    core.close();
    const windowMs = config.windowMinutes * 60_000;
    const record = buildBatchRecord({ deviceId: DEVICE_ID, site: config.site, start: 0, end: windowMs, masked: 12, unmasked: 3, modelId: "stand-in-test-model@0", firmwareVersion: "0.1.0" });
    const posted = await new PinnedHttps({ ca: device.collectorCa }).post({
      url: `${config.collectorUrl}/v1/batches`,
      headers: { authorization: `Bearer ${config.deviceToken}`, "content-type": "application/json" },
      body: JSON.stringify(record),
      timeoutMs: 5_000,
    });
    assert.equal(posted.status, 201, posted.body);
    await page.close();

    // Settings survive a restart: a new host on the same store starts with the window closed.
    await stopHost(rig);
    const restarted = await startHost(rig.storePath);
    assert.ok(restarted.host.provisioner.provisioned);
    assert.ok(!restarted.host.provisioner.status.windowOpen);
    const again = await openPage(restarted);
    await again.click("#connect-bridge");
    await again.locator("#messages").filter({ hasText: "No device found" }).waitFor();
    await shot(again, "restart-01-window-closed");
    await pressButton(restarted);
    await connect(again, "authorized");
    await again.click("#load-settings");
    await waitForValue(again, "#site");
    assert.equal(await again.inputValue("#site"), "Market hall, stall 4");
    assert.equal(await again.inputValue("#collector-url"), collector.url);
    assert.equal(await again.inputValue("#window-minutes"), "30");
    assert.match((await again.textContent("#ca-held")) ?? "", /holds a collector CA/);
    await shot(again, "restart-02-settings-loaded");
    await again.close();
  });

  it("no button press: the device refuses the Wi-Fi settings and the vendor settings", async function () {
    const rig = await startHost();
    const page = await openPage(rig);
    await connect(page);
    await page.fill("#ssid", "Ephemera-Lab");
    await page.fill("#wifi-password", NETWORKS[0].password);
    await page.click("#send-wifi");
    await page.locator("#messages").filter({ hasText: "Not authorized" }).waitFor();
    assert.match((await page.textContent("#improv-error")) ?? "", /not authorized/);
    assert.equal(await page.getAttribute("body", "data-state"), "authorization-required");
    await page.fill("#site", "Somewhere");
    await page.click("#apply");
    await page.locator("#result").filter({ hasText: /^Not authorized/ }).waitFor();
    await shot(page, "no-button-refused");
    assert.ok(!rig.host.provisioner.provisioned);
    assert.equal(new FileStore(rig.storePath).keys().length, 0, "nothing saved");
    await page.close();
    await stopHost(rig);
  });

  it("timeout: authorization lapses after 60 s, then the window closes and the page cannot reconnect", async function () {
    const rig = await startHost();
    const page = await openPage(rig);
    await connect(page);
    await pressButton(rig);
    await page.waitForSelector('body[data-state="authorized"]');
    rig.clock.advance(AUTHORIZATION_MS);
    await page.waitForSelector('body[data-state="authorization-required"]');
    await shot(page, "timeout-01-authorization-lapsed");
    rig.clock.advance(WINDOW_MS - AUTHORIZATION_MS);
    await page.waitForSelector('body[data-state="disconnected"]');
    await shot(page, "timeout-02-window-closed");
    await page.click("#connect-bridge");
    await page.locator("#messages").filter({ hasText: "No device found" }).waitFor();
    await shot(page, "timeout-03-no-device");
    assert.ok(!rig.host.provisioner.status.windowOpen);
    await page.close();
    await stopHost(rig);
  });

  it("wrong Wi-Fi password: 'unable to connect', still authorized, nothing saved", async function () {
    const rig = await startHost();
    const page = await openPage(rig);
    await connect(page);
    await pressButton(rig);
    await page.waitForSelector('body[data-state="authorized"]');
    await joinWifi(page, WRONG_PASSWORD);
    await page.locator("#messages").filter({ hasText: "Unable to connect" }).waitFor();
    assert.match((await page.textContent("#improv-error")) ?? "", /unable to connect/);
    await page.waitForSelector('body[data-state="authorized"]');
    await shot(page, "wrong-password");
    assert.equal(new FileStore(rig.storePath).get("pv.wifi"), undefined);
    await page.close();
    await stopHost(rig);
  });

  it("refused collector CA: the collector's certificate does not verify against it; nothing saved, window stays open", async function () {
    const rig = await startHost();
    const page = await openPage(rig);
    await connect(page);
    await pressButton(rig);
    await page.waitForSelector('body[data-state="authorized"]');
    await joinWifi(page, NETWORKS[0].password);
    await page.waitForSelector('body[data-state="provisioned"]');
    await page.fill("#collector-url", collector.url);
    await page.fill("#collector-ca", otherCollector.caCertPem);
    await page.fill("#device-token", deviceToken);
    await page.fill("#site", "Bus 42");
    await page.click("#apply");
    await page.locator("#result").filter({ hasText: /^Collector CA refused/ }).waitFor();
    assert.match((await page.textContent("#result")) ?? "", /does not verify against this CA/);
    await shot(page, "refused-ca");
    assert.ok(rig.host.provisioner.status.windowOpen);
    assert.ok(!rig.host.provisioner.provisioned);
    assert.equal(new FileStore(rig.storePath).get("pv.cfg"), undefined);
    await page.close();
    await stopHost(rig);
  });

  it("Web Bluetooth transport: the page asks for Improv devices and provisions through the same device code", async function () {
    const rig = await startHost();
    const page = await openPage(rig, fakeWebBluetoothScript({ hideVendor: false, vendorService: VENDOR_SERVICE_UUID }));
    await page.click("#connect-bluetooth");
    await page.waitForSelector('body[data-state="authorization-required"]');
    assert.match((await page.textContent("#connection")) ?? "", /\(Bluetooth\)/);
    const requests = await page.evaluate("window.__bluetoothRequests");
    assert.deepEqual(requests, [{ filters: [{ services: [IMPROV_SERVICE_UUID] }], optionalServices: [VENDOR_SERVICE_UUID] }]);
    await pressButton(rig);
    await page.waitForSelector('body[data-state="authorized"]');
    await joinWifi(page, NETWORKS[0].password);
    await page.waitForSelector('body[data-state="provisioned"]');
    await page.click("#get-preview");
    await page.waitForSelector('body[data-preview="shown"]');
    await shot(page, "web-bluetooth-provisioned");
    await page.close();
    await stopHost(rig);
  });

  it("any Improv device: without Ephemera's service the page sets the Wi-Fi only", async function () {
    const rig = await startHost();
    const page = await openPage(rig, fakeWebBluetoothScript({ hideVendor: true, vendorService: VENDOR_SERVICE_UUID }));
    await page.click("#connect-bluetooth");
    await page.waitForSelector('body[data-state="authorization-required"]');
    await page.waitForSelector("#vendor-note:not([hidden])");
    assert.ok(await page.isDisabled("#apply"));
    assert.ok(await page.isDisabled("#get-preview"));
    await pressButton(rig);
    await page.waitForSelector('body[data-state="authorized"]');
    await joinWifi(page, NETWORKS[0].password);
    await page.waitForSelector('body[data-state="provisioned"]');
    await shot(page, "improv-only-device");
    assert.equal(new FileStore(rig.storePath).get("pv.cfg"), undefined);
    await page.close();
    await stopHost(rig);
  });

  it("no credential ever appears in the hosts' logs or the pages' console", function () {
    assert.ok(logLines.some((line) => line.includes("provisioning_wifi_joined")), "the log was captured");
    const text = logLines.join("\n");
    const caBodies = [collector.caCertPem, otherCollector.caCertPem].map((pem) => pem.split("\n")[1]);
    for (const secret of [NETWORKS[0].password, WRONG_PASSWORD, deviceToken, ...caBodies]) {
      assert.ok(!text.includes(secret), `a credential reached the log: ${secret.slice(0, 4)}…`);
    }
  });
});

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { AimingPreview } from "../../../src/provision/preview.js";
import { DetectorFaceFinder } from "../../../src/provision/detector-face-finder.js";
import { ConsoleLog } from "../console-log.js";
import { FileStore } from "../file-store.js";
import { ImageCamera, listImages } from "../image-camera.js";
import { loadModel } from "../interpreter/index.js";
import { DesktopWifi, type DesktopNetwork } from "./desktop-wifi.js";
import { readProvisionedDevice } from "./provisioned-device.js";
import { startProvisioningHost } from "./provisioning-host.js";
import { SystemClock } from "./system-clock.js";
import { TlsCollectorCheck } from "./tls-collector-check.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export const PROVISION_USAGE = `Usage: npm run provision -- [options]

Runs the desktop host's provisioning side: the Improv and vendor GATT services
behind a local bridge, and the companion page at http://127.0.0.1:PORT/.
Press "b" (or POST /button) for the board's button; "q" quits.

Options:
  --store FILE       the device store (default .data/device/store.json)
  --port N           bridge and page port (default 8377)
  --device-id ID     the board's id (default desktop-cam-1)
  --wifi SSID=PASS   a network the desktop pretends to see (repeatable; default: a small
                     made-up list, see hosts/node/provisioning/README.md)
  --frames DIR       images for the aiming preview (default ../shared/data/face-mask)
  --model FILE       the mask model that finds faces to blur in the preview
                     (default models/mask-model.tflite; without a model there is no preview)
  -h, --help         this text`;

/** Made-up networks for the desktop stand-in; the passwords are documented in the README, never logged. */
const DEFAULT_NETWORKS: readonly DesktopNetwork[] = Object.freeze([
  { ssid: "Ephemera-Lab", rssi: -41, auth: "WPA2", password: "lab-password-1" },
  { ssid: "Market-Guest", rssi: -63, auth: "NO", password: "" },
  { ssid: "Stall-Office", rssi: -77, auth: "WPA3", password: "office-password-9" },
]);

function parseNetworks(values: readonly string[]): DesktopNetwork[] {
  return values.map((value, index) => {
    const at = value.indexOf("=");
    if (at < 1) throw new Error(`--wifi ${JSON.stringify(value.slice(0, at < 0 ? undefined : at))}: expected SSID=PASSWORD`);
    return { ssid: value.slice(0, at), password: value.slice(at + 1), rssi: -45 - index * 8, auth: at === value.length - 1 ? "NO" : "WPA2" };
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      store: { type: "string" },
      port: { type: "string" },
      "device-id": { type: "string" },
      wifi: { type: "string", multiple: true },
      frames: { type: "string" },
      model: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(PROVISION_USAGE);
    return 0;
  }
  const log = new ConsoleLog({ level: "info" });
  const storePath = resolve(values.store ?? join(ROOT, ".data", "device", "store.json"));
  const store = new FileStore(storePath);
  const deviceId = values["device-id"] ?? "desktop-cam-1";
  const modelPath = resolve(values.model ?? join(ROOT, "models", "mask-model.tflite"));
  const framesFolder = resolve(values.frames ?? join(ROOT, "..", "shared", "data", "face-mask"));
  let preview: AimingPreview | undefined;
  if (existsSync(modelPath) && existsSync(framesFolder)) {
    const model = loadModel(new Uint8Array(readFileSync(modelPath)), { name: "mask-model" });
    preview = new AimingPreview({ camera: new ImageCamera({ files: listImages(framesFolder), log }), faces: new DetectorFaceFinder({ model }) });
  } else {
    log.write("warn", "preview_off", { reason: existsSync(modelPath) ? "no frames folder" : "no model: faces could not be blurred" });
  }
  const host = await startProvisioningHost({
    store,
    log,
    clock: new SystemClock(),
    wifi: new DesktopWifi({ networks: values.wifi ? parseNetworks(values.wifi) : DEFAULT_NETWORKS }),
    collector: new TlsCollectorCheck(),
    deviceId,
    deviceInfo: { firmwareName: "Ephemera", firmwareVersion: packageVersion(), hardware: "desktop", deviceName: deviceId },
    preview,
    siteRoot: join(ROOT, "build", "site"),
    port: values.port === undefined ? 8377 : Number(values.port),
    onProvisioned: () => {
      const device = readProvisionedDevice(store, deviceId);
      log.write("info", "provisioned", { store: storePath, site: String(device?.config.site ?? ""), wifi: device?.wifiSsid ?? "" });
    },
  });
  console.log(`Companion page: ${host.url}/   (press "b" for the button, "q" to quit)`);
  await new Promise<void>((done) => {
    const quit = () => {
      process.stdin.setRawMode?.(false);
      process.stdin.pause();
      done();
    };
    process.once("SIGINT", quit);
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on("data", (key: Buffer) => {
        const char = key.toString();
        if (char === "b" || char === "B") host.pressButton();
        if (char === "q" || char === "\u0003") quit();
      });
    }
  });
  await host.close();
  return 0;
}

function packageVersion(): string {
  const json = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version?: unknown };
  return typeof json.version === "string" ? json.version : "0.0.0";
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`provision: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

import { ImprovError, ImprovState, improvErrorName } from "../src/provision/improv-protocol.js";
import type { WifiNetwork } from "../src/provision/improv-codec.js";
import type { RoiFractions } from "../src/provision/vendor-codec.js";
import { VendorStatus } from "../src/provision/vendor-protocol.js";
import { BridgeTransport } from "./bridge-transport.js";
import { ImprovClient, ImprovFailure } from "./improv-client.js";
import { RoiEditor } from "./roi-editor.js";
import type { GattTransport } from "./transport.js";
import { VendorClient, VendorFailure } from "./vendor-client.js";
import { WebBluetoothTransport, browserBluetooth } from "./web-bluetooth-transport.js";

// The page never writes the Wi-Fi password, the token or the CA anywhere but to the device.

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`companion: #${id} is missing`);
  return found as T;
}

const ui = {
  connectBluetooth: element<HTMLButtonElement>("connect-bluetooth"),
  connectBridge: element<HTMLButtonElement>("connect-bridge"),
  disconnect: element<HTMLButtonElement>("disconnect"),
  bluetoothNote: element<HTMLParagraphElement>("bluetooth-note"),
  connection: element<HTMLParagraphElement>("connection"),
  state: element<HTMLParagraphElement>("state"),
  improvError: element<HTMLParagraphElement>("improv-error"),
  deviceInfo: element<HTMLElement>("device-info"),
  infoFirmware: element<HTMLElement>("info-firmware"),
  infoHardware: element<HTMLElement>("info-hardware"),
  infoName: element<HTMLElement>("info-name"),
  identify: element<HTMLButtonElement>("identify"),
  scan: element<HTMLButtonElement>("scan"),
  networks: element<HTMLSelectElement>("networks"),
  ssid: element<HTMLInputElement>("ssid"),
  password: element<HTMLInputElement>("wifi-password"),
  sendWifi: element<HTMLButtonElement>("send-wifi"),
  vendorNote: element<HTMLParagraphElement>("vendor-note"),
  loadSettings: element<HTMLButtonElement>("load-settings"),
  collectorUrl: element<HTMLInputElement>("collector-url"),
  collectorCa: element<HTMLTextAreaElement>("collector-ca"),
  collectorCaFile: element<HTMLInputElement>("collector-ca-file"),
  caHeld: element<HTMLParagraphElement>("ca-held"),
  deviceToken: element<HTMLInputElement>("device-token"),
  site: element<HTMLInputElement>("site"),
  windowMinutes: element<HTMLInputElement>("window-minutes"),
  getPreview: element<HTMLButtonElement>("get-preview"),
  clearRoi: element<HTMLButtonElement>("clear-roi"),
  previewInfo: element<HTMLParagraphElement>("preview-info"),
  roi: element<HTMLParagraphElement>("roi"),
  apply: element<HTMLButtonElement>("apply"),
  result: element<HTMLParagraphElement>("result"),
  messages: element<HTMLOListElement>("messages"),
};

const STATE_TEXT: Readonly<Record<number, [string, string]>> = Object.freeze({
  [ImprovState.authorizationRequired]: ["authorization-required", "Authorization required: press the button on the device."],
  [ImprovState.authorized]: ["authorized", "Authorized: the device accepts settings."],
  [ImprovState.provisioning]: ["provisioning", "Connecting the device to Wi-Fi…"],
  [ImprovState.provisioned]: ["provisioned", "Provisioned: the device is on Wi-Fi."],
});

interface Session {
  readonly transport: GattTransport;
  readonly improv: ImprovClient;
  readonly vendor: VendorClient;
}

let session: Session | undefined;
const roiEditor = new RoiEditor(element<HTMLCanvasElement>("preview-canvas"), (roi) => showRoi(roi));

function say(text: string, kind: "ok" | "error" | "info" = "info"): void {
  const item = document.createElement("li");
  item.textContent = text;
  item.className = kind;
  ui.messages.prepend(item);
}

function showRoi(roi: RoiFractions | undefined): void {
  const percent = (value: number) => `${Math.round(value * 100)}%`;
  ui.roi.textContent = roi === undefined ? "Region: whole frame" : `Region: x ${percent(roi.x)}, y ${percent(roi.y)}, ${percent(roi.width)} × ${percent(roi.height)}`;
}

function setEnabled(connected: boolean, vendor: boolean): void {
  ui.disconnect.disabled = !connected;
  ui.connectBluetooth.disabled = connected || browserBluetooth() === undefined;
  ui.connectBridge.disabled = connected;
  for (const control of [ui.identify, ui.scan, ui.networks, ui.ssid, ui.password, ui.sendWifi]) control.disabled = !connected;
  for (const control of [ui.loadSettings, ui.collectorUrl, ui.collectorCa, ui.collectorCaFile, ui.deviceToken, ui.site, ui.windowMinutes, ui.getPreview, ui.clearRoi, ui.apply]) {
    control.disabled = !(connected && vendor);
  }
}

function renderState(state: number): void {
  const [name, text] = STATE_TEXT[state] ?? ["unknown", `Unknown state ${state}`];
  document.body.dataset.state = name;
  ui.state.textContent = text;
}

function renderError(error: number): void {
  ui.improvError.textContent = error === ImprovError.none ? "" : `Device error: ${improvErrorName(error)}`;
}

function failureText(error: unknown): string {
  if (error instanceof ImprovFailure) {
    if (error.code === ImprovError.notAuthorized) return "Not authorized: press the button on the device first.";
    if (error.code === ImprovError.unableToConnect) return "Unable to connect to that network: check the password (and that the device is in range).";
    return `The device reported: ${error.message}.`;
  }
  if (error instanceof VendorFailure) {
    if (error.status === VendorStatus.notAuthorized) return "Not authorized: press the button on the device first.";
    if (error.status === VendorStatus.caRefused) return `Collector CA refused: ${error.details.join(" — ") || "the device would not trust the collector with it"}.`;
    return `The device refused: ${error.message}.`;
  }
  return error instanceof Error ? error.message : String(error);
}

async function connect(make: () => GattTransport): Promise<void> {
  if (session !== undefined) return;
  const transport = make();
  ui.connection.textContent = `Looking for a device (${transport.label})…`;
  setEnabled(false, false);
  ui.connectBluetooth.disabled = ui.connectBridge.disabled = true;
  try {
    const name = await transport.connect();
    const improv = new ImprovClient(transport, { onState: renderState, onError: renderError });
    const vendor = new VendorClient(transport);
    session = { transport, improv, vendor };
    transport.onDisconnect((reason) => disconnected(reason));
    await improv.start();
    if (vendor.available) await vendor.start();
    ui.connection.textContent = `Connected to ${name} (${transport.label}).`;
    say(`Connected to ${name}.`, "ok");
    ui.vendorNote.hidden = vendor.available;
    setEnabled(true, vendor.available);
    const info = await improv.deviceInfo();
    if (info !== undefined) {
      ui.infoFirmware.textContent = `${info.firmwareName} ${info.firmwareVersion}`;
      ui.infoHardware.textContent = info.hardware;
      ui.infoName.textContent = info.deviceName;
      ui.deviceInfo.hidden = false;
    }
  } catch (error) {
    session = undefined;
    ui.connection.textContent = "Not connected.";
    say(failureText(error), "error");
    setEnabled(false, false);
  }
}

function disconnected(reason: string): void {
  if (session === undefined) return;
  session = undefined;
  document.body.dataset.state = "disconnected";
  ui.connection.textContent = `Disconnected: ${reason}.`;
  ui.state.textContent = "";
  ui.improvError.textContent = "";
  say(`Disconnected (${reason}). If the device closed its provisioning window, press its button to open it again.`);
  setEnabled(false, false);
}

/** Runs a user action with the buttons of the session held, showing failures. */
async function act(action: (current: Session) => Promise<void>): Promise<void> {
  const current = session;
  if (current === undefined) return;
  try {
    await action(current);
  } catch (error) {
    say(failureText(error), "error");
  }
}

ui.connectBluetooth.addEventListener("click", () => {
  const bluetooth = browserBluetooth();
  if (bluetooth !== undefined) void connect(() => new WebBluetoothTransport(bluetooth));
});
ui.connectBridge.addEventListener("click", () => void connect(() => new BridgeTransport(location.origin)));
ui.disconnect.addEventListener("click", () => session?.transport.disconnect());
ui.identify.addEventListener("click", () => void act((current) => current.improv.identify()));

ui.scan.addEventListener("click", () => void act(async (current) => {
  ui.scan.disabled = true;
  try {
    const networks: WifiNetwork[] = await current.improv.scan();
    ui.networks.replaceChildren(new Option(networks.length === 0 ? "(no networks found)" : `(${networks.length} networks: pick one)`, ""));
    for (const network of networks) ui.networks.add(new Option(`${network.ssid} (${network.rssi} dBm, ${network.auth === "NO" ? "open" : network.auth})`, network.ssid));
    say(`Found ${networks.length} networks.`);
  } finally {
    ui.scan.disabled = session === undefined;
  }
}));
ui.networks.addEventListener("change", () => {
  if (ui.networks.value !== "") ui.ssid.value = ui.networks.value;
});

ui.sendWifi.addEventListener("click", () => void act(async (current) => {
  const ssid = ui.ssid.value.trim();
  if (ssid === "") return say("Pick or type a network name first.", "error");
  ui.sendWifi.disabled = true;
  try {
    say(`Sending Wi-Fi settings for "${ssid}"…`);
    await current.improv.sendWifi({ ssid, password: ui.password.value });
    ui.password.value = "";
    say(`The device joined "${ssid}".`, "ok");
  } finally {
    ui.sendWifi.disabled = session === undefined;
  }
}));

ui.collectorCaFile.addEventListener("change", () => {
  const file = ui.collectorCaFile.files?.[0];
  if (file !== undefined) void file.text().then((text) => { ui.collectorCa.value = text; });
});

ui.loadSettings.addEventListener("click", () => void act(async (current) => {
  const settings = await current.vendor.settings();
  ui.collectorUrl.value = settings.collectorUrl;
  ui.site.value = settings.site;
  if (settings.windowMinutes !== undefined) ui.windowMinutes.value = String(settings.windowMinutes);
  ui.caHeld.textContent = settings.caFingerprint === "" ? "The device holds no collector CA yet." : `The device holds a collector CA (fingerprint ${settings.caFingerprint}); leave the field empty to keep it.`;
  ui.deviceToken.placeholder = settings.tokenSet ? "(set on the device: leave empty to keep it)" : "";
  say(`Loaded the device's settings${settings.provisioned ? " (it is provisioned)" : ""}.`, "ok");
}));

ui.getPreview.addEventListener("click", () => void act(async (current) => {
  ui.getPreview.disabled = true;
  try {
    const { image, faces } = await current.vendor.preview();
    roiEditor.show(image);
    ui.previewInfo.textContent = `Preview ${image.width}×${image.height}, ${faces} ${faces === 1 ? "face" : "faces"} blurred on the device. Drag to draw the region of interest.`;
    document.body.dataset.preview = "shown";
  } finally {
    ui.getPreview.disabled = session === undefined;
  }
}));
ui.clearRoi.addEventListener("click", () => roiEditor.clear());

ui.apply.addEventListener("click", () => void act(async (current) => {
  const minutes = Number(ui.windowMinutes.value);
  if (!Number.isInteger(minutes) || minutes < 15) return say("The window must be a whole number of minutes, at least 15.", "error");
  ui.apply.disabled = true;
  ui.result.textContent = "Checking the collector and saving…";
  ui.result.className = "status";
  try {
    await current.vendor.applySettings({
      collectorUrl: ui.collectorUrl.value.trim() || undefined,
      collectorCa: ui.collectorCa.value.trim() || undefined,
      deviceToken: ui.deviceToken.value.trim() || undefined,
      site: ui.site.value.trim() || undefined,
      windowMinutes: minutes,
      roi: roiEditor.roi ?? { x: 0, y: 0, width: 1, height: 1 },
    });
    ui.deviceToken.value = "";
    ui.result.textContent = "Settings saved. The device checks in with the collector and closes its provisioning window.";
    ui.result.className = "status ok";
    say("Settings saved on the device.", "ok");
  } catch (error) {
    ui.result.textContent = failureText(error);
    ui.result.className = "status error";
    throw error;
  } finally {
    ui.apply.disabled = session === undefined;
  }
}));

// The forms only group fields (browsers want password fields in one): Enter must not reload the page.
for (const form of document.querySelectorAll("form")) form.addEventListener("submit", (event) => event.preventDefault());
ui.bluetoothNote.hidden = browserBluetooth() !== undefined;
setEnabled(false, false);

/**
 * Ephemera's vendor provisioning service: everything Improv does not carry
 * (collector URL and CA, device token, site, window length, region of
 * interest) and the aiming preview. Its characteristics need an encrypted,
 * bonded link (LE Secure Connections) and the same button authorization as
 * Improv.
 *
 * Commands use the Improv RPC framing ([command][length][data][checksum]).
 * Command data is [chunk index][chunk count][payload]: long values (the CA)
 * are sent as numbered chunks and assembled on the device; the device answers
 * after the last chunk (or at the first bad one) with a result frame whose
 * data is [status][length-prefixed strings].
 */

export const VENDOR_SERVICE_UUID = "dcc52000-c505-4029-b782-9b139a2741bc";

export const VENDOR_CHARACTERISTIC = Object.freeze({
  /** write (encrypted): command frames. */
  command: "dcc52001-c505-4029-b782-9b139a2741bc",
  /** read (encrypted), notify: the last result frame. */
  result: "dcc52002-c505-4029-b782-9b139a2741bc",
  /** notify: aiming preview chunks. */
  preview: "dcc52003-c505-4029-b782-9b139a2741bc",
});

export const VendorCommand = Object.freeze({
  setCollectorUrl: 0x01,
  setCollectorCa: 0x02,
  setDeviceToken: 0x03,
  setSite: 0x04,
  setWindowMinutes: 0x05,
  setRoi: 0x06,
  /** Validates the staged settings together, checks the CA against the collector, saves them. */
  apply: 0x07,
  /** Current settings without secrets: see settingsStrings. */
  getSettings: 0x08,
  /** One aiming preview frame, sent as chunks on the preview characteristic. */
  preview: 0x09,
} as const);
export type VendorCommand = (typeof VendorCommand)[keyof typeof VendorCommand];

export const VendorStatus = Object.freeze({
  ok: 0x00,
  invalidPacket: 0x01,
  unknownCommand: 0x02,
  notAuthorized: 0x03,
  linkNotSecure: 0x04,
  badValue: 0x05,
  caRefused: 0x06,
  collectorUnreachable: 0x07,
  notReady: 0x08,
  storageFailed: 0x09,
  busy: 0x0a,
  previewUnavailable: 0x0b,
  unknown: 0xff,
} as const);
export type VendorStatus = (typeof VendorStatus)[keyof typeof VendorStatus];

const STATUS_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0x00: "ok",
  0x01: "invalid packet",
  0x02: "unknown command",
  0x03: "not authorized: press the button on the device",
  0x04: "link not secure: pair (bond) with the device first",
  0x05: "bad value",
  0x06: "collector CA refused",
  0x07: "collector unreachable",
  0x08: "not ready",
  0x09: "storage failed",
  0x0a: "busy",
  0x0b: "preview unavailable",
  0xff: "unknown error",
});

export function vendorStatusName(status: number): string {
  return STATUS_NAMES[status] ?? `unknown status 0x${status.toString(16)}`;
}

/** Largest assembled payload per command, in bytes. */
export const VENDOR_MAX_PAYLOAD = Object.freeze({
  [VendorCommand.setCollectorUrl]: 200,
  /** One store value (ESP32 Preference values are at most 4000 bytes). */
  [VendorCommand.setCollectorCa]: 4000,
  [VendorCommand.setDeviceToken]: 256,
  [VendorCommand.setSite]: 256,
  [VendorCommand.setWindowMinutes]: 2,
  [VendorCommand.setRoi]: 8,
  [VendorCommand.apply]: 0,
  [VendorCommand.getSettings]: 0,
  [VendorCommand.preview]: 0,
} as Readonly<Record<number, number>>);

/** Payload bytes per command chunk: 255 data bytes less index and count. */
export const VENDOR_CHUNK_BYTES = 253;

/** Region of interest units on the wire: 1/10000 of the frame. */
export const ROI_UNITS = 10_000;

/** Largest preview side in pixels: the aiming preview is 96x96 or coarser. */
export const PREVIEW_MAX_SIDE = 96;
/** Preview chunk data header: [frame seq][index hi][index lo][count hi][count lo]. */
export const PREVIEW_CHUNK_HEADER = 5;

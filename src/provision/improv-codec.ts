import { ImprovCommand, MAX_PASSWORD_BYTES, MAX_SSID_BYTES } from "./improv-protocol.js";
import { RPC_MAX_DATA_BYTES, encodeRpcFrame } from "./rpc-frame.js";
import { utf8Decode, utf8Encode } from "./utf8.js";

/** Wi-Fi credentials as sent by "send Wi-Fi settings". The password is a credential: never log it. */
export interface WifiCredentials {
  readonly ssid: string;
  readonly password: string;
}

export interface WifiNetwork {
  readonly ssid: string;
  /** dBm, e.g. -60. */
  readonly rssi: number;
  /** "NO", "WEP", "WPA", "WPA2", "WPA3", ... */
  readonly auth: string;
}

export interface DeviceInfo {
  readonly firmwareName: string;
  readonly firmwareVersion: string;
  readonly hardware: string;
  readonly deviceName: string;
}

/** Length-prefixed strings: [len][bytes] ... ; throws RangeError when the list is over 255 bytes or a string over 255. */
export function encodeStringList(strings: readonly string[]): Uint8Array {
  const parts = strings.map((text) => utf8Encode(text));
  let total = 0;
  for (const part of parts) {
    if (part.length > 0xff) throw new RangeError(`improv: a string of ${part.length} bytes does not fit one length byte`);
    total += part.length + 1;
  }
  if (total > RPC_MAX_DATA_BYTES) throw new RangeError(`improv: string list of ${total} bytes, the limit is ${RPC_MAX_DATA_BYTES}`);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out[at++] = part.length;
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Parses length-prefixed strings; undefined when a length runs past the end or a string is not UTF-8. */
export function decodeStringList(data: Uint8Array): string[] | undefined {
  const strings: string[] = [];
  for (let at = 0; at < data.length; ) {
    const length = data[at];
    if (at + 1 + length > data.length) return undefined;
    const text = utf8Decode(data.subarray(at + 1, at + 1 + length));
    if (text === undefined) return undefined;
    strings.push(text);
    at += 1 + length;
  }
  return strings;
}

/** The data of "send Wi-Fi settings": [ssid len][ssid][password len][password]. */
export function encodeWifiCredentials(credentials: WifiCredentials): Uint8Array {
  const ssid = utf8Encode(credentials.ssid);
  const password = utf8Encode(credentials.password);
  if (ssid.length < 1 || ssid.length > MAX_SSID_BYTES) throw new RangeError(`improv: SSID must be 1..${MAX_SSID_BYTES} bytes`);
  if (password.length > MAX_PASSWORD_BYTES) throw new RangeError(`improv: password must be at most ${MAX_PASSWORD_BYTES} bytes`);
  const out = new Uint8Array(ssid.length + password.length + 2);
  out[0] = ssid.length;
  out.set(ssid, 1);
  out[ssid.length + 1] = password.length;
  out.set(password, ssid.length + 2);
  return out;
}

/** Parses "send Wi-Fi settings" data; undefined when malformed (lengths, trailing bytes, limits, UTF-8). */
export function decodeWifiCredentials(data: Uint8Array): WifiCredentials | undefined {
  if (data.length < 2) return undefined;
  const ssidLength = data[0];
  if (ssidLength < 1 || ssidLength > MAX_SSID_BYTES || 1 + ssidLength >= data.length) return undefined;
  const passwordLength = data[1 + ssidLength];
  if (passwordLength > MAX_PASSWORD_BYTES || 2 + ssidLength + passwordLength !== data.length) return undefined;
  const ssid = utf8Decode(data.subarray(1, 1 + ssidLength));
  const password = utf8Decode(data.subarray(2 + ssidLength));
  if (ssid === undefined || password === undefined) return undefined;
  return { ssid, password };
}

/** The complete RPC command frames a client writes. */
export const improvCommandFrame = Object.freeze({
  sendWifiSettings: (credentials: WifiCredentials): Uint8Array => encodeRpcFrame(ImprovCommand.sendWifiSettings, encodeWifiCredentials(credentials)),
  identify: (): Uint8Array => encodeRpcFrame(ImprovCommand.identify),
  deviceInfo: (): Uint8Array => encodeRpcFrame(ImprovCommand.deviceInfo),
  scanNetworks: (): Uint8Array => encodeRpcFrame(ImprovCommand.scanNetworks),
});

/** Device info result strings: firmware name, version, hardware, device name. */
export function deviceInfoStrings(info: DeviceInfo): string[] {
  return [info.firmwareName, info.firmwareVersion, info.hardware, info.deviceName];
}

export function parseDeviceInfo(strings: readonly string[]): DeviceInfo | undefined {
  if (strings.length < 4) return undefined;
  return { firmwareName: strings[0], firmwareVersion: strings[1], hardware: strings[2], deviceName: strings[3] };
}

/**
 * Scan result strings (SSID, RSSI, auth per network), strongest first, as
 * many networks as fit one RPC result (255 bytes); duplicates of an SSID keep
 * the strongest.
 */
export function scanResultStrings(networks: readonly WifiNetwork[]): string[] {
  const strongest = new Map<string, WifiNetwork>();
  for (const network of networks) {
    const bytes = utf8Encode(network.ssid).length;
    if (bytes < 1 || bytes > MAX_SSID_BYTES) continue;
    const seen = strongest.get(network.ssid);
    if (seen === undefined || network.rssi > seen.rssi) strongest.set(network.ssid, network);
  }
  const sorted = [...strongest.values()].sort((a, b) => b.rssi - a.rssi);
  const strings: string[] = [];
  let total = 0;
  for (const network of sorted) {
    const entry = [network.ssid, String(Math.round(network.rssi)), network.auth];
    const size = entry.reduce((sum, text) => sum + utf8Encode(text).length + 1, 0);
    if (total + size > RPC_MAX_DATA_BYTES) break;
    strings.push(...entry);
    total += size;
  }
  return strings;
}

/** Parses scan result strings; undefined when the count is not a multiple of 3 or an RSSI is not a number. */
export function parseScanResult(strings: readonly string[]): WifiNetwork[] | undefined {
  if (strings.length % 3 !== 0) return undefined;
  const networks: WifiNetwork[] = [];
  for (let i = 0; i < strings.length; i += 3) {
    const rssi = Number(strings[i + 1]);
    if (!Number.isFinite(rssi)) return undefined;
    networks.push({ ssid: strings[i], rssi, auth: strings[i + 2] });
  }
  return networks;
}

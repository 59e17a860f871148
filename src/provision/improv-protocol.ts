/**
 * The Improv Wi-Fi BLE protocol (improv-wifi.com, spec 2.2): UUIDs, states,
 * error codes, RPC commands and capability bits, exactly as published, so
 * that any Improv client can set a board's Wi-Fi.
 */

export const IMPROV_SERVICE_UUID = "00467768-6228-2272-4663-277478268000";

export const IMPROV_CHARACTERISTIC = Object.freeze({
  currentState: "00467768-6228-2272-4663-277478268001",
  errorState: "00467768-6228-2272-4663-277478268002",
  rpcCommand: "00467768-6228-2272-4663-277478268003",
  rpcResult: "00467768-6228-2272-4663-277478268004",
  capabilities: "00467768-6228-2272-4663-277478268005",
});

/** 16-bit UUID of the advertised service data: [state, capabilities, 0, 0, 0, 0]. */
export const IMPROV_SERVICE_DATA_UUID16 = 0x4677;

export const ImprovState = Object.freeze({
  authorizationRequired: 0x01,
  authorized: 0x02,
  provisioning: 0x03,
  provisioned: 0x04,
} as const);
export type ImprovState = (typeof ImprovState)[keyof typeof ImprovState];

export const ImprovError = Object.freeze({
  none: 0x00,
  invalidRpc: 0x01,
  unknownRpc: 0x02,
  unableToConnect: 0x03,
  notAuthorized: 0x04,
  unknown: 0xff,
} as const);
export type ImprovError = (typeof ImprovError)[keyof typeof ImprovError];

export const ImprovCommand = Object.freeze({
  sendWifiSettings: 0x01,
  identify: 0x02,
  deviceInfo: 0x03,
  scanNetworks: 0x04,
} as const);
export type ImprovCommand = (typeof ImprovCommand)[keyof typeof ImprovCommand];

/** Capability bits (LSB first). */
export const ImprovCapability = Object.freeze({
  identify: 0x01,
  deviceInfo: 0x02,
  scanNetworks: 0x04,
} as const);

/** Longest SSID (IEEE 802.11) and passphrase (WPA: 63 characters, or 64 hex digits). */
export const MAX_SSID_BYTES = 32;
export const MAX_PASSWORD_BYTES = 64;

const STATE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0x01: "authorization required",
  0x02: "authorized",
  0x03: "provisioning",
  0x04: "provisioned",
});

const ERROR_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0x00: "no error",
  0x01: "invalid RPC packet",
  0x02: "unknown RPC command",
  0x03: "unable to connect",
  0x04: "not authorized",
  0xff: "unknown error",
});

export function improvStateName(state: number): string {
  return STATE_NAMES[state] ?? `unknown state 0x${state.toString(16)}`;
}

export function improvErrorName(error: number): string {
  return ERROR_NAMES[error] ?? `unknown error 0x${error.toString(16)}`;
}

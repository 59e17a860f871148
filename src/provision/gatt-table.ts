import { IMPROV_CHARACTERISTIC, IMPROV_SERVICE_UUID } from "./improv-protocol.js";
import { VENDOR_CHARACTERISTIC, VENDOR_SERVICE_UUID } from "./vendor-protocol.js";

export type GattProperty = "read" | "write" | "writeNoResponse" | "notify";

export interface GattCharacteristicSpec {
  /** Name in the board's bleservices JSON. */
  readonly name: string;
  readonly uuid: string;
  readonly properties: readonly GattProperty[];
  /** Reads and writes need an encrypted, bonded link. */
  readonly encrypted: boolean;
  /** Largest value in bytes. */
  readonly maxBytes: number;
}

export interface GattServiceSpec {
  readonly name: string;
  readonly uuid: string;
  readonly characteristics: readonly GattCharacteristicSpec[];
}

/**
 * The provisioning GATT services: the table the desktop bridge serves and
 * the board's bleservices/*.json must match (a test compares them).
 */
export const PROVISIONING_SERVICES: readonly GattServiceSpec[] = Object.freeze([
  Object.freeze({
    name: "improv",
    uuid: IMPROV_SERVICE_UUID,
    characteristics: Object.freeze([
      { name: "currentState", uuid: IMPROV_CHARACTERISTIC.currentState, properties: ["read", "notify"], encrypted: false, maxBytes: 1 },
      { name: "errorState", uuid: IMPROV_CHARACTERISTIC.errorState, properties: ["read", "notify"], encrypted: false, maxBytes: 1 },
      { name: "rpcCommand", uuid: IMPROV_CHARACTERISTIC.rpcCommand, properties: ["write", "writeNoResponse"], encrypted: false, maxBytes: 258 },
      { name: "rpcResult", uuid: IMPROV_CHARACTERISTIC.rpcResult, properties: ["read", "notify"], encrypted: false, maxBytes: 258 },
      { name: "capabilities", uuid: IMPROV_CHARACTERISTIC.capabilities, properties: ["read"], encrypted: false, maxBytes: 1 },
    ] as GattCharacteristicSpec[]),
  }),
  Object.freeze({
    name: "ephemera",
    uuid: VENDOR_SERVICE_UUID,
    characteristics: Object.freeze([
      { name: "command", uuid: VENDOR_CHARACTERISTIC.command, properties: ["write"], encrypted: true, maxBytes: 258 },
      { name: "result", uuid: VENDOR_CHARACTERISTIC.result, properties: ["read", "notify"], encrypted: true, maxBytes: 258 },
      { name: "preview", uuid: VENDOR_CHARACTERISTIC.preview, properties: ["notify"], encrypted: true, maxBytes: 258 },
    ] as GattCharacteristicSpec[]),
  }),
]);

/** The characteristic with this UUID, if any. */
export function findCharacteristic(uuid: string): GattCharacteristicSpec | undefined {
  for (const service of PROVISIONING_SERVICES) {
    for (const characteristic of service.characteristics) if (characteristic.uuid === uuid) return characteristic;
  }
  return undefined;
}

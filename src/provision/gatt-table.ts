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

/** One characteristic, frozen down to its property list (a constant table: the device's linker preloads it into flash). */
function characteristic(name: string, uuid: string, properties: readonly GattProperty[], encrypted: boolean, maxBytes: number): GattCharacteristicSpec {
  return Object.freeze({ name, uuid, properties: Object.freeze([...properties]), encrypted, maxBytes });
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
      characteristic("currentState", IMPROV_CHARACTERISTIC.currentState, ["read", "notify"], false, 1),
      characteristic("errorState", IMPROV_CHARACTERISTIC.errorState, ["read", "notify"], false, 1),
      characteristic("rpcCommand", IMPROV_CHARACTERISTIC.rpcCommand, ["write", "writeNoResponse"], false, 258),
      characteristic("rpcResult", IMPROV_CHARACTERISTIC.rpcResult, ["read", "notify"], false, 258),
      characteristic("capabilities", IMPROV_CHARACTERISTIC.capabilities, ["read"], false, 1),
    ]),
  }),
  Object.freeze({
    name: "ephemera",
    uuid: VENDOR_SERVICE_UUID,
    characteristics: Object.freeze([
      characteristic("command", VENDOR_CHARACTERISTIC.command, ["write"], true, 258),
      characteristic("result", VENDOR_CHARACTERISTIC.result, ["read", "notify"], true, 258),
      characteristic("preview", VENDOR_CHARACTERISTIC.preview, ["notify"], true, 258),
    ]),
  }),
]);

/** The characteristic with this UUID, if any. */
export function findCharacteristic(uuid: string): GattCharacteristicSpec | undefined {
  for (const service of PROVISIONING_SERVICES) {
    for (const characteristic of service.characteristics) if (characteristic.uuid === uuid) return characteristic;
  }
  return undefined;
}

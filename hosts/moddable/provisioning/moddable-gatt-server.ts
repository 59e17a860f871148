/**
 * The board's BleGattServer: Moddable's bleserver with the services of
 * hosts/moddable/bleservices/*.json (Improv as published, Ephemera's vendor
 * service with encrypted characteristics). Pairing asks for bonding; NimBLE
 * in the SDK always enables LE Secure Connections. The board has no display
 * or keypad, so pairing is "Just Works" (encrypted, not MITM-protected): the
 * button and the short provisioning window are what keep strangers out.
 */
import BLEServer from "bleserver";
import { Bytes } from "btutils";
import type { Characteristic } from "gatt";
import type { BleAdvertisement, BleGattHandler, BleGattServer } from "../../../src/interfaces/index.js";
import { PROVISIONING_SERVICES } from "../../../src/provision/gatt-table.js";

/** IOCapability.NoInputNoOutput of the SDK's "sm" module (a const enum in its typings, an object at run time). */
const NO_INPUT_NO_OUTPUT = 0;
/** GAP flags: LE general discoverable, BR/EDR not supported. */
const ADVERTISING_FLAGS = 0x06;

const UUID_BY_NAME: ReadonlyMap<string, string> = new Map(PROVISIONING_SERVICES.flatMap((service) => service.characteristics.map((c) => [c.name, c.uuid] as [string, string])));

function uuidBytes(uuid: string): Bytes {
  return new Bytes(uuid.replace(/-/g, ""), true);
}

/** A copy of `value` as an ArrayBuffer of exactly its bytes: what an "ArrayBuffer" characteristic carries. */
function toBuffer(value: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(value.length);
  copy.set(value);
  return copy.buffer as ArrayBuffer;
}

/** What onCharacteristicRead may return, as the SDK declares it. */
type ReadValue = ReturnType<BLEServer["onCharacteristicRead"]>;

/**
 * A read's answer. Every characteristic here has the type "ArrayBuffer"
 * (bleservices/*.json): bleserver.js passes the value through
 * typedValueToBuffer, which leaves it as it is for that type, and the NimBLE
 * side copies it with xsmcGetArrayBufferLength / xsmcToArrayBuffer, which take
 * an ArrayBuffer only. The SDK's declaration lists just the values of the
 * types it converts (Uint8Array for "Uint8Array", number[] for "Array", a
 * number for "Uint8"...), hence this one cast.
 */
function readAnswer(value: Uint8Array): ReadValue {
  return toBuffer(value) as unknown as ReadValue;
}

/**
 * Moddable's server, forwarding its callbacks to the adapter below.
 * onAuthenticated, onMTUExchanged and onCharacteristicNotifyDisabled are
 * called by bleserver.js (its callback()) but not declared by the SDK's
 * typings: they are plain methods here, not overrides.
 */
class ProvisioningBleServer extends BLEServer {
  readonly #owner: ModdableGattServer;

  constructor(owner: ModdableGattServer) {
    super();
    this.#owner = owner;
  }

  override onReady(): void {
    this.securityParameters = { encryption: true, bonding: true, mitm: false, ioCapability: NO_INPUT_NO_OUTPUT };
    this.#owner.ready();
  }

  override onConnected(): void {
    this.#owner.connected(true);
  }

  override onDisconnected(): void {
    this.#owner.connected(false);
  }

  /** After pairing: `bonded` when the keys were stored (bleserver.js passes `{ bonded }`). */
  onAuthenticated(params: { bonded: boolean }): void {
    if (params.bonded) this.#owner.handler?.onLinkSecured();
  }

  /** The negotiated ATT MTU (bleserver.js passes the number the stack reports). */
  onMTUExchanged(mtu: number): void {
    this.#owner.handler?.onMtu(mtu);
  }

  override onCharacteristicNotifyEnabled(characteristic: Characteristic): void {
    this.#owner.notifying(characteristic, true);
  }

  onCharacteristicNotifyDisabled(characteristic: Characteristic): void {
    this.#owner.notifying(characteristic, false);
  }

  override onCharacteristicWritten(characteristic: Characteristic, value: unknown): void {
    const uuid = UUID_BY_NAME.get(characteristic.name);
    if (uuid !== undefined && value instanceof ArrayBuffer) this.#owner.handler?.onWrite(uuid, new Uint8Array(value));
  }

  override onCharacteristicRead(characteristic: Characteristic): ReadValue {
    const uuid = UUID_BY_NAME.get(characteristic.name);
    const handler = this.#owner.handler;
    if (uuid === undefined || handler === undefined) return undefined;
    return readAnswer(handler.onRead(uuid));
  }
}

/** The BleGattServer the portable Provisioner talks to. */
export class ModdableGattServer implements BleGattServer {
  readonly #server: ProvisioningBleServer;
  #handler: BleGattHandler | undefined;
  #ready = false;
  #pending: BleAdvertisement | undefined;
  #connected = false;
  /** Characteristics with notifications on, by UUID: notifyValue needs the SDK's object. */
  readonly #notifying = new Map<string, Characteristic>();

  constructor() {
    this.#server = new ProvisioningBleServer(this);
  }

  get handler(): BleGattHandler | undefined {
    return this.#handler;
  }

  listen(handler: BleGattHandler): void {
    this.#handler = handler;
  }

  startAdvertising(advertisement: BleAdvertisement): void {
    if (!this.#ready) {
      this.#pending = advertisement;
      return;
    }
    this.#pending = undefined;
    this.#server.deviceName = advertisement.name;
    // Flags (3) + one 128-bit UUID (18) + 16-bit service data with 6 bytes (10) = 31 bytes: the
    // whole legacy advertisement, as Improv 2.x wants UUID and service data together, outside
    // the scan response; the name goes in the scan response.
    this.#server.stopAdvertising();
    this.#server.startAdvertising({
      advertisingData: {
        flags: ADVERTISING_FLAGS,
        completeUUID128List: advertisement.serviceUuids.map(uuidBytes),
        serviceDataUUID16: advertisement.serviceData && { uuid: new Bytes(advertisement.serviceData.uuid16.toString(16).padStart(4, "0"), true), data: [...advertisement.serviceData.data] },
      },
      scanResponseData: { completeName: advertisement.name },
    });
  }

  stopAdvertising(): void {
    this.#pending = undefined;
    if (this.#ready) this.#server.stopAdvertising();
  }

  notify(uuid: string, value: Uint8Array): void {
    const characteristic = this.#notifying.get(uuid);
    if (characteristic !== undefined && this.#connected) this.#server.notifyValue(characteristic, toBuffer(value));
  }

  disconnect(): void {
    if (this.#connected) this.#server.disconnect();
  }

  close(): void {
    this.#server.close();
  }

  /** From the server: the stack is up. */
  ready(): void {
    this.#ready = true;
    if (this.#pending !== undefined) this.startAdvertising(this.#pending);
  }

  /** From the server: a client came or went. */
  connected(up: boolean): void {
    this.#connected = up;
    this.#notifying.clear();
    if (up) this.#handler?.onConnect();
    else this.#handler?.onDisconnect();
  }

  /** From the server: a client turned notifications on or off. */
  notifying(characteristic: Characteristic, on: boolean): void {
    const uuid = UUID_BY_NAME.get(characteristic.name);
    if (uuid === undefined) return;
    if (on) this.#notifying.set(uuid, characteristic);
    else this.#notifying.delete(uuid);
  }
}

import { IMPROV_SERVICE_UUID } from "../src/provision/improv-protocol.js";
import { VENDOR_SERVICE_UUID } from "../src/provision/vendor-protocol.js";
import { TransportError, type GattTransport } from "./transport.js";

// The parts of Web Bluetooth the page uses (TypeScript's DOM library has none of it).
interface BluetoothCharacteristic extends EventTarget {
  readonly value?: DataView;
  readValue(): Promise<DataView>;
  writeValueWithResponse(value: BufferSource): Promise<void>;
  startNotifications(): Promise<BluetoothCharacteristic>;
}
interface BluetoothService {
  getCharacteristic(uuid: string): Promise<BluetoothCharacteristic>;
}
interface BluetoothGattServer {
  readonly connected: boolean;
  connect(): Promise<BluetoothGattServer>;
  disconnect(): void;
  getPrimaryService(uuid: string): Promise<BluetoothService>;
}
interface BluetoothDeviceLike extends EventTarget {
  readonly name?: string;
  readonly gatt?: BluetoothGattServer;
}
export interface BluetoothLike {
  requestDevice(options: { filters: Array<{ services: string[] }>; optionalServices: string[] }): Promise<BluetoothDeviceLike>;
}

/** The Web Bluetooth API of this browser, if it has one. */
export function browserBluetooth(): BluetoothLike | undefined {
  return (navigator as Navigator & { bluetooth?: BluetoothLike }).bluetooth;
}

function bytes(view: DataView): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

/**
 * Web Bluetooth (Chromium browsers): the chooser lists devices advertising
 * the Improv service, so any Improv device can be set up; Ephemera's vendor
 * service is used when the device has it. Reading or writing its encrypted
 * characteristics makes the browser pair (bond) with the board.
 */
export class WebBluetoothTransport implements GattTransport {
  readonly label = "Bluetooth";
  #bluetooth: BluetoothLike;
  #device: BluetoothDeviceLike | undefined;
  #services = new Map<string, BluetoothService>();
  #characteristics = new Map<string, BluetoothCharacteristic>();
  #disconnectListeners: Array<(reason: string) => void> = [];

  constructor(bluetooth: BluetoothLike) {
    this.#bluetooth = bluetooth;
  }

  async connect(): Promise<string> {
    const device = await this.#bluetooth.requestDevice({ filters: [{ services: [IMPROV_SERVICE_UUID] }], optionalServices: [VENDOR_SERVICE_UUID] });
    if (device.gatt === undefined) throw new TransportError("this device has no GATT server");
    this.#device = device;
    device.addEventListener("gattserverdisconnected", () => {
      this.#services.clear();
      this.#characteristics.clear();
      for (const listener of this.#disconnectListeners.splice(0)) listener("the device disconnected");
    });
    const server = await device.gatt.connect();
    this.#services.set(IMPROV_SERVICE_UUID, await server.getPrimaryService(IMPROV_SERVICE_UUID));
    try {
      this.#services.set(VENDOR_SERVICE_UUID, await server.getPrimaryService(VENDOR_SERVICE_UUID));
    } catch {
      // Another maker's Improv device: Wi-Fi only.
    }
    return device.name ?? "unnamed device";
  }

  hasService(service: string): boolean {
    return this.#services.has(service);
  }

  async read(service: string, characteristic: string): Promise<Uint8Array> {
    return bytes(await (await this.#characteristic(service, characteristic)).readValue());
  }

  async write(service: string, characteristic: string, value: Uint8Array): Promise<void> {
    await (await this.#characteristic(service, characteristic)).writeValueWithResponse(value.slice().buffer);
  }

  async subscribe(service: string, characteristic: string, listener: (value: Uint8Array) => void): Promise<void> {
    const target = await this.#characteristic(service, characteristic);
    target.addEventListener("characteristicvaluechanged", () => {
      if (target.value !== undefined) listener(bytes(target.value));
    });
    await target.startNotifications();
  }

  onDisconnect(listener: (reason: string) => void): void {
    this.#disconnectListeners.push(listener);
  }

  disconnect(): void {
    this.#device?.gatt?.disconnect();
  }

  async #characteristic(service: string, uuid: string): Promise<BluetoothCharacteristic> {
    const known = this.#characteristics.get(uuid);
    if (known !== undefined) return known;
    const owner = this.#services.get(service);
    if (owner === undefined) throw new TransportError(`the device has no service ${service}`);
    const characteristic = await owner.getCharacteristic(uuid);
    this.#characteristics.set(uuid, characteristic);
    return characteristic;
  }
}

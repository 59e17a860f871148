/*
 * The Moddable SDK modules the provisioning code uses, for CI's type check
 * (CI has no SDK): "bleserver", "btutils", "gatt", "sm"
 * ($MODDABLE/typings/ble/*.d.ts) and "embedded:io/digital"
 * ($MODDABLE/typings/embedded_io/digital.d.ts). Each member declared here has
 * the SDK declaration's type; members the code does not use are left out (so
 * CI is never more lenient than the SDK's own check). Like the SDK's, the
 * BLEServer declaration has no onAuthenticated, onMTUExchanged or
 * onCharacteristicNotifyDisabled, although bleserver.js calls them.
 */
declare module "btutils" {
  export class Bytes extends ArrayBuffer {
    constructor(bytes: string | ArrayBufferLike, littleEndian?: boolean);
    equals(bytes: Bytes): boolean;
    toString(): string;
  }
}

declare module "sm" {
  export const enum IOCapability {
    NoInputNoOutput = 0,
    DisplayOnly = 1,
    KeyboardOnly = 2,
    KeyboardDisplay = 3,
    DisplayYesNo = 4,
  }
}

declare module "gatt" {
  import type { Bytes } from "btutils";
  export interface Client {
    connection: number;
    address: Bytes;
  }
  export interface Characteristic {
    connection: number;
    uuid: Bytes;
    handle: number;
    name: string;
    type: string;
    properties: number;
  }
}

declare module "bleserver" {
  import type { Bytes } from "btutils";
  import type { Characteristic, Client } from "gatt";
  import type { IOCapability } from "sm";

  type AdvertisementData = {
    flags?: number;
    completeUUID128List?: Bytes[];
    completeName?: string;
    serviceDataUUID16?: { uuid: Bytes; data: number[] };
  };

  export class BLEServer {
    set securityParameters(params: { encryption?: boolean; bonding?: boolean; mitm?: boolean; ioCapability?: IOCapability });
    deviceName: string;
    onReady(): void;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's declaration: the characteristic's JSON type decides
    startAdvertising(params: { advertisingData: AdvertisementData; connectable?: boolean; discoverable?: boolean; fast?: boolean; scanResponseData?: any }): void;
    stopAdvertising(): void;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
    notifyValue(characteristic: Characteristic, value: any): void;
    onCharacteristicNotifyEnabled(characteristic: Characteristic): void;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
    onCharacteristicWritten(characteristic: Characteristic, value: any): void;
    onCharacteristicRead(characteristic: Characteristic): Uint8Array | number[] | number | void;
    disconnect(): void;
    onConnected(device: Client): void;
    onDisconnected(device: Client): void;
    close(): void;
  }
  export { BLEServer as default };
}

declare module "embedded:io/digital" {
  type Edge = number;
  type Mode = typeof Digital.Input | typeof Digital.InputPullUp | typeof Digital.InputPullDown | typeof Digital.InputPullUpDown | typeof Digital.Output | typeof Digital.OutputOpenDrain | typeof Digital.ActiveLow;

  class Digital {
    static readonly Input: number;
    static readonly InputPullUp: number;
    static readonly InputPullDown: number;
    static readonly InputPullUpDown: number;
    static readonly Output: number;
    static readonly OutputOpenDrain: number;
    static readonly ActiveLow: number;
    static readonly Rising: Edge;
    static readonly Falling: Edge;
    constructor(options: {
      pin: number;
      mode: Mode;
      activeLow?: boolean;
      initialValue?: 0 | 1;
      format?: "number";
    } & ({ onReadable: (this: Digital) => void; edge: Edge } | { edge?: Edge }));
    write(value: 0 | 1): void;
    read(): 0 | 1;
    close(): void;
  }
  export default Digital;
}

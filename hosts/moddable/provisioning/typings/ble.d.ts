/*
 * The Moddable SDK BLE modules the provisioning code uses: "bleserver",
 * "btutils", "sm" ($MODDABLE/typings/ble/*.d.ts, modules/network/ble/*.js),
 * limited to the members used here. The SDK's bleserver.d.ts leaves out the
 * security callbacks (onAuthenticated, onMTUExchanged) that bleserver.js calls.
 */
declare module "btutils" {
  export class Bytes extends ArrayBuffer {
    constructor(bytes: string | ArrayBufferLike, littleEndian?: boolean);
    equals(bytes: Bytes): boolean;
  }
}

declare module "sm" {
  /** The SDK exports a frozen object (sm.js); the SDK's typings use a const enum instead. */
  export const IOCapability: {
    readonly NoInputNoOutput: number;
    readonly DisplayOnly: number;
    readonly KeyboardOnly: number;
    readonly KeyboardDisplay: number;
    readonly DisplayYesNo: number;
  };
  export type IOCapability = number;
}

declare module "gatt" {
  import type { Bytes } from "btutils";
  /** The characteristic object bleserver passes to callbacks (name and type from bleservices/*.json). */
  export interface Characteristic {
    readonly uuid: Bytes;
    readonly name: string;
    readonly type: string;
    readonly handle: number;
  }
  export interface Client {
    readonly address: Bytes;
    readonly addressType: number;
    readonly connection: number;
  }
}

declare module "bleserver" {
  import type { Bytes } from "btutils";
  import type { Characteristic, Client } from "gatt";
  import type { IOCapability } from "sm";

  export interface AdvertisementData {
    flags?: number;
    completeUUID128List?: Bytes[];
    completeName?: string;
    serviceDataUUID16?: { uuid: Bytes; data: number[] };
  }

  export class BLEServer {
    constructor(options?: { deployServices?: boolean });
    set securityParameters(params: { encryption?: boolean; bonding?: boolean; mitm?: boolean; ioCapability?: IOCapability });
    deviceName: string;
    startAdvertising(params: { advertisingData: AdvertisementData; scanResponseData?: AdvertisementData; connectable?: boolean; discoverable?: boolean; fast?: boolean }): void;
    stopAdvertising(): void;
    notifyValue(characteristic: Characteristic, value: ArrayBuffer): void;
    disconnect(): void;
    close(): void;
    onReady(): void;
    onConnected(device: Client): void;
    onDisconnected(device: Client): void;
    onCharacteristicWritten(characteristic: Characteristic, value: unknown): void;
    onCharacteristicRead(characteristic: Characteristic): ArrayBuffer | undefined;
    onCharacteristicNotifyEnabled(characteristic: Characteristic): void;
    onCharacteristicNotifyDisabled(characteristic: Characteristic): void;
    onAuthenticated(params: { bonded: boolean }): void;
    onMTUExchanged(mtu: number): void;
  }
  export { BLEServer as default };
}

declare module "embedded:io/digital" {
  class Digital {
    static readonly Input: number;
    static readonly InputPullUp: number;
    static readonly Rising: number;
    static readonly Falling: number;
    constructor(options: { pin: number; mode: number; edge?: number; onReadable?: (this: Digital) => void });
    read(): 0 | 1;
    close(): void;
  }
  export default Digital;
}

/**
 * Messages between the companion page and the desktop bridge, one JSON object
 * per WebSocket text message. The WebSocket stands in for the GATT link: its
 * opening is the connection, values travel as base64.
 */

/** Path of the WebSocket endpoint on the bridge's HTTP server. */
export const BRIDGE_GATT_PATH = "/gatt";
/** GET: the current advertisement (what a BLE scan would see), or 404 while not advertising. */
export const BRIDGE_ADVERTISEMENT_PATH = "/advertisement";
/** POST: the stand-in for the board's physical button. */
export const BRIDGE_BUTTON_PATH = "/button";

export type PageMessage =
  | { readonly type: "read"; readonly id: number; readonly characteristic: string }
  | { readonly type: "write"; readonly id: number; readonly characteristic: string; readonly value: string }
  | { readonly type: "subscribe"; readonly id: number; readonly characteristic: string };

export type BridgeMessage =
  | { readonly type: "hello"; readonly name: string; readonly services: ReadonlyArray<{ readonly uuid: string; readonly characteristics: readonly string[] }>; readonly mtu: number }
  | { readonly type: "reply"; readonly id: number; readonly value?: string; readonly error?: string }
  | { readonly type: "notify"; readonly characteristic: string; readonly value: string };

/** The advertisement as served on BRIDGE_ADVERTISEMENT_PATH. */
export interface AdvertisementJson {
  readonly name: string;
  readonly serviceUuids: readonly string[];
  readonly serviceData?: { readonly uuid16: number; readonly data: string };
}

/**
 * A small BLE GATT server, as the provisioning code sees it: Moddable's
 * `bleserver` on the board, a local bridge on the desktop. One client at a
 * time (Moddable's server allows one connection). Values are raw bytes;
 * characteristics are named by their 128-bit UUID in lower case.
 */

/** Service data in the advertisement (16-bit service data UUID and its bytes). */
export interface BleServiceData {
  readonly uuid16: number;
  readonly data: Uint8Array;
}

export interface BleAdvertisement {
  readonly name: string;
  /** 128-bit service UUIDs advertised. */
  readonly serviceUuids: readonly string[];
  readonly serviceData?: BleServiceData;
}

/** What the server tells the provisioning code. Called on the host's event loop, never re-entrantly. */
export interface BleGattHandler {
  /** A client connected; the link starts unencrypted. */
  onConnect(): void;
  onDisconnect(): void;
  /** The link is encrypted with a bonded peer (LE Secure Connections on the board). */
  onLinkSecured(): void;
  /** The ATT MTU was negotiated: notifications carry at most mtu - 3 bytes. */
  onMtu(mtu: number): void;
  /** A client wrote `value` to the characteristic (one ATT write; long values may come in pieces). */
  onWrite(characteristic: string, value: Uint8Array): void;
  /** A client reads the characteristic: the current value. */
  onRead(characteristic: string): Uint8Array;
}

export interface BleGattServer {
  /** Sets the receiver of link events; events before this call are dropped. */
  listen(handler: BleGattHandler): void;
  /** Starts (or updates) advertising; the server accepts a connection while advertising. */
  startAdvertising(advertisement: BleAdvertisement): void;
  /** Stops advertising; an open connection stays until `disconnect`. */
  stopAdvertising(): void;
  /** Sends a notification to the connected client (dropped when none has subscribed). */
  notify(characteristic: string, value: Uint8Array): void;
  /** Ends the current connection, if any. */
  disconnect(): void;
}

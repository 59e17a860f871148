/**
 * What the page needs from a GATT link. Two implementations with this one
 * shape: Web Bluetooth (a real board) and the desktop host's bridge.
 */
export interface GattTransport {
  /** "Bluetooth" or "desktop bridge", for the page. */
  readonly label: string;
  /** Finds and connects to a device; resolves with its name. */
  connect(): Promise<string>;
  /** Whether the connected device offers this service. */
  hasService(service: string): boolean;
  read(service: string, characteristic: string): Promise<Uint8Array>;
  write(service: string, characteristic: string, value: Uint8Array): Promise<void>;
  subscribe(service: string, characteristic: string, listener: (value: Uint8Array) => void): Promise<void>;
  /** Called once when the link drops, whoever dropped it. */
  onDisconnect(listener: (reason: string) => void): void;
  disconnect(): void;
}

/** A failure the page shows as is. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransportError";
  }
}

import type { AdvertisementJson, BridgeMessage, PageMessage } from "../hosts/node/provisioning/bridge-protocol.js";
import { TransportError, type GattTransport } from "./transport.js";

const ADVERTISEMENT_PATH = "/advertisement";
const GATT_PATH = "/gatt";
const REQUEST_TIMEOUT_MS = 10_000;

function toBase64(value: Uint8Array): string {
  let binary = "";
  for (const byte of value) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

/**
 * The desktop host's stand-in for the radio: the same shape as the Web
 * Bluetooth transport, over a WebSocket to the bridge that served the page.
 * "Scanning" is a look at the bridge's advertisement.
 */
export class BridgeTransport implements GattTransport {
  readonly label = "desktop bridge";
  #base: URL;
  #socket: WebSocket | undefined;
  #services = new Set<string>();
  #nextId = 1;
  #pending = new Map<number, { resolve: (value: Uint8Array) => void; reject: (error: Error) => void; timer: number }>();
  #listeners = new Map<string, Array<(value: Uint8Array) => void>>();
  #disconnectListeners: Array<(reason: string) => void> = [];

  constructor(base: string) {
    this.#base = new URL(base);
  }

  async connect(): Promise<string> {
    const response = await fetch(new URL(ADVERTISEMENT_PATH, this.#base), { cache: "no-store" });
    if (response.status === 404) throw new TransportError("No device found: its provisioning window is closed. Press the button on the device.");
    if (!response.ok) throw new TransportError(`the bridge answered ${response.status}`);
    const advertisement = (await response.json()) as AdvertisementJson;
    const url = new URL(GATT_PATH, this.#base);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    this.#socket = socket;
    const hello = await new Promise<BridgeMessage & { type: "hello" }>((resolve, reject) => {
      socket.addEventListener("message", (event) => {
        const message = JSON.parse(String(event.data)) as BridgeMessage;
        if (message.type === "hello") resolve(message);
        else this.#dispatch(message);
      });
      socket.addEventListener("close", (event) => {
        reject(new TransportError("the device refused the connection"));
        this.#closed(event.reason || "the device disconnected");
      });
    });
    for (const service of hello.services) this.#services.add(service.uuid);
    return hello.name || advertisement.name;
  }

  hasService(service: string): boolean {
    return this.#services.has(service);
  }

  read(_service: string, characteristic: string): Promise<Uint8Array> {
    return this.#request({ type: "read", id: 0, characteristic });
  }

  async write(_service: string, characteristic: string, value: Uint8Array): Promise<void> {
    await this.#request({ type: "write", id: 0, characteristic, value: toBase64(value) });
  }

  async subscribe(_service: string, characteristic: string, listener: (value: Uint8Array) => void): Promise<void> {
    const listeners = this.#listeners.get(characteristic) ?? [];
    listeners.push(listener);
    this.#listeners.set(characteristic, listeners);
    await this.#request({ type: "subscribe", id: 0, characteristic });
  }

  onDisconnect(listener: (reason: string) => void): void {
    this.#disconnectListeners.push(listener);
  }

  disconnect(): void {
    this.#socket?.close(1000, "closed by the page");
  }

  #request(message: PageMessage): Promise<Uint8Array> {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return Promise.reject(new TransportError("not connected"));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.#pending.delete(id);
        reject(new TransportError("the device did not answer"));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...message, id }));
    });
  }

  #dispatch(message: BridgeMessage): void {
    if (message.type === "reply") {
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      window.clearTimeout(pending.timer);
      if (message.error !== undefined) pending.reject(new TransportError(message.error));
      else pending.resolve(message.value === undefined ? new Uint8Array(0) : fromBase64(message.value));
    } else if (message.type === "notify") {
      const value = fromBase64(message.value);
      for (const listener of this.#listeners.get(message.characteristic) ?? []) listener(value);
    }
  }

  #closed(reason: string): void {
    this.#socket = undefined;
    this.#services.clear();
    this.#listeners.clear();
    for (const [, pending] of this.#pending) {
      window.clearTimeout(pending.timer);
      pending.reject(new TransportError("disconnected"));
    }
    this.#pending.clear();
    for (const listener of this.#disconnectListeners.splice(0)) listener(reason);
  }
}

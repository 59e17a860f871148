import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { WebSocketServer, type WebSocket } from "ws";
import type { BleAdvertisement, BleGattHandler, BleGattServer, Log } from "../../../src/interfaces/index.js";
import { PROVISIONING_SERVICES, findCharacteristic } from "../../../src/provision/gatt-table.js";
import {
  BRIDGE_ADVERTISEMENT_PATH,
  BRIDGE_BUTTON_PATH,
  BRIDGE_GATT_PATH,
  type AdvertisementJson,
  type BridgeMessage,
  type PageMessage,
} from "./bridge-protocol.js";

/** The MTU the bridge reports: what a BLE 4.2+ phone or laptop usually negotiates. */
export const BRIDGE_MTU = 247;
/** Largest WebSocket message accepted: a frame in base64 plus JSON, with room to spare. */
const MAX_MESSAGE_BYTES = 4096;

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
});

export interface GattBridgeOptions {
  readonly log: Log;
  /** Called for POST /button: the stand-in for the board's button. */
  readonly onButton: () => void;
  /** Folder served at / (the built companion site); nothing is served when absent. */
  readonly siteRoot?: string;
  /**
   * The link counts as encrypted and bonded as soon as it opens (default
   * true): the bridge listens on the loopback interface only and stands in
   * for a bonded LE Secure Connections link. False plays an unpaired client.
   */
  readonly secureLink?: boolean;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

/**
 * The desktop's stand-in for the radio: a BleGattServer whose "air" is a
 * WebSocket on localhost. One client at a time, accepted only while
 * advertising, as on the board. Encrypted characteristics refuse reads and
 * writes until the link is secured, as the board's GATT layer does.
 */
export class GattBridge implements BleGattServer {
  #options: GattBridgeOptions;
  #server: Server;
  #sockets: WebSocketServer;
  #handler: BleGattHandler | undefined;
  #advertisement: BleAdvertisement | undefined;
  #client: WebSocket | undefined;
  #secure = false;
  #subscribed = new Set<string>();

  private constructor(options: GattBridgeOptions) {
    this.#options = options;
    this.#sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
    this.#server = createServer((request, response) => this.#http(request, response));
    this.#server.on("upgrade", (request, socket, head) => {
      const path = new URL(request.url ?? "/", "http://bridge").pathname;
      if (path !== BRIDGE_GATT_PATH) return refuseUpgrade(socket, 404, "no such endpoint");
      if (this.#advertisement === undefined) {
        this.#options.log.write("info", "bridge_connection_refused", { reason: "not advertising" });
        return refuseUpgrade(socket, 503, "the device is not advertising (provisioning window closed)");
      }
      if (this.#client !== undefined) {
        this.#options.log.write("info", "bridge_connection_refused", { reason: "busy" });
        return refuseUpgrade(socket, 409, "the device already has a connection");
      }
      this.#sockets.handleUpgrade(request, socket, head, (client) => this.#accept(client));
    });
  }

  /** Starts the HTTP server; resolves once it listens. */
  static async start(options: GattBridgeOptions): Promise<GattBridge> {
    const bridge = new GattBridge(options);
    await new Promise<void>((resolveListen, reject) => {
      bridge.#server.once("error", reject);
      bridge.#server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolveListen());
    });
    return bridge;
  }

  /** http://host:port of the bridge. */
  get url(): string {
    const address = this.#server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  get connected(): boolean {
    return this.#client !== undefined;
  }

  // ---- BleGattServer ----

  listen(handler: BleGattHandler): void {
    this.#handler = handler;
  }

  startAdvertising(advertisement: BleAdvertisement): void {
    this.#advertisement = advertisement;
  }

  stopAdvertising(): void {
    this.#advertisement = undefined;
  }

  notify(characteristic: string, value: Uint8Array): void {
    if (this.#client === undefined || !this.#subscribed.has(characteristic)) return;
    this.#send({ type: "notify", characteristic, value: Buffer.from(value).toString("base64") });
  }

  disconnect(): void {
    const client = this.#client;
    if (client === undefined) return;
    this.#dropClient();
    client.close(1000, "disconnected by the device");
  }

  async close(): Promise<void> {
    this.disconnect();
    this.#sockets.close();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }

  // ---- the link ----

  #accept(client: WebSocket): void {
    this.#client = client;
    this.#subscribed.clear();
    this.#secure = false;
    client.on("message", (data, isBinary) => this.#message(client, isBinary ? "" : data.toString()));
    client.on("close", () => {
      if (this.#client === client) {
        this.#dropClient();
      }
    });
    client.on("error", () => client.terminate());
    this.#send({
      type: "hello",
      name: this.#advertisement?.name ?? "",
      services: PROVISIONING_SERVICES.map((service) => ({ uuid: service.uuid, characteristics: service.characteristics.map((c) => c.uuid) })),
      mtu: BRIDGE_MTU,
    });
    this.#handler?.onConnect();
    if (this.#client !== client) return; // refused by the handler
    this.#handler?.onMtu(BRIDGE_MTU);
    if (this.#options.secureLink ?? true) {
      this.#secure = true;
      this.#handler?.onLinkSecured();
    }
  }

  #dropClient(): void {
    this.#client = undefined;
    this.#subscribed.clear();
    this.#secure = false;
    this.#handler?.onDisconnect();
  }

  #send(message: BridgeMessage): void {
    this.#client?.send(JSON.stringify(message));
  }

  #message(client: WebSocket, text: string): void {
    if (client !== this.#client) return;
    let message: PageMessage;
    try {
      message = JSON.parse(text) as PageMessage;
    } catch {
      client.close(1003, "not JSON");
      return;
    }
    const id = typeof message.id === "number" ? message.id : -1;
    const characteristic = findCharacteristic(String(message.characteristic));
    if (characteristic === undefined) return this.#send({ type: "reply", id, error: "no such characteristic" });
    if (characteristic.encrypted && !this.#secure) return this.#send({ type: "reply", id, error: "insufficient encryption" });
    const allows = (property: string) => (characteristic.properties as readonly string[]).includes(property);
    switch (message.type) {
      case "read":
        if (!allows("read")) return this.#send({ type: "reply", id, error: "read not permitted" });
        return this.#send({ type: "reply", id, value: Buffer.from(this.#handler?.onRead(characteristic.uuid) ?? []).toString("base64") });
      case "write": {
        if (!allows("write")) return this.#send({ type: "reply", id, error: "write not permitted" });
        const value = typeof message.value === "string" ? Buffer.from(message.value, "base64") : Buffer.alloc(0);
        if (value.length > characteristic.maxBytes) return this.#send({ type: "reply", id, error: "invalid attribute value length" });
        // Reply first, as a GATT write response precedes the notifications it causes.
        this.#send({ type: "reply", id });
        this.#handler?.onWrite(characteristic.uuid, new Uint8Array(value));
        return;
      }
      case "subscribe":
        if (!allows("notify")) return this.#send({ type: "reply", id, error: "notify not permitted" });
        this.#subscribed.add(characteristic.uuid);
        return this.#send({ type: "reply", id });
      default:
        return this.#send({ type: "reply", id, error: "unknown request" });
    }
  }

  // ---- plain HTTP: advertisement, button, the companion site ----

  #http(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? "/", "http://bridge").pathname;
    if (path === BRIDGE_ADVERTISEMENT_PATH && request.method === "GET") {
      const advertisement = this.#advertisement;
      if (advertisement === undefined) return sendJson(response, 404, { error: "not advertising" });
      const body: AdvertisementJson = {
        name: advertisement.name,
        serviceUuids: advertisement.serviceUuids,
        serviceData: advertisement.serviceData && { uuid16: advertisement.serviceData.uuid16, data: Buffer.from(advertisement.serviceData.data).toString("base64") },
      };
      return sendJson(response, 200, body);
    }
    if (path === BRIDGE_BUTTON_PATH && request.method === "POST") {
      request.resume();
      this.#options.onButton();
      return sendJson(response, 200, { pressed: true });
    }
    if (request.method === "GET" && this.#options.siteRoot !== undefined) return this.#serveFile(path, response);
    sendJson(response, 404, { error: "not found" });
  }

  #serveFile(path: string, response: ServerResponse): void {
    if (path === "/favicon.ico") {
      response.writeHead(204);
      return void response.end();
    }
    if (path === "/") {
      response.writeHead(302, { location: "/companion/" });
      return void response.end();
    }
    const root = resolve(this.#options.siteRoot as string);
    const relative = (path.endsWith("/") ? path + "index.html" : decodeURIComponent(path)).replace(/^\/+/, "");
    const file = normalize(join(root, relative));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return sendJson(response, 404, { error: "not found" });
    response.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
      // The page needs nothing from elsewhere: no CDN, no external network.
      "content-security-policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self'",
    });
    createReadStream(file).pipe(response);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(JSON.stringify(body));
}

function refuseUpgrade(socket: { write(text: string): unknown; destroy(): void }, status: number, reason: string): void {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * A stand-in for the browser's Web Bluetooth API, injected into the page
 * before its scripts run: requestDevice hands out a "device" whose GATT calls
 * travel over the desktop bridge's WebSocket. It lets the page's Web Bluetooth
 * transport (not the bridge transport) run against the real device code in
 * headless Chromium, which has no Bluetooth adapter. With `hideVendor`, the
 * device offers Improv only, as another maker's Improv device would.
 *
 * Plain JavaScript in a string: it runs in the page, not in Node.
 */
export function fakeWebBluetoothScript(options: { hideVendor: boolean; vendorService: string }): string {
  return `(() => {
  const HIDE_VENDOR = ${JSON.stringify(options.hideVendor)};
  const VENDOR = ${JSON.stringify(options.vendorService)};
  const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
  const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const view = (bytes) => new DataView(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  window.__bluetoothRequests = [];

  class Link {
    constructor(device) { this.device = device; this.next = 1; this.pending = new Map(); this.listeners = new Map(); this.services = []; }
    open() {
      return new Promise((resolve, reject) => {
        const socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/gatt");
        this.socket = socket;
        socket.onmessage = (event) => {
          const message = JSON.parse(event.data);
          if (message.type === "hello") { this.services = message.services.map((s) => s.uuid); resolve(); }
          else if (message.type === "reply") {
            const pending = this.pending.get(message.id);
            if (!pending) return;
            this.pending.delete(message.id);
            if (message.error) pending.reject(new DOMException(message.error, "NotSupportedError"));
            else pending.resolve(message.value ? fromBase64(message.value) : new Uint8Array(0));
          } else if (message.type === "notify") {
            const listener = this.listeners.get(message.characteristic);
            if (listener) listener(fromBase64(message.value));
          }
        };
        socket.onclose = () => {
          reject(new DOMException("Connection failed", "NetworkError"));
          for (const [, pending] of this.pending) pending.reject(new DOMException("GATT Server is disconnected.", "NetworkError"));
          this.pending.clear();
          this.device.gatt.connected = false;
          this.device.dispatchEvent(new Event("gattserverdisconnected"));
        };
      });
    }
    request(message) {
      return new Promise((resolve, reject) => {
        const id = this.next++;
        this.pending.set(id, { resolve, reject });
        this.socket.send(JSON.stringify({ ...message, id }));
      });
    }
  }

  class Characteristic extends EventTarget {
    constructor(link, uuid) { super(); this.link = link; this.uuid = uuid; this.value = undefined; }
    async readValue() { this.value = view(await this.link.request({ type: "read", characteristic: this.uuid })); return this.value; }
    async writeValueWithResponse(buffer) { await this.link.request({ type: "write", characteristic: this.uuid, value: toBase64(new Uint8Array(buffer)) }); }
    async startNotifications() {
      this.link.listeners.set(this.uuid, (bytes) => { this.value = view(bytes); this.dispatchEvent(new Event("characteristicvaluechanged")); });
      await this.link.request({ type: "subscribe", characteristic: this.uuid });
      return this;
    }
  }

  class Service {
    constructor(link, uuid) { this.link = link; this.uuid = uuid; this.characteristics = new Map(); }
    async getCharacteristic(uuid) {
      if (!this.characteristics.has(uuid)) this.characteristics.set(uuid, new Characteristic(this.link, uuid));
      return this.characteristics.get(uuid);
    }
  }

  class Server {
    constructor(device) { this.device = device; this.connected = false; }
    async connect() { this.link = new Link(this.device); await this.link.open(); this.connected = true; return this; }
    disconnect() { this.link && this.link.socket.close(); }
    async getPrimaryService(uuid) {
      if (!this.link.services.includes(uuid) || (HIDE_VENDOR && uuid === VENDOR)) throw new DOMException("No Services matching UUID " + uuid + " found in Device.", "NotFoundError");
      return new Service(this.link, uuid);
    }
  }

  class Device extends EventTarget {
    constructor(name) { super(); this.name = name; this.gatt = new Server(this); }
  }

  const bluetooth = {
    async requestDevice(options) {
      window.__bluetoothRequests.push(JSON.parse(JSON.stringify(options)));
      const response = await fetch("/advertisement");
      if (response.status !== 200) throw new DOMException("User cancelled the requestDevice() chooser.", "NotFoundError");
      const advertisement = await response.json();
      const wanted = options.filters.flatMap((filter) => filter.services || []);
      if (!wanted.every((uuid) => advertisement.serviceUuids.includes(uuid))) throw new DOMException("User cancelled the requestDevice() chooser.", "NotFoundError");
      return new Device(advertisement.name);
    },
  };
  Object.defineProperty(Navigator.prototype, "bluetooth", { configurable: true, get: () => bluetooth });
})();`;
}

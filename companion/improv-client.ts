import { decodeStringList, improvCommandFrame, parseDeviceInfo, parseScanResult, type DeviceInfo, type WifiCredentials, type WifiNetwork } from "../src/provision/improv-codec.js";
import { IMPROV_CHARACTERISTIC, IMPROV_SERVICE_UUID, ImprovCapability, ImprovCommand, ImprovError, ImprovState, improvErrorName } from "../src/provision/improv-protocol.js";
import { decodeRpcFrame } from "../src/provision/rpc-frame.js";
import { TransportError, type GattTransport } from "./transport.js";

const RESULT_TIMEOUT_MS = 20_000;
const JOIN_TIMEOUT_MS = 60_000;

/** An Improv error the device reported, with its code. */
export class ImprovFailure extends Error {
  constructor(readonly code: number) {
    super(improvErrorName(code));
    this.name = "ImprovFailure";
  }
}

export interface ImprovEvents {
  onState(state: number): void;
  onError(error: number): void;
}

interface Waiter {
  readonly command: number;
  readonly resolve: (strings: string[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * An Improv Wi-Fi client over any GATT transport: works with any device that
 * implements the published protocol, Ephemera's or another maker's.
 */
export class ImprovClient {
  #transport: GattTransport;
  #events: ImprovEvents;
  state = 0;
  error = 0;
  capabilities = 0;
  #waiters: Waiter[] = [];
  #stateWaiters: Array<() => void> = [];

  constructor(transport: GattTransport, events: ImprovEvents) {
    this.#transport = transport;
    this.#events = events;
  }

  async start(): Promise<void> {
    const service = IMPROV_SERVICE_UUID;
    await this.#transport.subscribe(service, IMPROV_CHARACTERISTIC.currentState, (value) => this.#state(value[0]));
    await this.#transport.subscribe(service, IMPROV_CHARACTERISTIC.errorState, (value) => this.#error(value[0]));
    await this.#transport.subscribe(service, IMPROV_CHARACTERISTIC.rpcResult, (value) => this.#result(value));
    this.capabilities = (await this.#transport.read(service, IMPROV_CHARACTERISTIC.capabilities))[0] ?? 0;
    this.#state((await this.#transport.read(service, IMPROV_CHARACTERISTIC.currentState))[0] ?? 0);
    this.#error((await this.#transport.read(service, IMPROV_CHARACTERISTIC.errorState))[0] ?? 0);
  }

  can(capability: number): boolean {
    return (this.capabilities & capability) !== 0;
  }

  async deviceInfo(): Promise<DeviceInfo | undefined> {
    if (!this.can(ImprovCapability.deviceInfo)) return undefined;
    return parseDeviceInfo(await this.#call(ImprovCommand.deviceInfo, improvCommandFrame.deviceInfo(), RESULT_TIMEOUT_MS));
  }

  async scan(): Promise<WifiNetwork[]> {
    if (!this.can(ImprovCapability.scanNetworks)) return [];
    const networks = parseScanResult(await this.#call(ImprovCommand.scanNetworks, improvCommandFrame.scanNetworks(), RESULT_TIMEOUT_MS));
    if (networks === undefined) throw new TransportError("the device sent a malformed scan result");
    return networks;
  }

  async identify(): Promise<void> {
    await this.#transport.write(IMPROV_SERVICE_UUID, IMPROV_CHARACTERISTIC.rpcCommand, improvCommandFrame.identify());
  }

  /** Sends the credentials; resolves once provisioned, rejects with the device's error (e.g. unable to connect). */
  async sendWifi(credentials: WifiCredentials): Promise<void> {
    const done = this.#call(ImprovCommand.sendWifiSettings, improvCommandFrame.sendWifiSettings(credentials), JOIN_TIMEOUT_MS);
    await done;
    if (this.state !== ImprovState.provisioned) await new Promise<void>((resolve) => this.#stateWaiters.push(resolve));
  }

  /** Writes a command and waits for its result, or for an error state. */
  #call(command: number, frame: Uint8Array, timeoutMs: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new TransportError("the device did not answer in time"))), timeoutMs);
      const settle = (action: () => void) => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((waiter) => waiter !== entry);
        action();
      };
      const entry: Waiter = {
        command,
        resolve: (strings) => settle(() => resolve(strings)),
        reject: (error) => settle(() => reject(error)),
      };
      this.#waiters.push(entry);
      this.#transport.write(IMPROV_SERVICE_UUID, IMPROV_CHARACTERISTIC.rpcCommand, frame).catch((error: unknown) => entry.reject(error instanceof Error ? error : new Error(String(error))));
    });
  }

  #state(state: number): void {
    this.state = state;
    this.#events.onState(state);
    if (state === ImprovState.provisioned) for (const waiter of this.#stateWaiters.splice(0)) waiter();
  }

  #error(error: number): void {
    this.error = error;
    this.#events.onError(error);
    if (error !== ImprovError.none) for (const waiter of [...this.#waiters]) waiter.reject(new ImprovFailure(error));
  }

  #result(value: Uint8Array): void {
    const decoded = decodeRpcFrame(value);
    if (!decoded.ok) return;
    const strings = decodeStringList(decoded.frame.data);
    if (strings === undefined) return;
    for (const waiter of [...this.#waiters]) if (waiter.command === decoded.frame.command) waiter.resolve(strings);
  }
}

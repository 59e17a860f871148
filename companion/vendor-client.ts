import { decodeRpcFrame } from "../src/provision/rpc-frame.js";
import {
  PreviewAssembler,
  decodeVendorResult,
  parseSettingsStrings,
  vendorCommandFrames,
  vendorPayload,
  type PreviewImage,
  type RoiFractions,
  type SettingsSummary,
  type VendorResult,
} from "../src/provision/vendor-codec.js";
import { VENDOR_CHARACTERISTIC, VENDOR_SERVICE_UUID, VendorCommand, VendorStatus, vendorStatusName } from "../src/provision/vendor-protocol.js";
import { TransportError, type GattTransport } from "./transport.js";

const RESULT_TIMEOUT_MS = 30_000;

/** A vendor command the device refused, with its status and the device's words. */
export class VendorFailure extends Error {
  constructor(readonly status: number, readonly details: readonly string[]) {
    super(details.length > 0 ? `${vendorStatusName(status)}: ${details.join(" — ")}` : vendorStatusName(status));
    this.name = "VendorFailure";
  }
}

/** The settings the page sends; empty fields are left as the device has them. */
export interface VendorSettingsInput {
  readonly collectorUrl?: string;
  readonly collectorCa?: string;
  readonly deviceToken?: string;
  readonly site?: string;
  readonly windowMinutes?: number;
  readonly roi?: RoiFractions;
}

/** Ephemera's vendor service: settings, apply, preview. One command at a time. */
export class VendorClient {
  #transport: GattTransport;
  #queue: Promise<unknown> = Promise.resolve();
  #resultWaiter: ((result: VendorResult) => void) | undefined;
  #preview = new PreviewAssembler();
  #lastImage: PreviewImage | undefined;

  constructor(transport: GattTransport) {
    this.#transport = transport;
  }

  get available(): boolean {
    return this.#transport.hasService(VENDOR_SERVICE_UUID);
  }

  async start(): Promise<void> {
    await this.#transport.subscribe(VENDOR_SERVICE_UUID, VENDOR_CHARACTERISTIC.result, (value) => void this.#onResult(value));
    await this.#transport.subscribe(VENDOR_SERVICE_UUID, VENDOR_CHARACTERISTIC.preview, (value) => {
      const decoded = decodeRpcFrame(value);
      if (decoded.ok) this.#lastImage = this.#preview.push(decoded.frame) ?? this.#lastImage;
    });
  }

  /** Sends each given setting, then apply; rejects at the first refusal. */
  async applySettings(settings: VendorSettingsInput): Promise<void> {
    const text = vendorPayload.text;
    if (settings.collectorUrl) await this.command(VendorCommand.setCollectorUrl, text(settings.collectorUrl));
    if (settings.collectorCa) await this.command(VendorCommand.setCollectorCa, text(settings.collectorCa));
    if (settings.deviceToken) await this.command(VendorCommand.setDeviceToken, text(settings.deviceToken));
    if (settings.site) await this.command(VendorCommand.setSite, text(settings.site));
    if (settings.windowMinutes !== undefined) await this.command(VendorCommand.setWindowMinutes, vendorPayload.windowMinutes(settings.windowMinutes));
    if (settings.roi) await this.command(VendorCommand.setRoi, vendorPayload.roi(settings.roi));
    await this.command(VendorCommand.apply);
  }

  async settings(): Promise<SettingsSummary> {
    const summary = parseSettingsStrings((await this.command(VendorCommand.getSettings)).strings);
    if (summary === undefined) throw new TransportError("the device sent malformed settings");
    return summary;
  }

  /** One aiming frame (96x96 or coarser, faces blurred on the device). */
  async preview(): Promise<{ image: PreviewImage; faces: number }> {
    this.#lastImage = undefined;
    const result = await this.command(VendorCommand.preview);
    const image = this.#lastImage as PreviewImage | undefined;
    if (image === undefined) throw new TransportError("the preview arrived incomplete");
    return { image, faces: Number(result.strings[2] ?? 0) };
  }

  /** Sends one command (in chunks) and resolves with its result; rejects when the status is not ok. */
  command(command: number, payload?: Uint8Array): Promise<VendorResult> {
    const run = this.#queue.then(() => this.#send(command, payload));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #send(command: number, payload: Uint8Array | undefined): Promise<VendorResult> {
    let answered: VendorResult | undefined;
    const result = new Promise<VendorResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#resultWaiter = undefined;
        reject(new TransportError("the device did not answer in time"));
      }, RESULT_TIMEOUT_MS);
      this.#resultWaiter = (value) => {
        clearTimeout(timer);
        this.#resultWaiter = undefined;
        answered = value;
        resolve(value);
      };
    });
    for (const frame of vendorCommandFrames(command, payload)) {
      if (answered !== undefined) break; // refused early: the rest would be refused too
      await this.#transport.write(VENDOR_SERVICE_UUID, VENDOR_CHARACTERISTIC.command, frame);
    }
    const value = await result;
    if (value.status !== VendorStatus.ok) throw new VendorFailure(value.status, value.strings);
    return value;
  }

  async #onResult(value: Uint8Array): Promise<void> {
    let decoded = decodeRpcFrame(value);
    // A notification longer than the MTU is cut: read the whole value.
    if (!decoded.ok) decoded = decodeRpcFrame(await this.#transport.read(VENDOR_SERVICE_UUID, VENDOR_CHARACTERISTIC.result));
    if (!decoded.ok) return;
    const result = decodeVendorResult(decoded.frame);
    if (result !== undefined) this.#resultWaiter?.(result);
  }
}

import { ConfigError } from "../config/config-error.js";
import { parseConfig } from "../config/config.js";
import type { BleGattHandler, BleGattServer, Cancel, Clock, Log, Store } from "../interfaces/index.js";
import {
  IMPROV_CHARACTERISTIC,
  IMPROV_SERVICE_DATA_UUID16,
  IMPROV_SERVICE_UUID,
  ImprovCapability,
  ImprovCommand,
  ImprovError,
  ImprovState,
} from "./improv-protocol.js";
import { decodeWifiCredentials, deviceInfoStrings, encodeStringList, scanResultStrings, type DeviceInfo, type WifiCredentials } from "./improv-codec.js";
import { RpcFrameAssembler } from "./frame-assembler.js";
import { caFingerprint, checkCaPem } from "./pem.js";
import type { CollectorCheck, WifiStation } from "./ports.js";
import type { PreviewSource } from "./preview.js";
import { encodeRpcFrame, type RpcFrame } from "./rpc-frame.js";
import { ProvisioningStore, deviceConfigJson, type VendorSettings } from "./settings-store.js";
import {
  VendorChunkAssembler,
  encodeVendorResult,
  parseVendorPayload,
  previewChunkFrames,
  settingsStrings,
  type RoiFractions,
} from "./vendor-codec.js";
import { VENDOR_CHARACTERISTIC, VendorCommand, VendorStatus } from "./vendor-protocol.js";

/** Authorization by the button lapses this long after the press or the last authorized command. */
export const AUTHORIZATION_MS = 60_000;
/** The provisioning window closes this long after it opened or after the last button press. */
export const WINDOW_MS = 10 * 60_000;
/** A Wi-Fi join or a collector check that takes longer than this has failed. */
export const OPERATION_TIMEOUT_MS = 30_000;
/** After success the window closes this much later, so that the last result reaches the client. */
export const CLOSE_AFTER_SUCCESS_MS = 1_000;
/** ATT MTU before any exchange: notifications carry 20 bytes. */
const DEFAULT_MTU = 23;

export type WindowCloseReason = "success" | "timeout" | "stopped";

export interface ProvisionerStatus {
  readonly windowOpen: boolean;
  readonly improvState: number;
  readonly improvError: number;
  readonly authorized: boolean;
  readonly connected: boolean;
  readonly linkSecure: boolean;
  /** Wi-Fi and vendor settings saved and valid. */
  readonly provisioned: boolean;
}

export interface ProvisionerOptions {
  readonly ble: BleGattServer;
  readonly wifi: WifiStation;
  readonly collector: CollectorCheck;
  readonly clock: Clock;
  readonly store: Store;
  readonly log: Log;
  /** The board's id (goes into the config; not provisioned over BLE). */
  readonly deviceId: string;
  readonly deviceInfo: DeviceInfo;
  /** The aiming preview (an AimingPreview); without it preview requests are refused. */
  readonly preview?: PreviewSource;
  /** Makes the board noticeable (LED, sound) for Improv's identify. */
  readonly identify?: () => void;
  /** Called after settings were saved and the window closed on success. */
  readonly onProvisioned?: () => void;
  /** Called on every change of window, state or link, for displays and tests. */
  readonly onChange?: (status: ProvisionerStatus) => void;
  readonly authorizationMs?: number;
  readonly windowMs?: number;
}

type Staged = { -readonly [K in keyof VendorSettings]?: VendorSettings[K] };

const CAPABILITIES_BASE = ImprovCapability.deviceInfo | ImprovCapability.scanNetworks;

/**
 * The provisioning state machine behind both GATT services.
 *
 * - Window: open at start on an unprovisioned board, or from the button;
 *   closed after success (settings saved with Wi-Fi up) or WINDOW_MS after it
 *   opened or the last press. Closed means not advertising and no connection.
 * - Authorization: the button authorizes for AUTHORIZATION_MS, renewed by each
 *   authorized command; Improv's "send Wi-Fi settings" and every vendor command
 *   need it, vendor commands also an encrypted, bonded link.
 * - Credentials (Wi-Fi password, device token, CA) are never logged.
 */
export class Provisioner implements BleGattHandler {
  #ble: BleGattServer;
  #wifi: WifiStation;
  #collector: CollectorCheck;
  #clock: Clock;
  #log: Log;
  #settings: ProvisioningStore;
  #deviceId: string;
  #deviceInfo: DeviceInfo;
  #preview: PreviewSource | undefined;
  #identify: (() => void) | undefined;
  #onProvisioned: () => void;
  #onChange: ((status: ProvisionerStatus) => void) | undefined;
  #authorizationMs: number;
  #windowMs: number;

  #started = false;
  #windowOpen = false;
  #windowTimer: Cancel | undefined;
  #authorized = false;
  #authTimer: Cancel | undefined;
  #closeTimer: Cancel | undefined;
  #state: number = ImprovState.authorizationRequired;
  #error: number = ImprovError.none;
  #connected = false;
  #secure = false;
  #mtu = DEFAULT_MTU;
  /** One Wi-Fi join, scan, check or capture at a time. */
  #busy = false;
  /** Bumped whenever the window closes or the link drops: stale async results are ignored. */
  #epoch = 0;
  #improvFrames = new RpcFrameAssembler();
  #vendorFrames = new RpcFrameAssembler();
  #vendorChunks = new VendorChunkAssembler();
  #improvResult: Uint8Array = new Uint8Array(0);
  #vendorResult: Uint8Array = new Uint8Array(0);
  #staged: Staged = {};
  #previewSeq = 0;
  /** Whether the store holds a complete, valid configuration; recomputed after each save. */
  #provisioned = false;

  constructor(options: ProvisionerOptions) {
    this.#ble = options.ble;
    this.#wifi = options.wifi;
    this.#collector = options.collector;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#settings = new ProvisioningStore(options.store);
    this.#deviceId = options.deviceId;
    this.#deviceInfo = options.deviceInfo;
    this.#preview = options.preview;
    this.#identify = options.identify;
    this.#onProvisioned = options.onProvisioned ?? (() => {});
    this.#onChange = options.onChange;
    this.#authorizationMs = options.authorizationMs ?? AUTHORIZATION_MS;
    this.#windowMs = options.windowMs ?? WINDOW_MS;
  }

  /** Starts listening; opens the window when the board is not provisioned. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#ble.listen(this);
    this.#provisioned = this.#settings.provisioned(this.#deviceId);
    const provisioned = this.#provisioned;
    this.#log.write("info", "provisioning_started", { provisioned });
    if (!provisioned) this.#openWindow("unprovisioned");
  }

  /** The physical button: opens the window if closed, and authorizes. */
  pressButton(): void {
    if (!this.#started) return;
    this.#log.write("info", "provisioning_button");
    if (!this.#windowOpen) this.#openWindow("button");
    else this.#armWindowTimer();
    this.#authorized = true;
    this.#armAuthTimer();
    if (this.#state === ImprovState.authorizationRequired) this.#setState(ImprovState.authorized);
    else this.#changed();
  }

  /** Closes the window and stops listening for good. */
  stop(): void {
    if (this.#windowOpen) this.#closeWindow("stopped");
    this.#started = false;
  }

  get provisioned(): boolean {
    return this.#provisioned;
  }

  get status(): ProvisionerStatus {
    return {
      windowOpen: this.#windowOpen,
      improvState: this.#state,
      improvError: this.#error,
      authorized: this.#authorized,
      connected: this.#connected,
      linkSecure: this.#secure,
      provisioned: this.provisioned,
    };
  }

  // ---- BleGattHandler ----

  onConnect(): void {
    this.#connected = true;
    this.#secure = false;
    this.#mtu = DEFAULT_MTU;
    this.#resetLink();
    if (!this.#windowOpen) {
      this.#ble.disconnect();
      return;
    }
    this.#log.write("info", "provisioning_connected");
    this.#changed();
  }

  onDisconnect(): void {
    this.#connected = false;
    this.#secure = false;
    this.#resetLink();
    this.#staged = {};
    this.#log.write("info", "provisioning_disconnected");
    this.#changed();
  }

  onLinkSecured(): void {
    if (!this.#connected) return;
    this.#secure = true;
    this.#log.write("info", "provisioning_link_secured");
    this.#changed();
  }

  onMtu(mtu: number): void {
    if (Number.isInteger(mtu) && mtu >= DEFAULT_MTU && mtu <= 517) this.#mtu = mtu;
  }

  onRead(characteristic: string): Uint8Array {
    switch (characteristic) {
      case IMPROV_CHARACTERISTIC.currentState: return Uint8Array.of(this.#state);
      case IMPROV_CHARACTERISTIC.errorState: return Uint8Array.of(this.#error);
      case IMPROV_CHARACTERISTIC.capabilities: return Uint8Array.of(this.#capabilities);
      case IMPROV_CHARACTERISTIC.rpcResult: return this.#improvResult;
      case VENDOR_CHARACTERISTIC.result: return this.#secure ? this.#vendorResult : new Uint8Array(0);
      default: return new Uint8Array(0);
    }
  }

  onWrite(characteristic: string, value: Uint8Array): void {
    if (!this.#windowOpen || !this.#connected) return;
    if (characteristic === IMPROV_CHARACTERISTIC.rpcCommand) {
      for (const decoded of this.#improvFrames.push(value, this.#clock.now())) {
        if (decoded.ok) this.#improvCommand(decoded.frame);
        else this.#setError(ImprovError.invalidRpc);
      }
    } else if (characteristic === VENDOR_CHARACTERISTIC.command) {
      if (!this.#secure) {
        this.#vendorFrames.reset();
        this.#vendorReply(0, VendorStatus.linkNotSecure);
        return;
      }
      for (const decoded of this.#vendorFrames.push(value, this.#clock.now())) {
        if (decoded.ok) this.#vendorFrame(decoded.frame);
        else {
          this.#vendorChunks.reset();
          this.#vendorReply(0, VendorStatus.invalidPacket, [decoded.problem]);
        }
      }
    }
  }

  // ---- window and authorization ----

  #openWindow(reason: "unprovisioned" | "button"): void {
    this.#windowOpen = true;
    this.#authorized = false;
    this.#state = ImprovState.authorizationRequired;
    this.#error = ImprovError.none;
    this.#staged = {};
    this.#armWindowTimer();
    this.#advertise();
    this.#log.write("info", "provisioning_window_opened", { reason });
    this.#changed();
  }

  #closeWindow(reason: WindowCloseReason): void {
    this.#windowOpen = false;
    this.#epoch++;
    this.#windowTimer?.();
    this.#authTimer?.();
    this.#closeTimer?.();
    this.#windowTimer = this.#authTimer = this.#closeTimer = undefined;
    this.#authorized = false;
    this.#busy = false;
    this.#state = ImprovState.authorizationRequired;
    this.#staged = {};
    this.#ble.stopAdvertising();
    if (this.#connected) this.#ble.disconnect();
    this.#log.write("info", "provisioning_window_closed", { reason });
    this.#changed();
  }

  #armWindowTimer(): void {
    this.#windowTimer?.();
    this.#windowTimer = this.#clock.schedule(this.#windowMs, () => {
      this.#windowTimer = undefined;
      if (this.#windowOpen) this.#closeWindow("timeout");
    });
  }

  #armAuthTimer(): void {
    this.#authTimer?.();
    this.#authTimer = this.#clock.schedule(this.#authorizationMs, () => {
      this.#authTimer = undefined;
      this.#lapse();
    });
  }

  /** Authorization ends; a Wi-Fi join in progress finishes first. */
  #lapse(): void {
    if (!this.#authorized) return;
    if (this.#busy && this.#state === ImprovState.provisioning) return;
    this.#authorized = false;
    this.#log.write("info", "provisioning_authorization_lapsed");
    this.#setState(ImprovState.authorizationRequired);
  }

  /** An authorized command was accepted: authorization runs another full period. */
  #renewAuthorization(): void {
    if (this.#authorized) this.#armAuthTimer();
  }

  get #capabilities(): number {
    return CAPABILITIES_BASE | (this.#identify ? ImprovCapability.identify : 0);
  }

  #advertise(): void {
    if (!this.#windowOpen) return;
    this.#ble.startAdvertising({
      name: this.#deviceInfo.deviceName,
      serviceUuids: [IMPROV_SERVICE_UUID],
      serviceData: { uuid16: IMPROV_SERVICE_DATA_UUID16, data: Uint8Array.of(this.#state, this.#capabilities, 0, 0, 0, 0) },
    });
  }

  #setState(state: number): void {
    if (this.#state !== state) {
      this.#state = state;
      if (this.#connected) this.#ble.notify(IMPROV_CHARACTERISTIC.currentState, Uint8Array.of(state));
      this.#advertise();
    }
    this.#changed();
  }

  #setError(error: number): void {
    this.#error = error;
    if (this.#connected) this.#ble.notify(IMPROV_CHARACTERISTIC.errorState, Uint8Array.of(error));
    this.#changed();
  }

  #changed(): void {
    this.#onChange?.(this.status);
  }

  #resetLink(): void {
    this.#improvFrames.reset();
    this.#vendorFrames.reset();
    this.#vendorChunks.reset();
    this.#epoch++;
    this.#busy = false;
    if (this.#state === ImprovState.provisioning) this.#state = this.#authorized ? ImprovState.authorized : ImprovState.authorizationRequired;
  }

  // ---- Improv ----

  #improvCommand(frame: RpcFrame): void {
    switch (frame.command) {
      case ImprovCommand.sendWifiSettings: return this.#sendWifiSettings(frame.data);
      case ImprovCommand.identify:
        if (frame.data.length !== 0) return this.#setError(ImprovError.invalidRpc);
        this.#setError(ImprovError.none);
        this.#log.write("info", "provisioning_identify");
        this.#identify?.();
        return;
      case ImprovCommand.deviceInfo:
        if (frame.data.length !== 0) return this.#setError(ImprovError.invalidRpc);
        this.#setError(ImprovError.none);
        return this.#improvReply(ImprovCommand.deviceInfo, deviceInfoStrings(this.#deviceInfo));
      case ImprovCommand.scanNetworks:
        if (frame.data.length !== 0) return this.#setError(ImprovError.invalidRpc);
        return this.#scan();
      default:
        return this.#setError(ImprovError.unknownRpc);
    }
  }

  #improvReply(command: number, strings: readonly string[]): void {
    this.#improvResult = encodeRpcFrame(command, encodeStringList(strings));
    if (this.#connected) this.#ble.notify(IMPROV_CHARACTERISTIC.rpcResult, this.#improvResult);
  }

  #sendWifiSettings(data: Uint8Array): void {
    if (!this.#authorized) return this.#setError(ImprovError.notAuthorized);
    const credentials = decodeWifiCredentials(data);
    if (credentials === undefined) return this.#setError(ImprovError.invalidRpc);
    if (this.#busy) return this.#setError(ImprovError.unknown);
    this.#setError(ImprovError.none);
    this.#setState(ImprovState.provisioning);
    this.#log.write("info", "provisioning_wifi_joining", { ssid: credentials.ssid });
    this.#run(() => this.#wifi.connect(credentials), (result) => this.#wifiJoined(credentials, result.ok ? undefined : result.reason));
  }

  #wifiJoined(credentials: WifiCredentials, failure: string | undefined): void {
    if (failure === undefined) {
      try {
        this.#settings.saveWifi(credentials);
        this.#provisioned = this.#settings.provisioned(this.#deviceId);
      } catch (error) {
        this.#log.write("error", "provisioning_store_failed", { what: "wifi", reason: errorText(error) });
        this.#setState(ImprovState.authorized);
        return this.#setError(ImprovError.unknown);
      }
      this.#log.write("info", "provisioning_wifi_joined", { ssid: credentials.ssid });
      this.#setState(ImprovState.provisioned);
      this.#renewAuthorization();
      this.#improvReply(ImprovCommand.sendWifiSettings, []);
    } else {
      this.#log.write("warn", "provisioning_wifi_failed", { ssid: credentials.ssid, reason: failure });
      this.#setState(this.#authorized ? ImprovState.authorized : ImprovState.authorizationRequired);
      this.#renewAuthorization();
      this.#setError(ImprovError.unableToConnect);
    }
  }

  #scan(): void {
    if (this.#busy) return this.#setError(ImprovError.unknown);
    this.#setError(ImprovError.none);
    this.#run(() => this.#wifi.scan(), (networks) => {
      this.#log.write("info", "provisioning_wifi_scanned", { networks: networks.length });
      this.#improvReply(ImprovCommand.scanNetworks, scanResultStrings(networks));
    }, () => this.#setError(ImprovError.unknown));
  }

  /**
   * Runs one asynchronous operation with a timeout; its outcome is dropped if
   * the window closed or the link dropped meanwhile. `failed` gets timeouts
   * and rejections (default: the operation's own handler never runs and the
   * Improv error becomes "unknown").
   */
  #run<T>(operation: () => Promise<T>, done: (value: T) => void, failed?: (reason: string) => void): void {
    const epoch = this.#epoch;
    this.#busy = true;
    let settled = false;
    const finish = (apply: () => void): void => {
      if (settled) return;
      settled = true;
      cancelTimeout();
      if (epoch !== this.#epoch) return;
      this.#busy = false;
      apply();
    };
    const onFail = (reason: string): void => {
      this.#log.write("warn", "provisioning_operation_failed", { reason });
      if (failed) failed(reason);
      else {
        if (this.#state === ImprovState.provisioning) this.#setState(this.#authorized ? ImprovState.authorized : ImprovState.authorizationRequired);
        this.#setError(ImprovError.unknown);
      }
    };
    const cancelTimeout = this.#clock.schedule(OPERATION_TIMEOUT_MS, () => finish(() => onFail("timeout")));
    let promise: Promise<T>;
    try {
      promise = operation();
    } catch (error) {
      finish(() => onFail(errorText(error)));
      return;
    }
    promise.then(
      (value) => finish(() => done(value)),
      (error: unknown) => finish(() => onFail(errorText(error))),
    );
  }

  // ---- vendor service ----

  #vendorReply(command: number, status: number, strings: readonly string[] = []): void {
    this.#vendorResult = encodeVendorResult(command, status, strings);
    if (this.#connected) this.#ble.notify(VENDOR_CHARACTERISTIC.result, this.#vendorResult);
  }

  #vendorFrame(frame: RpcFrame): void {
    // Every chunk is refused without authorization: nothing is assembled, and the last answer a client sees says why.
    if (!this.#authorized) {
      this.#vendorChunks.reset();
      return this.#vendorReply(frame.command, VendorStatus.notAuthorized);
    }
    const outcome = this.#vendorChunks.push(frame);
    if (outcome.kind === "partial") return;
    if (outcome.kind === "error") return this.#vendorReply(outcome.command, outcome.status, [outcome.problem]);
    const { command, payload } = outcome;
    this.#renewAuthorization();
    switch (command) {
      case VendorCommand.setCollectorUrl: return this.#stageText(command, "collectorUrl", payload);
      case VendorCommand.setDeviceToken: return this.#stageText(command, "deviceToken", payload);
      case VendorCommand.setSite: return this.#stageText(command, "site", payload);
      case VendorCommand.setCollectorCa: return this.#stageCa(payload);
      case VendorCommand.setWindowMinutes: {
        const minutes = parseVendorPayload.windowMinutes(payload);
        if (minutes === undefined) return this.#vendorReply(command, VendorStatus.invalidPacket, ["window minutes must be 2 bytes"]);
        return this.#stageChecked(command, "windowMinutes", minutes);
      }
      case VendorCommand.setRoi: {
        const roi = parseVendorPayload.roi(payload);
        if (roi === undefined) return this.#vendorReply(command, VendorStatus.invalidPacket, ["ROI must be 4 values of 0..10000"]);
        return this.#stageChecked(command, "roi", roi);
      }
      case VendorCommand.apply: return this.#apply();
      case VendorCommand.getSettings: return this.#reportSettings();
      case VendorCommand.preview: return this.#sendPreview();
      default: return this.#vendorReply(command, VendorStatus.unknownCommand);
    }
  }

  #stageText(command: number, key: "collectorUrl" | "deviceToken" | "site", payload: Uint8Array): void {
    const text = parseVendorPayload.text(payload);
    if (text === undefined) return this.#vendorReply(command, VendorStatus.badValue, [key, "is not UTF-8"]);
    this.#stageChecked(command, key, text);
  }

  /** Checks one field with src/config (the other fields filled with valid stand-ins), then stages it. */
  #stageChecked<K extends "collectorUrl" | "deviceToken" | "site" | "windowMinutes" | "roi">(command: number, key: K, value: VendorSettings[K]): void {
    const probe: Record<string, unknown> = {
      deviceId: this.#deviceId,
      site: "probe",
      collectorUrl: "https://probe.invalid",
      deviceToken: "probe-token-0000000000",
      [key]: value,
    };
    const problem = configProblem(probe);
    if (problem !== undefined) return this.#vendorReply(command, VendorStatus.badValue, problem);
    this.#staged[key] = value as Staged[K];
    this.#log.write("info", "provisioning_setting_staged", { key });
    this.#vendorReply(command, VendorStatus.ok);
  }

  #stageCa(payload: Uint8Array): void {
    const text = parseVendorPayload.text(payload);
    const check = text === undefined ? { ok: false as const, problem: "is not text" } : checkCaPem(text);
    if (!check.ok || text === undefined) {
      this.#log.write("warn", "provisioning_ca_refused", { reason: check.ok ? "not text" : check.problem });
      return this.#vendorReply(VendorCommand.setCollectorCa, VendorStatus.caRefused, [`collector CA ${check.ok ? "is not text" : check.problem}`]);
    }
    this.#staged.collectorCa = text;
    this.#log.write("info", "provisioning_setting_staged", { key: "collectorCa", certificates: check.certificates, fingerprint: caFingerprint(text) });
    this.#vendorReply(VendorCommand.setCollectorCa, VendorStatus.ok, [caFingerprint(text)]);
  }

  /** Saved settings overlaid with this session's staged ones. */
  #merged(): Staged {
    return { ...(this.#settings.vendor() ?? {}), ...this.#staged };
  }

  #apply(): void {
    const command = VendorCommand.apply;
    if (this.#busy) return this.#vendorReply(command, VendorStatus.busy);
    const merged = this.#merged();
    for (const key of ["collectorUrl", "deviceToken", "site", "collectorCa"] as const) {
      if (merged[key] === undefined) return this.#vendorReply(command, VendorStatus.badValue, [key, `${key} is required`]);
    }
    const settings: VendorSettings = {
      collectorUrl: merged.collectorUrl as string,
      deviceToken: merged.deviceToken as string,
      site: merged.site as string,
      windowMinutes: merged.windowMinutes ?? 20,
      roi: merged.roi ?? { x: 0, y: 0, width: 1, height: 1 },
      collectorCa: merged.collectorCa as string,
    };
    let url: string;
    try {
      url = parseConfig(deviceConfigJson(settings, this.#deviceId)).collectorUrl;
    } catch (error) {
      if (error instanceof ConfigError) return this.#vendorReply(command, VendorStatus.badValue, [error.key, error.message]);
      throw error;
    }
    const pem = checkCaPem(settings.collectorCa);
    if (!pem.ok) return this.#vendorReply(command, VendorStatus.caRefused, [`collector CA ${pem.problem}`]);
    if (!this.#wifi.connected) return this.#vendorReply(command, VendorStatus.notReady, ["join a Wi-Fi network first"]);
    this.#log.write("info", "provisioning_collector_check", { url });
    this.#run(() => this.#collector.check(url, settings.collectorCa), (result) => {
      if (!result.ok) {
        this.#log.write("warn", "provisioning_collector_refused", { reason: result.reason, detail: result.detail });
        const status = result.reason === "ca_refused" ? VendorStatus.caRefused : VendorStatus.collectorUnreachable;
        return this.#vendorReply(command, status, [result.detail]);
      }
      try {
        this.#settings.saveVendor(settings);
        this.#provisioned = this.#settings.provisioned(this.#deviceId);
      } catch (error) {
        this.#log.write("error", "provisioning_store_failed", { what: "settings", reason: errorText(error) });
        return this.#vendorReply(command, VendorStatus.storageFailed, [errorText(error)]);
      }
      this.#staged = {};
      this.#log.write("info", "provisioning_settings_saved", { site: settings.site, window_minutes: settings.windowMinutes, ca: caFingerprint(settings.collectorCa) });
      this.#vendorReply(command, VendorStatus.ok);
      if (this.provisioned) this.#finishSoon();
    }, (reason) => this.#vendorReply(command, VendorStatus.collectorUnreachable, [reason]));
  }

  #finishSoon(): void {
    this.#closeTimer?.();
    this.#closeTimer = this.#clock.schedule(CLOSE_AFTER_SUCCESS_MS, () => {
      this.#closeTimer = undefined;
      if (!this.#windowOpen) return;
      this.#closeWindow("success");
      this.#onProvisioned();
    });
  }

  #reportSettings(): void {
    const merged = this.#merged();
    const saved = this.#settings.vendor();
    this.#vendorReply(VendorCommand.getSettings, VendorStatus.ok, settingsStrings({
      collectorUrl: merged.collectorUrl ?? "",
      site: merged.site ?? "",
      windowMinutes: merged.windowMinutes,
      roi: merged.roi,
      caFingerprint: merged.collectorCa === undefined ? "" : caFingerprint(merged.collectorCa),
      tokenSet: merged.deviceToken !== undefined,
      wifiSsid: this.#settings.wifi()?.ssid ?? "",
      provisioned: saved !== undefined && this.provisioned,
    }));
  }

  #sendPreview(): void {
    const command = VendorCommand.preview;
    const preview = this.#preview;
    if (preview === undefined) return this.#vendorReply(command, VendorStatus.previewUnavailable, ["this device has no preview"]);
    if (this.#busy) return this.#vendorReply(command, VendorStatus.busy);
    this.#run(() => preview.capture(), (shot) => {
      const seq = this.#previewSeq++ & 0xff;
      for (const chunk of previewChunkFrames(shot.image, seq, this.#mtu - 3)) this.#ble.notify(VENDOR_CHARACTERISTIC.preview, chunk);
      this.#log.write("info", "provisioning_preview_sent", { width: shot.image.width, height: shot.image.height, faces_blurred: shot.faces });
      this.#vendorReply(command, VendorStatus.ok, [String(shot.image.width), String(shot.image.height), String(shot.faces)]);
    }, (reason) => this.#vendorReply(command, VendorStatus.previewUnavailable, [reason]));
  }
}

/** The problem src/config finds ([key, message]), or undefined when it accepts the probe. */
function configProblem(probe: Record<string, unknown>): string[] | undefined {
  try {
    parseConfig(probe);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return [error.key, error.message];
    throw error;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type { RoiFractions };

/**
 * The device: boot guard and watchdog, provisioned settings, Wi-Fi, SNTP, the
 * pinned HTTPS client, the model and the camera around the portable core.
 *
 * Failures degrade, never stop the core's bookkeeping: without time nothing
 * is counted (windows need UTC); without the camera or the model the core
 * keeps its windows and sends the batches it holds while the failed part is
 * retried; every failure is logged with its reason. Counters live in the
 * store (the core writes them), so a restart loses none.
 */
import Timer from "timer";
import { Ephemera } from "../../src/app/ephemera.js";
import type { Model } from "../../src/interfaces/index.js";
import { ProvisioningStore, deviceConfigJson } from "../../src/provision/index.js";
import { BackoffTimer } from "./backoff-timer.js";
import { BootGuard, type BootDecision } from "./boot-guard.js";
import { DeviceClock } from "./device-clock.js";
import { DEVICE_SETTINGS, deviceIdFromMac } from "./device-settings.js";
import { Watchdog, resetReason, restart } from "./device-system.js";
import { chooseFrameSize } from "./frame-size.js";
import { GrayCamera } from "./gray-camera.js";
import { IdleModel } from "./idle-model.js";
import { NativeTileKernel } from "./native-tile-kernel.js";
import { NetworkTime } from "./network-time.js";
import { PinnedHttps } from "./pinned-https.js";
import { PreferenceStore } from "./preference-store.js";
import { SerialLog } from "./serial-log.js";
import { TfliteModel } from "./tflite-model.js";
import { WifiLink, stationMac } from "./wifi-link.js";

type Phase = "starting" | "unprovisioned" | "waiting_for_time" | "running" | "stopped";

export class DeviceApp {
  readonly #settings = DEVICE_SETTINGS;
  readonly #log = new SerialLog();
  readonly #clock = new DeviceClock();
  readonly #store = new PreferenceStore(DEVICE_SETTINGS.storeDomain);
  readonly #cameraRetry = new BackoffTimer(5_000, 300_000);
  #watchdog: Watchdog | undefined;
  #boot: BootDecision | undefined;
  #phase: Phase = "starting";
  #startedAt = 0;
  #stableMarked = false;
  #guard: BootGuard | undefined;
  #wifi: WifiLink | undefined;
  #time: NetworkTime | undefined;
  #https: PinnedHttps | undefined;
  #config: Record<string, unknown> | undefined;
  #core: Ephemera | undefined;
  #model: Model | undefined;
  #camera: GrayCamera | undefined;
  #lastFrameAt = 0;
  #loop: Timer | undefined;

  start(): void {
    this.#startedAt = Date.now();
    this.#watchdog = new Watchdog(this.#settings.watchdogMs);
    this.#log.write("info", "watchdog", { kind: this.#watchdog.kind, timeout_ms: this.#settings.watchdogMs });
    this.#guard = new BootGuard({ store: new PreferenceStore(this.#settings.bootDomain), log: this.#log });
    this.#boot = this.#guard.begin(resetReason());
    this.#loop = Timer.repeat(() => this.#tick(), this.#settings.frameIntervalMs);
    this.#configure();
  }

  /** Reads the provisioned settings; without them the device waits (provisioning runs over BLE). */
  #configure(): void {
    const provisioning = new ProvisioningStore(this.#store);
    const mac = stationMac();
    if (mac === undefined) return this.#stop("no_mac", "the Wi-Fi interface has no MAC address");
    const deviceId = deviceIdFromMac(mac);
    const vendor = provisioning.vendor();
    const wifi = provisioning.wifi();
    if (vendor === undefined || wifi === undefined || !provisioning.provisioned(deviceId)) {
      this.#phase = "unprovisioned";
      this.#log.write("warn", "not_provisioned", { device: deviceId });
      return;
    }
    try {
      this.#https = new PinnedHttps(vendor.collectorCa);
    } catch (error) {
      return this.#stop("collector_ca_invalid", String(error));
    }
    this.#config = deviceConfigJson(vendor, deviceId);
    this.#phase = "waiting_for_time";
    this.#time = new NetworkTime({ servers: this.#settings.sntpServers, log: this.#log, onSynced: () => this.#timeKnown() });
    this.#wifi = new WifiLink({ ssid: wifi.ssid, password: wifi.password, log: this.#log, onOnline: () => this.#time?.sync() });
    this.#wifi.start();
  }

  #timeKnown(): void {
    if (this.#phase !== "waiting_for_time") return;
    this.#startCore();
  }

  #startCore(): void {
    const safe = this.#boot?.mode === "safe";
    this.#model = safe ? new IdleModel("safe-mode") : this.#openModel();
    const https = this.#https;
    if (https === undefined) return this.#stop("no_https", "the HTTPS client was not made");
    try {
      this.#core = new Ephemera({
        config: this.#config,
        model: this.#model,
        clock: this.#clock,
        store: this.#store,
        https,
        log: this.#log,
        firmwareVersion: this.#settings.firmwareVersion,
        kernel: new NativeTileKernel(),
      });
    } catch (error) {
      return this.#stop("config_invalid", String(error));
    }
    this.#phase = "running";
    if (safe) {
      this.#log.write("error", "safe_mode", { minutes: this.#settings.safeModeMs / 60_000 });
      Timer.set(() => this.#restart("safe_mode_over"), this.#settings.safeModeMs);
    } else if (this.#model instanceof TfliteModel) {
      this.#openCamera();
    } else {
      Timer.set(() => this.#restart("model_retry"), this.#settings.modelRetryMs);
    }
  }

  #openModel(): Model {
    try {
      const model = new TfliteModel({ resource: this.#settings.modelResource, name: this.#settings.modelName, arenaBytes: this.#settings.arenaBytes });
      this.#log.write("info", "model_ready", { id: model.id, bytes: model.modelBytes, arena_used: model.arenaUsed, arena_size: model.arenaSize });
      return model;
    } catch (error) {
      this.#log.write("error", "model_failed", { reason: String(error), retry_min: this.#settings.modelRetryMs / 60_000 });
      return new IdleModel("model-failed");
    }
  }

  #openCamera(): void {
    const core = this.#core;
    if (core === undefined) return;
    try {
      const size = chooseFrameSize(core.config.roi, core.config.scaledShortSide);
      this.#camera = new GrayCamera({ size, timeoutMs: this.#settings.cameraTimeoutMs });
      this.#lastFrameAt = Date.now();
      this.#cameraRetry.success();
      this.#log.write("info", "camera_ready", { width: this.#camera.width, height: this.#camera.height });
    } catch (error) {
      this.#camera = undefined;
      const delay = this.#cameraRetry.retry(() => this.#openCamera());
      this.#log.write("error", "camera_failed", { reason: String(error), retry_ms: delay });
    }
  }

  #closeCamera(reason: string, detail: string): void {
    try {
      this.#camera?.close();
    } catch (error) {
      this.#log.write("warn", "camera_close_failed", { reason: String(error) });
    }
    this.#camera = undefined;
    const delay = this.#cameraRetry.retry(() => this.#openCamera());
    this.#log.write("error", reason, { detail, retry_ms: delay });
  }

  /** The main loop: feeds the watchdog, processes a frame when one is ready. */
  #tick(): void {
    this.#watchdog?.feed();
    const now = Date.now();
    if (!this.#stableMarked && now - this.#startedAt >= this.#settings.stableAfterMs && this.#boot?.mode === "normal") {
      this.#stableMarked = true;
      this.#guard?.markStable();
    }
    const camera = this.#camera;
    const core = this.#core;
    if (camera === undefined || core === undefined) return;
    let frame;
    try {
      frame = camera.grab();
    } catch (error) {
      return this.#closeCamera("camera_read_failed", String(error));
    }
    if (frame === undefined) {
      if (now - this.#lastFrameAt > this.#settings.cameraTimeoutMs) this.#closeCamera("camera_timeout", `no frame for ${now - this.#lastFrameAt} ms`);
      return;
    }
    this.#lastFrameAt = now;
    try {
      core.processFrame(frame);
    } catch (error) {
      // The core wiped the frame; a model error on one frame is logged and the next frame tried.
      this.#log.write("error", "frame_failed", { reason: String(error) });
    }
  }

  /** Stays up without counting: the watchdog is still fed, the reason logged. */
  #stop(reason: string, detail: string): void {
    this.#phase = "stopped";
    this.#log.write("error", reason, { detail });
  }

  /** A deliberate restart: the core writes its counters first; the boot guard does not count it as a crash. */
  #restart(reason: string): void {
    this.#log.write("warn", "restarting", { reason });
    try {
      this.#camera?.close();
      this.#core?.close();
    } finally {
      if (this.#loop !== undefined) Timer.clear(this.#loop);
      restart();
    }
  }
}

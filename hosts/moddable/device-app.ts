/**
 * The device: boot guard and watchdog, the model and the camera, provisioning
 * over BLE, then (once provisioned) Wi-Fi, SNTP and the pinned HTTPS client
 * around the portable core.
 *
 * Provisioning starts at every boot: its window opens by itself on an
 * unprovisioned board, and the button opens it on a provisioned one. While the
 * window is open nothing is counted (the aiming preview may use the camera);
 * once settings are saved the board restarts into counting with them.
 *
 * Failures degrade, never stop the core's bookkeeping: without time nothing
 * is counted (windows need UTC); without the camera or the model the core
 * keeps its windows and sends the batches it holds while the failed part is
 * retried; every failure is logged with its reason. Counters live in the
 * store (the core writes them), so a restart loses none.
 */
import Timer from "timer";
import { Ephemera } from "../../src/app/ephemera.js";
import { parseConfig, type RegionOfInterest } from "../../src/config/config.js";
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
import { PreviewCamera } from "./preview-camera.js";
import { DeviceProvisioning } from "./provisioning/device-provisioning.js";
import { SerialLog } from "./serial-log.js";
import { TfliteModel } from "./tflite-model.js";
import { WifiLink, stationMac } from "./wifi-link.js";

type Phase = "starting" | "unprovisioned" | "waiting_for_time" | "running" | "stopped";

/** Before provisioning there is no ROI: the camera covers the whole frame, at the default scale. */
const WHOLE_FRAME: RegionOfInterest = Object.freeze({ x: 0, y: 0, width: 1, height: 1 });
const DEFAULT_SCALED_SHORT_SIDE = 192;
/** How long the provisioning's collector check waits for network time, polling every CLOCK_POLL_MS. */
const CLOCK_WAIT_MS = 30_000;
const CLOCK_POLL_MS = 250;

export class DeviceApp {
  readonly #settings = DEVICE_SETTINGS;
  readonly #log = new SerialLog();
  readonly #clock = new DeviceClock();
  readonly #store = new PreferenceStore(DEVICE_SETTINGS.storeDomain);
  readonly #cameraRetry = new BackoffTimer(5_000, 300_000);
  readonly #kernel = new NativeTileKernel();
  #watchdog: Watchdog | undefined;
  #boot: BootDecision | undefined;
  #phase: Phase = "starting";
  #startedAt = 0;
  #stableMarked = false;
  #guard: BootGuard | undefined;
  #wifi: WifiLink | undefined;
  #time: NetworkTime | undefined;
  #https: PinnedHttps | undefined;
  #deviceId = "";
  #config: Record<string, unknown> | undefined;
  /** The camera's coverage: the provisioned ROI and scale, or the whole frame before provisioning. */
  #roi: RegionOfInterest = WHOLE_FRAME;
  #scaledShortSide = DEFAULT_SCALED_SHORT_SIDE;
  #provisioning: DeviceProvisioning | undefined;
  #core: Ephemera | undefined;
  /** The mask model, opened at boot (not in safe mode); undefined when it failed. */
  #model: TfliteModel | undefined;
  #camera: GrayCamera | undefined;
  #lastFrameAt = 0;
  /** The frame loop's time since the last frame_timing report. */
  #timedFrames = 0;
  #timedMs = 0;
  #tilesAtReport = 0;
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

  /**
   * Reads the provisioned settings, opens the model and the camera (normal
   * boots), starts provisioning, and, when provisioned, joins Wi-Fi; the core
   * starts once SNTP has set the clock. Without settings the device waits for
   * provisioning over BLE.
   */
  #configure(): void {
    const mac = stationMac();
    if (mac === undefined) return this.#stop("no_mac", "the Wi-Fi interface has no MAC address");
    this.#deviceId = deviceIdFromMac(mac);
    const saved = new ProvisioningStore(this.#store);
    const vendor = saved.vendor();
    const wifi = saved.wifi();
    const provisioned = vendor !== undefined && wifi !== undefined && saved.provisioned(this.#deviceId);
    let configProblem: string | undefined;
    if (provisioned) {
      this.#config = deviceConfigJson(vendor, this.#deviceId);
      try {
        const config = parseConfig(this.#config);
        this.#roi = config.roi;
        this.#scaledShortSide = config.scaledShortSide;
      } catch (error) {
        configProblem = String(error);
      }
    }
    // Model and camera before provisioning: its aiming preview uses them. Safe mode runs neither.
    if (this.#boot?.mode === "normal") {
      this.#model = this.#openModel();
      if (this.#model !== undefined) this.#openCamera();
    }
    // Also in safe mode and with bad settings: provisioning is how an installer fixes them.
    this.#startProvisioning();
    if (!provisioned) {
      this.#phase = "unprovisioned";
      this.#log.write("warn", "not_provisioned", { device: this.#deviceId });
      return;
    }
    if (configProblem !== undefined) return this.#stop("config_invalid", configProblem);
    try {
      this.#https = new PinnedHttps(vendor.collectorCa);
    } catch (error) {
      return this.#stop("collector_ca_invalid", String(error));
    }
    this.#phase = "waiting_for_time";
    this.#wifi = new WifiLink({ ssid: wifi.ssid, password: wifi.password, log: this.#log, onOnline: () => this.#networkTime().sync() });
    this.#wifi.start();
  }

  /** BLE provisioning (Improv Wi-Fi and the vendor service), with the preview when the model and camera are up. */
  #startProvisioning(): void {
    try {
      this.#provisioning = new DeviceProvisioning({
        store: this.#store,
        log: this.#log,
        deviceId: this.#deviceId,
        firmwareVersion: this.#settings.firmwareVersion,
        hardware: this.#settings.hardware,
        clockReady: () => this.#clockReady(),
        camera: this.#model === undefined ? undefined : new PreviewCamera(() => this.#camera),
        model: this.#model,
        kernel: this.#kernel,
        onProvisioned: () => this.#restart("provisioned"),
      });
      this.#provisioning.start();
    } catch (error) {
      // The board still counts with the settings it has; only (re)provisioning is unavailable.
      this.#provisioning = undefined;
      this.#log.write("error", "provisioning_unavailable", { reason: String(error) });
    }
  }

  /**
   * For the provisioning's collector check (TLS checks certificate dates):
   * true once SNTP has set the clock, false after CLOCK_WAIT_MS. Provisioning
   * has joined Wi-Fi by then; on an unprovisioned board this starts SNTP.
   */
  #clockReady(): Promise<boolean> {
    if (NetworkTime.valid) return Promise.resolve(true);
    this.#networkTime().sync();
    return new Promise((resolve) => {
      const started = Date.now();
      const poll = Timer.repeat(() => {
        if (!NetworkTime.valid && Date.now() - started < CLOCK_WAIT_MS) return;
        Timer.clear(poll);
        resolve(NetworkTime.valid);
      }, CLOCK_POLL_MS);
    });
  }

  #networkTime(): NetworkTime {
    this.#time ??= new NetworkTime({ servers: this.#settings.sntpServers, log: this.#log, onSynced: () => this.#timeKnown() });
    return this.#time;
  }

  #timeKnown(): void {
    if (this.#phase !== "waiting_for_time") return;
    this.#startCore();
  }

  #startCore(): void {
    const safe = this.#boot?.mode === "safe";
    const model: Model = this.#model ?? new IdleModel(safe ? "safe-mode" : "model-failed");
    const https = this.#https;
    if (https === undefined) return this.#stop("no_https", "the HTTPS client was not made");
    try {
      this.#core = new Ephemera({
        config: this.#config,
        model,
        clock: this.#clock,
        store: this.#store,
        https,
        log: this.#log,
        firmwareVersion: this.#settings.firmwareVersion,
        kernel: this.#kernel,
      });
    } catch (error) {
      return this.#stop("config_invalid", String(error));
    }
    this.#phase = "running";
    this.#lastFrameAt = Date.now();
    if (safe) {
      this.#log.write("error", "safe_mode", { minutes: this.#settings.safeModeMs / 60_000 });
      Timer.set(() => this.#restart("safe_mode_over"), this.#settings.safeModeMs);
    } else if (this.#model === undefined) {
      Timer.set(() => this.#restart("model_retry"), this.#settings.modelRetryMs);
    }
  }

  /** The mask model, or undefined (logged) when it cannot load or allocate its arena. */
  #openModel(): TfliteModel | undefined {
    try {
      const model = new TfliteModel({ resource: this.#settings.modelResource, name: this.#settings.modelName, arenaBytes: this.#settings.arenaBytes });
      this.#log.write("info", "model_ready", { id: model.id, bytes: model.modelBytes, arena_used: model.arenaUsed, arena_size: model.arenaSize });
      return model;
    } catch (error) {
      this.#log.write("error", "model_failed", { reason: String(error), retry_min: this.#settings.modelRetryMs / 60_000 });
      return undefined;
    }
  }

  #openCamera(): void {
    try {
      const size = chooseFrameSize(this.#roi, this.#scaledShortSide);
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
    // While the provisioning window is open the preview may use the camera: nothing is counted.
    if (this.#provisioning?.windowOpen === true) {
      this.#lastFrameAt = now;
      return;
    }
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
    const started = Date.now();
    try {
      core.processFrame(frame);
    } catch (error) {
      // The core wiped the frame; a model error on one frame is logged and the next frame tried.
      this.#log.write("error", "frame_failed", { reason: String(error) });
    }
    this.#timedMs += Date.now() - started;
    if (++this.#timedFrames >= this.#settings.timingReportFrames) this.#reportTiming(core);
  }

  /** Logs the mean time of a frame and of a tile (whole frame time over its tiles) since the last report. */
  #reportTiming(core: Ephemera): void {
    const tiles = core.stats().tiles;
    const frameTiles = tiles - this.#tilesAtReport;
    const tenths = (ms: number): number => Math.round(ms * 10) / 10;
    this.#log.write("info", "frame_timing", {
      frames: this.#timedFrames,
      ms_per_frame: tenths(this.#timedMs / this.#timedFrames),
      tiles_per_frame: tenths(frameTiles / this.#timedFrames),
      ms_per_tile: frameTiles > 0 ? tenths(this.#timedMs / frameTiles) : 0,
    });
    this.#timedFrames = 0;
    this.#timedMs = 0;
    this.#tilesAtReport = tiles;
  }

  /** Stays up without counting: the watchdog is still fed, the reason logged. */
  #stop(reason: string, detail: string): void {
    this.#phase = "stopped";
    this.#log.write("error", reason, { detail });
  }

  /** A deliberate restart: the core writes its counters first; the boot guard does not count it as a crash. */
  #restart(reason: string): void {
    this.#log.write("warn", "restarting", { reason });
    if (this.#loop !== undefined) Timer.clear(this.#loop);
    // The core first: its counters are what must not be lost. A part that fails to close does not stop the rest.
    this.#closeQuietly("core", () => this.#core?.close());
    this.#closeQuietly("camera", () => this.#camera?.close());
    this.#closeQuietly("provisioning", () => this.#provisioning?.close());
    restart();
  }

  #closeQuietly(part: string, close: () => void): void {
    try {
      close();
    } catch (error) {
      this.#log.write("warn", "close_failed", { part, reason: String(error) });
    }
  }
}

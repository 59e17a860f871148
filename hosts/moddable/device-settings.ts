/**
 * Fixed settings of the device host. Numbers that depend on the board or the
 * model say where they come from (hosts/moddable/README.md, memory budget).
 */
export const DEVICE_SETTINGS = Object.freeze({
  /** Goes into every batch; kept equal to package.json's version. */
  firmwareVersion: "0.1.0",
  /** Improv's device info: the chip family (the board is not told apart at run time). */
  hardware: "ESP32-S3",
  /** The model as a resource in flash (manifest.json "resources"), and its name in the model id. */
  modelResource: "mask-model.tflite",
  modelName: "mask-model",
  /**
   * Tensor arena in internal RAM: TFLM's own need for the model (measured on
   * x86_64 with reference kernels) plus room for ESP-NN's scratch buffers.
   * The device logs the bytes it really uses at start (model_ready arena_used).
   */
  arenaBytes: 64 * 1024,
  /** The frame loop's period: about 10 frames per second at most. */
  frameIntervalMs: 100,
  /**
   * Every this many frames the device logs the frame loop's measured time
   * (frame_timing): about once a minute at 10 fps. It is how a board measures
   * the per-tile time that the tile budget (src/frame/tile-budget.ts) estimates.
   */
  timingReportFrames: 600,
  /** No frame from the camera for this long: the camera is restarted. */
  cameraTimeoutMs: 3_000,
  /** The frame loop feeds the watchdog; this long without a feed resets the board. */
  watchdogMs: 15_000,
  /** A run this long clears the boot-loop count. */
  stableAfterMs: 120_000,
  /** Safe mode lasts this long, then the board restarts and tries a normal start. */
  safeModeMs: 30 * 60_000,
  /** A model that failed to load is retried with a clean restart after this long. */
  modelRetryMs: 15 * 60_000,
  sntpServers: Object.freeze(["pool.ntp.org", "time.google.com", "time.cloudflare.com"]),
  /** Preference domains (at most 15 characters): the core's store, and the boot guard's own. */
  storeDomain: "ephemera",
  bootDomain: "eph-boot",
});

/** The device id from the Wi-Fi MAC: "eph-" and 12 hex digits, a valid config deviceId. */
export function deviceIdFromMac(mac: string): string {
  const digits = mac.toLowerCase().replace(/[^0-9a-f]/g, "");
  if (digits.length !== 12) throw new RangeError(`device id: MAC "${mac}" is not 6 bytes`);
  return `eph-${digits}`;
}

/**
 * What the board's system offers the host that the SDK's JavaScript does not
 * (native/device/xs_device.c): the watchdog, the reason of the last reset, and
 * a restart. The SDK has no JavaScript watchdog API.
 */
class DeviceNatives {
  static watchdogStart(timeoutMs: number): string {
    return native("xs_device_watchdog_start").call(this, timeoutMs);
  }
  static watchdogFeed(): void {
    native("xs_device_watchdog_feed").call(this);
  }
  static resetReason(): string {
    return native("xs_device_reset_reason").call(this);
  }
  static restart(): void {
    native("xs_device_restart").call(this);
  }
}

/** Why the chip last reset, in ESP-IDF's terms: "power_on", "software", "panic", "task_watchdog", "brownout", ... */
export function resetReason(): string {
  return DeviceNatives.resetReason();
}

/** Restarts the chip (after the store has written what it holds). */
export function restart(): never {
  DeviceNatives.restart();
  throw new Error("restart: still running");
}

/**
 * Resets the board when the JavaScript task stops feeding it for
 * `timeoutMs`: a hung camera driver, a native call that never returns, a
 * loop that never yields. Fed from the frame loop.
 */
export class Watchdog {
  readonly kind: string;

  /** `kind` says which watchdog runs: "task" (ESP-IDF's task watchdog) or "timer" (see xs_device.c). */
  constructor(timeoutMs: number) {
    this.kind = DeviceNatives.watchdogStart(timeoutMs);
  }

  feed(): void {
    DeviceNatives.watchdogFeed();
  }
}

import type { BatchRecord } from "../src/batch/record.js";
import type { DeviceRow } from "./database.js";

/** ok: sent recently; late: its newest window ended too long ago; silent: never sent; revoked: has no token. */
export type DeviceState = "ok" | "late" | "silent" | "revoked";

export interface DeviceStatus {
  readonly device_id: string;
  readonly state: DeviceState;
  /** The newest batch's aggregates, or null when the device never sent. */
  readonly last_batch: Pick<BatchRecord, "batch_id" | "site" | "window_start" | "window_end" | "people" | "masked"> | null;
  /** Whole minutes since the newest window ended, or null. */
  readonly minutes_since_last: number | null;
}

/**
 * Each device's state from its newest batch. "Late" is judged on window ends,
 * not on receipt times (which the collector does not keep): a device at a
 * quiet site merges windows until 10 people were seen, so it may be late
 * without a fault; the threshold is the operator's call.
 */
export function deviceStatuses(devices: readonly DeviceRow[], lastBatches: ReadonlyMap<string, BatchRecord>, nowMs: number, lateAfterMinutes: number): DeviceStatus[] {
  return devices.map((device) => {
    const batch = lastBatches.get(device.device_id);
    const minutes = batch === undefined ? null : Math.max(0, Math.floor((nowMs - Date.parse(batch.window_end)) / 60_000));
    const state: DeviceState = device.revoked ? "revoked" : minutes === null ? "silent" : minutes > lateAfterMinutes ? "late" : "ok";
    const last_batch =
      batch === undefined
        ? null
        : { batch_id: batch.batch_id, site: batch.site, window_start: batch.window_start, window_end: batch.window_end, people: batch.people, masked: batch.masked };
    return { device_id: device.device_id, state, last_batch, minutes_since_last: minutes };
  });
}

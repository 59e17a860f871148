import { compactMinute, isoMinute } from "./utc.js";
import type { BatchRecord } from "./record.js";

export interface BatchInput {
  readonly deviceId: string;
  readonly site: string;
  /** Span start and end, ms since the epoch, on window boundaries. */
  readonly start: number;
  readonly end: number;
  readonly masked: number;
  readonly unmasked: number;
  readonly modelId: string;
  readonly firmwareVersion: string;
}

/** "<device_id>-<yyyymmddThhmmZ of the span start>": the same span always gets the same id. */
export function batchId(deviceId: string, start: number): string {
  return `${deviceId}-${compactMinute(start)}`;
}

/** The wire record of a released span (people = masked + unmasked). */
export function buildBatchRecord(input: BatchInput): BatchRecord {
  if (!(input.end > input.start)) throw new RangeError("batch: end must be after start");
  return Object.freeze({
    batch_id: batchId(input.deviceId, input.start),
    device_id: input.deviceId,
    site: input.site,
    window_start: isoMinute(input.start),
    window_end: isoMinute(input.end),
    people: input.masked + input.unmasked,
    masked: input.masked,
    unmasked: input.unmasked,
    model_id: input.modelId,
    firmware_version: input.firmwareVersion,
  });
}

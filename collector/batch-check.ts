import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import batchSchema from "../src/batch/batch.schema.json" with { type: "json" };
import { batchId } from "../src/batch/build-record.js";
import type { BatchRecord } from "../src/batch/record.js";

/** Shortest span a released batch may cover (the core never releases a window under 15 minutes). */
export const MIN_BATCH_SPAN_MS = 15 * 60 * 1000;

export type BatchCheck =
  | { readonly ok: true; readonly batch: BatchRecord }
  | { readonly ok: false; readonly status: 400 | 422; readonly error: string; readonly message: string; readonly details?: readonly string[] };

const validateSchema = new Ajv2020({ allErrors: true, strict: true }).compile<BatchRecord>(batchSchema);

/** Checks a parsed body against the batch JSON Schema, then the rules a schema cannot say. */
export function checkBatch(body: unknown): BatchCheck {
  if (!validateSchema(body)) {
    const details = (validateSchema.errors ?? []).map(describeError);
    return { ok: false, status: 400, error: "schema_violation", message: `batch does not match the schema: ${details.join("; ")}`, details };
  }
  const batch = body;
  if (batch.people !== batch.masked + batch.unmasked) {
    return invalid(`people (${batch.people}) must equal masked + unmasked (${batch.masked} + ${batch.unmasked})`);
  }
  const start = parseMinute(batch.window_start);
  const end = parseMinute(batch.window_end);
  if (start === undefined) return invalid(`window_start '${batch.window_start}' is not a real UTC time`);
  if (end === undefined) return invalid(`window_end '${batch.window_end}' is not a real UTC time`);
  if (end <= start) return invalid(`window_end (${batch.window_end}) must be after window_start (${batch.window_start})`);
  // Ids are global: one device must not take (and so block) an id that another device's batch will need.
  const expectedId = batchId(batch.device_id, start);
  if (batch.batch_id !== expectedId) return invalid(`batch_id must be '${expectedId}' (device_id and window_start), got '${batch.batch_id}'`);
  if (end - start < MIN_BATCH_SPAN_MS) return invalid(`the batch spans ${(end - start) / 60000} minutes; a released batch spans at least 15`);
  return { ok: true, batch };
}

function invalid(message: string): BatchCheck {
  return { ok: false, status: 422, error: "invalid_batch", message };
}

/** Milliseconds of a "YYYY-MM-DDTHH:MM:00Z" string that names a real instant (no 25:00, no Feb 30). */
function parseMinute(text: string): number | undefined {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString() === text.replace("Z", ".000Z") ? ms : undefined;
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === "" ? "batch" : error.instancePath.slice(1);
  if (error.keyword === "additionalProperties") return `${where}: field '${String(error.params.additionalProperty)}' is not allowed`;
  return `${where} ${error.message ?? "is invalid"}`;
}

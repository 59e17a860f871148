import type { BatchRecord } from "../src/batch/record.js";
import { BATCH_FIELDS } from "./database.js";

/**
 * Batches as CSV (RFC 4180: CRLF, quotes doubled): a header of the schema's
 * fields, one row per batch. A field that a spreadsheet would run as a formula
 * (=, +, -, @ first) is prefixed with a quote mark; site names are free text.
 */
export function batchesCsv(batches: readonly BatchRecord[]): string {
  const lines = [BATCH_FIELDS.join(",")];
  for (const batch of batches) lines.push(BATCH_FIELDS.map((field) => csvField(batch[field])).join(","));
  return lines.join("\r\n") + "\r\n";
}

export function csvField(value: string | number): string {
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

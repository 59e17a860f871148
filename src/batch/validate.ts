import type { BatchRecord } from "./record.js";

/**
 * The device-side mirror of batch.schema.json (the collector validates with
 * ajv against the file itself; a test checks both agree). Returns the
 * problems, empty when the value is a valid BatchRecord.
 */
interface StringRule {
  readonly pattern: RegExp;
  readonly minLength?: number;
  readonly maxLength?: number;
}

const STRING_FIELDS: Readonly<Record<string, StringRule>> = Object.freeze({
  batch_id: Object.freeze({ pattern: /^[a-z0-9][a-z0-9-]{2,31}-[0-9]{8}T[0-9]{4}Z$/, maxLength: 64 }),
  device_id: Object.freeze({ pattern: /^[a-z0-9][a-z0-9-]{2,31}$/ }),
  // eslint-disable-next-line no-control-regex -- the schema's own pattern: no control characters
  site: Object.freeze({ pattern: /^[^\u0000-\u001f]+$/u, minLength: 1, maxLength: 64 }),
  window_start: Object.freeze({ pattern: /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:00Z$/ }),
  window_end: Object.freeze({ pattern: /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:00Z$/ }),
  model_id: Object.freeze({ pattern: /^[A-Za-z0-9._@+-]+$/, minLength: 1, maxLength: 64 }),
  firmware_version: Object.freeze({ pattern: /^[0-9A-Za-z.+-]+$/, minLength: 1, maxLength: 32 }),
});

const INTEGER_FIELDS: Readonly<Record<string, readonly [number, number]>> = Object.freeze({
  people: Object.freeze([10, 1_000_000] as const),
  masked: Object.freeze([0, 1_000_000] as const),
  unmasked: Object.freeze([0, 1_000_000] as const),
});

const REQUIRED: readonly string[] = Object.freeze([...Object.keys(STRING_FIELDS), ...Object.keys(INTEGER_FIELDS)]);

/** JSON Schema counts string length in code points, not UTF-16 units. */
function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function batchRecordProblems(value: unknown): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return ["must be an object"];
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(record)) if (!REQUIRED.includes(key)) problems.push(`${key}: not allowed`);
  for (const key of REQUIRED) if (!(key in record)) problems.push(`${key}: required`);
  for (const [key, rule] of Object.entries(STRING_FIELDS)) {
    if (!(key in record)) continue;
    const field = record[key];
    if (typeof field !== "string") {
      problems.push(`${key}: must be a string`);
      continue;
    }
    const length = codePoints(field);
    if (rule.minLength !== undefined && length < rule.minLength) problems.push(`${key}: shorter than ${rule.minLength}`);
    if (rule.maxLength !== undefined && length > rule.maxLength) problems.push(`${key}: longer than ${rule.maxLength}`);
    if (!rule.pattern.test(field)) problems.push(`${key}: does not match ${rule.pattern.source}`);
  }
  for (const [key, [min, max]] of Object.entries(INTEGER_FIELDS)) {
    if (!(key in record)) continue;
    const field = record[key];
    if (typeof field !== "number" || !Number.isInteger(field)) problems.push(`${key}: must be an integer`);
    else if (field < min || field > max) problems.push(`${key}: must be in ${min}..${max}`);
  }
  return problems;
}

export function isBatchRecord(value: unknown): value is BatchRecord {
  return batchRecordProblems(value).length === 0;
}

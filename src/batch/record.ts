/**
 * The only record that ever leaves the device: aggregate counters for one
 * released window (or several merged ones). Field names are the wire format;
 * batch.schema.json is the contract and allows no other field.
 */
export interface BatchRecord {
  /** Deterministic from device and window start, so that a resend is recognised: delivery is idempotent. */
  readonly batch_id: string;
  readonly device_id: string;
  readonly site: string;
  /** UTC, ISO 8601, on a window boundary (e.g. "2026-11-28T16:00:00Z"). */
  readonly window_start: string;
  /** UTC, ISO 8601, on a window boundary; a merged batch spans several windows. */
  readonly window_end: string;
  /** People counted in the span: masked + unmasked. */
  readonly people: number;
  readonly masked: number;
  readonly unmasked: number;
  readonly model_id: string;
  readonly firmware_version: string;
}

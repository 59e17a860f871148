import type { BatchRecord } from "../src/batch/record.js";

/** One slot of a site's day: people and masked people counted in it (summed over the site's devices). */
export interface CurveSlot {
  /** Slot start, ISO minute (UTC). */
  readonly start: string;
  /** People in the slot; fractional where a merged batch is spread over several slots. */
  readonly people: number;
  readonly masked: number;
}

const MINUTE_MS = 60_000;

/**
 * A site's curve: `count` slots of `slotMinutes` from `fromMs`. Each batch is
 * spread over the slots its window overlaps, in proportion to the overlap, so
 * that a batch merged over a quiet hour neither piles into one slot nor
 * vanishes. Counts are rounded to 0.01 (the share is unaffected by spreading).
 */
export function siteCurve(batches: readonly BatchRecord[], fromMs: number, slotMinutes: number, count: number): CurveSlot[] {
  const slotMs = slotMinutes * MINUTE_MS;
  const people = new Float64Array(count);
  const masked = new Float64Array(count);
  for (const batch of batches) {
    const start = Date.parse(batch.window_start);
    const end = Date.parse(batch.window_end);
    const span = end - start;
    if (!(span > 0)) continue;
    const first = Math.max(0, Math.floor((start - fromMs) / slotMs));
    const last = Math.min(count - 1, Math.floor((end - 1 - fromMs) / slotMs));
    for (let slot = first; slot <= last; slot++) {
      const slotStart = fromMs + slot * slotMs;
      const overlap = Math.min(end, slotStart + slotMs) - Math.max(start, slotStart);
      if (overlap <= 0) continue;
      people[slot] += (batch.people * overlap) / span;
      masked[slot] += (batch.masked * overlap) / span;
    }
  }
  const slots: CurveSlot[] = [];
  for (let slot = 0; slot < count; slot++) {
    slots.push({ start: new Date(fromMs + slot * slotMs).toISOString().replace(".000Z", "Z"), people: round2(people[slot]), masked: round2(masked[slot]) });
  }
  return slots;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Counters of a span of whole windows. Times in ms since the epoch, on window boundaries. */
export interface SpanCounts {
  readonly start: number;
  readonly end: number;
  readonly people: number;
  readonly masked: number;
  readonly unmasked: number;
}

/** The window counters as persisted. */
export interface WindowState {
  /** Start of the open span (its first window). */
  readonly spanStart: number;
  /** End of the span's current window. */
  readonly windowEnd: number;
  readonly people: number;
  readonly masked: number;
  readonly unmasked: number;
  /** A released span written ahead of its queueing (see WindowCounter). */
  readonly outbox?: SpanCounts;
}

const MINUTE_MS = 60_000;

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 1_000_000_000;
}

/** Compact JSON, times in whole minutes: {"v":1,"s":..,"e":..,"p":..,"m":..,"u":..[,"o":[s,e,m,u]]}. */
export function encodeWindowState(state: WindowState): string {
  const minutes = (ms: number): number => Math.round(ms / MINUTE_MS);
  const fields: Record<string, unknown> = {
    v: 1,
    s: minutes(state.spanStart),
    e: minutes(state.windowEnd),
    p: state.people,
    m: state.masked,
    u: state.unmasked,
  };
  const outbox = state.outbox;
  if (outbox !== undefined) fields.o = [minutes(outbox.start), minutes(outbox.end), outbox.masked, outbox.unmasked];
  return JSON.stringify(fields);
}

/** The state, or undefined when the text is not a valid version-1 state. */
export function decodeWindowState(text: string): WindowState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { v, s, e, p, m, u, o } = value as Record<string, unknown>;
  if (v !== 1 || !isCount(s) || !isCount(e) || !isCount(p) || !isCount(m) || !isCount(u)) return undefined;
  if (e <= s || p !== m + u) return undefined;
  const state = { spanStart: s * MINUTE_MS, windowEnd: e * MINUTE_MS, people: p, masked: m, unmasked: u };
  if (o === undefined) return state;
  if (!Array.isArray(o) || o.length !== 4 || !o.every(isCount)) return undefined;
  const [os, oe, om, ou] = o as number[];
  if (oe <= os || oe > s) return undefined;
  return { ...state, outbox: { start: os * MINUTE_MS, end: oe * MINUTE_MS, people: om + ou, masked: om, unmasked: ou } };
}

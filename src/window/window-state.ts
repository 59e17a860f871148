/** The open span's counters as persisted: times in whole minutes since the epoch (window boundaries only). */
export interface WindowState {
  /** Start of the open span (its first window), ms since the epoch, on a window boundary. */
  readonly spanStart: number;
  /** End of the span's current window, ms since the epoch, on a window boundary. */
  readonly windowEnd: number;
  readonly people: number;
  readonly masked: number;
  readonly unmasked: number;
}

const MINUTE_MS = 60_000;

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 1_000_000_000;
}

/** Compact JSON: {"v":1,"s":<minutes>,"e":<minutes>,"p":..,"m":..,"u":..}. */
export function encodeWindowState(state: WindowState): string {
  return JSON.stringify({
    v: 1,
    s: Math.round(state.spanStart / MINUTE_MS),
    e: Math.round(state.windowEnd / MINUTE_MS),
    p: state.people,
    m: state.masked,
    u: state.unmasked,
  });
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
  const { v, s, e, p, m, u } = value as Record<string, unknown>;
  if (v !== 1 || !isCount(s) || !isCount(e) || !isCount(p) || !isCount(m) || !isCount(u)) return undefined;
  if (e <= s || p !== m + u) return undefined;
  return { spanStart: s * MINUTE_MS, windowEnd: e * MINUTE_MS, people: p, masked: m, unmasked: u };
}

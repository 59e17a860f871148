function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function checkMinute(ms: number): Date {
  if (!Number.isInteger(ms) || ms % 60_000 !== 0) throw new RangeError(`batch time must be a whole UTC minute, got ${ms}`);
  return new Date(ms);
}

/** "2026-11-28T16:00:00Z": ISO 8601, UTC, whole minutes only. */
export function isoMinute(ms: number): string {
  const d = checkMinute(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:00Z`;
}

/** "20261128T1600Z": the compact form used in batch ids. */
export function compactMinute(ms: number): string {
  const d = checkMinute(ms);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}Z`;
}

/** Milliseconds of an isoMinute string, or undefined when it is not one. */
export function parseIsoMinute(text: string): number | undefined {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):00Z$/.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute] = match;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute));
  return isoMinute(ms) === text ? ms : undefined;
}

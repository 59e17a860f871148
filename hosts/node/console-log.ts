import type { Log, LogFields, LogLevel } from "../../src/interfaces/index.js";

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = Object.freeze({ debug: 0, info: 1, warn: 2, error: 3 });

/** Field names whose values are never printed. */
const SECRET_FIELD = /token|secret|passw|credential|authori[sz]|bearer|psk|cookie|private|api.?key/i;
/** Values that look like credentials whatever their field is called. */
const SECRET_VALUE = /^(Bearer|Basic)\s|-----BEGIN [A-Z ]*PRIVATE KEY-----/i;

export interface ConsoleLogOptions {
  /** Lowest level printed; default "info". */
  readonly level?: LogLevel;
  /** Where lines go; default stderr. */
  readonly write?: (line: string) => void;
}

/**
 * Concise log lines, `level event key=value ...`, one per event, with
 * credentials redacted by field name and by shape.
 */
export class ConsoleLog implements Log {
  #minRank: number;
  #write: (line: string) => void;

  constructor(options: ConsoleLogOptions = {}) {
    this.#minRank = LEVEL_RANK[options.level ?? "info"];
    this.#write = options.write ?? ((line) => process.stderr.write(line + "\n"));
  }

  write(level: LogLevel, event: string, fields?: LogFields): void {
    if (LEVEL_RANK[level] < this.#minRank) return;
    this.#write(formatLine(level, event, fields));
  }
}

export function formatLine(level: LogLevel, event: string, fields?: LogFields): string {
  let line = `${level.padEnd(5)} ${event}`;
  for (const [key, value] of Object.entries(fields ?? {})) line += ` ${key}=${formatValue(key, value)}`;
  return line;
}

function formatValue(key: string, value: string | number | boolean): string {
  if (SECRET_FIELD.test(key)) return "[redacted]";
  if (typeof value !== "string") return String(value);
  if (SECRET_VALUE.test(value)) return "[redacted]";
  const oneLine = value.length > 200 ? value.slice(0, 200) + "…" : value;
  return /^[^\s"=]+$/.test(oneLine) ? oneLine : JSON.stringify(oneLine);
}

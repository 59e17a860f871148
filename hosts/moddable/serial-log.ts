/**
 * The core's Log on the board: one line per event on the serial console
 * (xsbug or the USB serial port), `level event key=value ...`. Fields are
 * scalars by the Log contract; the core never passes frames or secrets.
 */
import type { Log, LogFields, LogLevel } from "../../src/interfaces/index.js";

export class SerialLog implements Log {
  readonly #minimum: number;
  static readonly #LEVELS: Readonly<Record<LogLevel, number>> = Object.freeze({ debug: 0, info: 1, warn: 2, error: 3 });

  constructor(minimum: LogLevel = "info") {
    this.#minimum = SerialLog.#LEVELS[minimum];
  }

  write(level: LogLevel, event: string, fields?: LogFields): void {
    if (SerialLog.#LEVELS[level] < this.#minimum) return;
    let line = `${level} ${event}`;
    if (fields !== undefined) {
      for (const key of Object.keys(fields)) line += ` ${key}=${String(fields[key])}`;
    }
    trace(line, "\n");
  }
}

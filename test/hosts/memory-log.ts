import type { Log, LogFields, LogLevel } from "../../src/interfaces/index.js";

/** A Log that keeps what was written, for assertions. */
export class MemoryLog implements Log {
  readonly lines: { level: LogLevel; event: string; fields: LogFields }[] = [];

  write(level: LogLevel, event: string, fields: LogFields = {}): void {
    this.lines.push({ level, event, fields });
  }
}

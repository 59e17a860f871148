import type { Log, LogFields, LogLevel } from "../../src/interfaces/index.js";

export interface LogEvent {
  readonly level: LogLevel;
  readonly event: string;
  readonly fields?: LogFields;
}

/** Keeps log events for assertions. */
export class MemoryLog implements Log {
  readonly events: LogEvent[] = [];

  write(level: LogLevel, event: string, fields?: LogFields): void {
    this.events.push({ level, event, fields });
  }

  named(event: string): LogEvent[] {
    return this.events.filter((entry) => entry.event === event);
  }
}

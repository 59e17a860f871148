export type LogLevel = "debug" | "info" | "warn" | "error";

/** Fields attached to a log event: scalars only, never frames, crops or credentials. */
export type LogFields = Readonly<Record<string, string | number | boolean>>;

export interface Log {
  write(level: LogLevel, event: string, fields?: LogFields): void;
}

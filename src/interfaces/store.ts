/** Longest key a store must accept (ESP32 Preference / NVS keys are at most 15 characters). */
export const STORE_MAX_KEY_LENGTH = 15;
/** Longest value a store must accept, in UTF-8 bytes (ESP32 Preference values are at most 4000 bytes). */
export const STORE_MAX_VALUE_BYTES = 4000;

/**
 * Small persistent key-value storage that survives a power cut: Preference
 * (NVS) on the board, a local file on the desktop. Holds configuration and
 * aggregates only, never frames or per-person data. Writes are rare by design.
 */
export interface Store {
  get(key: string): string | undefined;
  /** Durable when it returns. Throws when storage is full or the key/value is too long. */
  set(key: string, value: string): void;
  delete(key: string): void;
  keys(): string[];
}

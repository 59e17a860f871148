import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { STORE_MAX_KEY_LENGTH, STORE_MAX_VALUE_BYTES, type Store } from "../../src/interfaces/index.js";
import { writeFileAtomic } from "./atomic-file.js";

/** Room for keys and values together, like the board's small NVS partition (24 KiB). */
export const DEFAULT_STORE_CAPACITY_BYTES = 24 * 1024;

const FORMAT = 1;

export interface FileStoreOptions {
  /** Total UTF-8 bytes of keys and values the store holds before `set` throws "full". */
  readonly capacityBytes?: number;
}

/**
 * The desktop's Store: one JSON file, rewritten atomically on every change
 * (temp file, fsync, rename, fsync of the folder), so a crash at any point
 * leaves the previous or the new content. Same limits as the board's
 * Preference store: keys up to 15 bytes, values up to 4000 bytes.
 */
export class FileStore implements Store {
  readonly path: string;
  #entries: Map<string, string>;
  #capacityBytes: number;

  constructor(path: string, options: FileStoreOptions = {}) {
    this.path = path;
    this.#capacityBytes = options.capacityBytes ?? DEFAULT_STORE_CAPACITY_BYTES;
    mkdirSync(dirname(path), { recursive: true });
    removeStaleTempFiles(path);
    this.#entries = existsSync(path) ? readEntries(path) : new Map();
  }

  get(key: string): string | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: string): void {
    checkKey(key);
    if (typeof value !== "string") throw new TypeError(`store: value of "${key}" must be a string`);
    const valueBytes = Buffer.byteLength(value, "utf8");
    if (valueBytes > STORE_MAX_VALUE_BYTES) throw new RangeError(`store: value of "${key}" is ${valueBytes} bytes, the limit is ${STORE_MAX_VALUE_BYTES}`);
    if (this.#entries.get(key) === value) return;
    const next = new Map(this.#entries);
    next.set(key, value);
    const used = usedBytes(next);
    if (used > this.#capacityBytes) throw new RangeError(`store: full (${used} of ${this.#capacityBytes} bytes needed for "${key}")`);
    this.#write(next);
  }

  delete(key: string): void {
    if (!this.#entries.has(key)) return;
    const next = new Map(this.#entries);
    next.delete(key);
    this.#write(next);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** Writes first, then adopts: if the write throws, the store still reflects the file. */
  #write(next: Map<string, string>): void {
    writeFileAtomic(this.path, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(next) }));
    this.#entries = next;
  }
}

function checkKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) throw new TypeError("store: a key must be a non-empty string");
  const bytes = Buffer.byteLength(key, "utf8");
  if (bytes > STORE_MAX_KEY_LENGTH) throw new RangeError(`store: key "${key}" is ${bytes} bytes, the limit is ${STORE_MAX_KEY_LENGTH}`);
}

function usedBytes(entries: Map<string, string>): number {
  let total = 0;
  for (const [key, value] of entries) total += Buffer.byteLength(key, "utf8") + Buffer.byteLength(value, "utf8");
  return total;
}

/** Reads the store file; a file that does not parse is an error, never silently emptied (it may hold unsent batches). */
function readEntries(path: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`store: ${path} is unreadable (${error instanceof Error ? error.message : String(error)}); move it away to start empty`, { cause: error });
  }
  const record = parsed as { format?: unknown; entries?: unknown };
  if (record.format !== FORMAT || typeof record.entries !== "object" || record.entries === null || Array.isArray(record.entries)) {
    throw new Error(`store: ${path} is not a store file of format ${FORMAT}`);
  }
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(record.entries)) {
    if (typeof value !== "string") throw new Error(`store: ${path} holds a non-string value for "${key}"`);
    entries.set(key, value);
  }
  return entries;
}

/** Temp files left by a crash before their rename: never the live content, safe to remove. */
function removeStaleTempFiles(path: string): void {
  const folder = dirname(path);
  const prefix = `${basename(path)}.`;
  for (const name of readdirSync(folder)) {
    if (name.startsWith(prefix) && name.endsWith(".tmp")) unlinkSync(join(folder, name));
  }
}

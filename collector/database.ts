import Database from "better-sqlite3";
import type { BatchRecord } from "../src/batch/record.js";
import { hashToken, isTokenShaped, newToken } from "./tokens.js";

/** Outcome of storing a batch: idempotent on batch_id. */
export type StoreOutcome = "stored" | "duplicate" | "conflict";

const BATCH_FIELDS = Object.freeze([
  "batch_id",
  "device_id",
  "site",
  "window_start",
  "window_end",
  "people",
  "masked",
  "unmasked",
  "model_id",
  "firmware_version",
] as const);

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS devices (
  device_id TEXT PRIMARY KEY,
  token_sha256 TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS admins (
  name TEXT PRIMARY KEY,
  token_sha256 TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS batches (
  batch_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  site TEXT NOT NULL,
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  people INTEGER NOT NULL,
  masked INTEGER NOT NULL,
  unmasked INTEGER NOT NULL,
  model_id TEXT NOT NULL,
  firmware_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_by_site ON batches (site, window_start);
`;

/**
 * The collector's SQLite storage: devices and admins (token hashes only) and
 * batches (exactly the schema's fields: no receipt time, no address).
 */
export class CollectorDatabase {
  #db: Database.Database;

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = FULL"); // a 201 means the batch is on disk
    this.#db.pragma("foreign_keys = ON");
    this.#db.exec(SCHEMA_SQL);
  }

  /** Registers a device and returns its new token (shown once). Refuses a known id unless `replace`. */
  registerDevice(deviceId: string, replace = false): string {
    const token = newToken();
    const sql = replace
      ? "INSERT INTO devices (device_id, token_sha256) VALUES (?, ?) ON CONFLICT (device_id) DO UPDATE SET token_sha256 = excluded.token_sha256"
      : "INSERT INTO devices (device_id, token_sha256) VALUES (?, ?)";
    try {
      this.#db.prepare(sql).run(deviceId, hashToken(token));
    } catch (error) {
      if (isConstraintError(error)) throw new Error(`device '${deviceId}' is already registered (rotate its token with replace)`, { cause: error });
      throw error;
    }
    return token;
  }

  hasDevice(deviceId: string): boolean {
    return this.#db.prepare("SELECT 1 FROM devices WHERE device_id = ?").get(deviceId) !== undefined;
  }

  /** The device a token belongs to, or undefined. */
  deviceForToken(token: string): string | undefined {
    if (!isTokenShaped(token)) return undefined;
    const row = this.#db.prepare("SELECT device_id FROM devices WHERE token_sha256 = ?").get(hashToken(token)) as { device_id: string } | undefined;
    return row?.device_id;
  }

  /** Creates (or replaces) the admin token that may read batches; returns it (shown once). */
  createAdminToken(name = "admin"): string {
    const token = newToken();
    this.#db
      .prepare("INSERT INTO admins (name, token_sha256) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET token_sha256 = excluded.token_sha256")
      .run(name, hashToken(token));
    return token;
  }

  isAdminToken(token: string): boolean {
    if (!isTokenShaped(token)) return false;
    return this.#db.prepare("SELECT 1 FROM admins WHERE token_sha256 = ?").get(hashToken(token)) !== undefined;
  }

  /** Stores a validated batch once: same id and content again is a duplicate, other content a conflict. */
  storeBatch(batch: BatchRecord): StoreOutcome {
    const store = this.#db.transaction((record: BatchRecord): StoreOutcome => {
      const existing = this.#db.prepare("SELECT * FROM batches WHERE batch_id = ?").get(record.batch_id) as BatchRecord | undefined;
      if (existing !== undefined) return sameBatch(existing, record) ? "duplicate" : "conflict";
      this.#db
        .prepare(`INSERT INTO batches (${BATCH_FIELDS.join(", ")}) VALUES (${BATCH_FIELDS.map((field) => "@" + field).join(", ")})`)
        .run(pick(record));
      return "stored";
    });
    return store(batch);
  }

  /** Batches of a site, oldest window first. */
  batchesForSite(site: string): BatchRecord[] {
    return this.#db.prepare(`SELECT ${BATCH_FIELDS.join(", ")} FROM batches WHERE site = ? ORDER BY window_start, batch_id`).all(site) as BatchRecord[];
  }

  countBatches(): number {
    return (this.#db.prepare("SELECT count(*) AS n FROM batches").get() as { n: number }).n;
  }

  close(): void {
    this.#db.close();
  }
}

function pick(record: BatchRecord): Record<string, string | number> {
  const row: Record<string, string | number> = {};
  for (const field of BATCH_FIELDS) row[field] = record[field];
  return row;
}

function sameBatch(a: BatchRecord, b: BatchRecord): boolean {
  return BATCH_FIELDS.every((field) => a[field] === b[field]);
}

function isConstraintError(error: unknown): boolean {
  return error instanceof Error && "code" in error && String((error as { code: unknown }).code).startsWith("SQLITE_CONSTRAINT");
}

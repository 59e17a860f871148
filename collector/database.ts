import Database from "better-sqlite3";
import type { BatchRecord } from "../src/batch/record.js";
import { isoMinute } from "../src/batch/utc.js";
import { hashToken, isTokenShaped, newToken } from "./tokens.js";

/** Outcome of storing a batch: idempotent on batch_id. */
export type StoreOutcome = "stored" | "duplicate" | "conflict";

export const BATCH_FIELDS = Object.freeze([
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

/** A registered device: `revoked` when it holds no token (its batches stay). */
export interface DeviceRow {
  readonly device_id: string;
  readonly revoked: boolean;
}

/** Optional bounds on window times (ISO minutes, `from` inclusive on window_end, `to` exclusive on window_start). */
export interface BatchRange {
  readonly site?: string;
  /** Batches whose window ends after this instant. */
  readonly from?: string;
  /** Batches whose window starts before this instant. */
  readonly to?: string;
}

/** Schema version kept in SQLite's user_version; 0 is the walking skeleton's file. */
const SCHEMA_VERSION = 1;

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS devices (
  device_id TEXT PRIMARY KEY,
  token_sha256 TEXT UNIQUE -- NULL: revoked
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
CREATE INDEX IF NOT EXISTS batches_by_device ON batches (device_id, window_end);
CREATE TABLE IF NOT EXISTS alerts (
  alert_id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL,
  site TEXT NOT NULL,
  created_at TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('queued', 'rate_limited')),
  subject TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  delivery_id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES alerts(alert_id),
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error TEXT,
  sent_at TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
CREATE TABLE IF NOT EXISTS rule_state (
  rule_id TEXT PRIMARY KEY,
  active INTEGER NOT NULL,
  last_fired_at INTEGER
);
`;

/** The skeleton's devices table had a NOT NULL token; revocation needs it nullable. */
const MIGRATE_0_TO_1 = `
CREATE TABLE devices_v1 (device_id TEXT PRIMARY KEY, token_sha256 TEXT UNIQUE);
INSERT INTO devices_v1 (device_id, token_sha256) SELECT device_id, token_sha256 FROM devices;
DROP TABLE devices;
ALTER TABLE devices_v1 RENAME TO devices;
`;

/**
 * The collector's SQLite storage: devices and admins (token hashes only),
 * batches (exactly the schema's fields: no receipt time, no address), and the
 * alert outbox (see alert-store.ts).
 */
export class CollectorDatabase {
  #db: Database.Database;

  constructor(path: string) {
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = FULL"); // a 201 means the batch is on disk
    this.#db.pragma("foreign_keys = OFF"); // while migrating: the devices table is rebuilt under the batches
    this.#migrate();
    this.#db.pragma("foreign_keys = ON");
    this.#db.exec(SCHEMA_SQL);
  }

  /** The connection, for the alert store that shares this file. */
  get sqlite(): Database.Database {
    return this.#db;
  }

  #migrate(): void {
    const version = this.#db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`collector database is schema version ${version}; this collector knows up to ${SCHEMA_VERSION}`);
    const hasDevices = this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'devices'").get() !== undefined;
    this.#db.transaction(() => {
      if (version === 0 && hasDevices) this.#db.exec(MIGRATE_0_TO_1); // foreign keys are off here: batches keep pointing at device ids
      this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
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

  /** A new token for a registered device (also reinstates a revoked one); undefined for an unknown id. */
  rotateDeviceToken(deviceId: string): string | undefined {
    if (!this.hasDevice(deviceId)) return undefined;
    return this.registerDevice(deviceId, true);
  }

  /** Forgets a device's token: its requests are refused, its batches stay. False for an unknown id. */
  revokeDevice(deviceId: string): boolean {
    return this.#db.prepare("UPDATE devices SET token_sha256 = NULL WHERE device_id = ?").run(deviceId).changes === 1;
  }

  hasDevice(deviceId: string): boolean {
    return this.#db.prepare("SELECT 1 FROM devices WHERE device_id = ?").get(deviceId) !== undefined;
  }

  devices(): DeviceRow[] {
    const rows = this.#db.prepare("SELECT device_id, token_sha256 IS NULL AS revoked FROM devices ORDER BY device_id").all() as { device_id: string; revoked: number }[];
    return rows.map((row) => ({ device_id: row.device_id, revoked: row.revoked === 1 }));
  }

  /** The device a token belongs to, or undefined (also for a revoked device: it has no token). */
  deviceForToken(token: string): string | undefined {
    if (!isTokenShaped(token)) return undefined;
    const row = this.#db.prepare("SELECT device_id FROM devices WHERE token_sha256 = ?").get(hashToken(token)) as { device_id: string } | undefined;
    return row?.device_id;
  }

  /** Creates (or replaces) a named admin token (reads batches, manages devices); returns it (shown once). */
  createAdminToken(name = "admin"): string {
    const token = newToken();
    this.#db
      .prepare("INSERT INTO admins (name, token_sha256) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET token_sha256 = excluded.token_sha256")
      .run(name, hashToken(token));
    return token;
  }

  /** Removes a named admin token; false when there was none. */
  revokeAdminToken(name: string): boolean {
    return this.#db.prepare("DELETE FROM admins WHERE name = ?").run(name).changes === 1;
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
    return this.batches({ site });
  }

  /** Batches in a range (every site when none is named), oldest window first. ISO minutes compare as text. */
  batches(range: BatchRange = {}): BatchRecord[] {
    const where: string[] = [];
    const params: string[] = [];
    const add = (condition: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(condition);
      params.push(value);
    };
    add("site = ?", range.site);
    add("window_end > ?", range.from);
    add("window_start < ?", range.to);
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    return this.#db.prepare(`SELECT ${BATCH_FIELDS.join(", ")} FROM batches ${clause} ORDER BY window_start, batch_id`).all(...params) as BatchRecord[];
  }

  /** The `count` batches of a site that ended last, newest first. */
  latestBatches(site: string, count: number): BatchRecord[] {
    return this.#db.prepare(`SELECT ${BATCH_FIELDS.join(", ")} FROM batches WHERE site = ? ORDER BY window_end DESC, batch_id DESC LIMIT ?`).all(site, count) as BatchRecord[];
  }

  /** Batches of a site whose window ends in (fromMs, toMs] (whole minutes). */
  batchesEndingIn(site: string, fromMs: number, toMs: number): BatchRecord[] {
    return this.#db
      .prepare(`SELECT ${BATCH_FIELDS.join(", ")} FROM batches WHERE site = ? AND window_end > ? AND window_end <= ? ORDER BY window_end, batch_id`)
      .all(site, isoMinute(fromMs), isoMinute(toMs)) as BatchRecord[];
  }

  /** Each device's batch with the latest window end (devices that never sent are absent). */
  lastBatchPerDevice(): Map<string, BatchRecord> {
    const rows = this.#db
      .prepare(
        `SELECT ${BATCH_FIELDS.map((field) => "b." + field).join(", ")} FROM batches b
         WHERE b.batch_id = (SELECT batch_id FROM batches WHERE device_id = b.device_id ORDER BY window_end DESC, batch_id DESC LIMIT 1)`,
      )
      .all() as BatchRecord[];
    return new Map(rows.map((row) => [row.device_id, row]));
  }

  /** Every site that has sent a batch, with its newest window end. */
  sites(): { site: string; last_window_end: string }[] {
    return this.#db.prepare("SELECT site, max(window_end) AS last_window_end FROM batches GROUP BY site ORDER BY site").all() as { site: string; last_window_end: string }[];
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

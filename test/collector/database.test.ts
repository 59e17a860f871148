import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { BatchRecord } from "../../src/batch/record.js";
import { CollectorDatabase } from "../../collector/database.js";
import { hashToken, newToken } from "../../collector/tokens.js";
import { removeFolder, tempFolder, validBatch } from "./fixtures.js";

/** The walking skeleton's tables, as its collector created them (schema version 0). */
const SKELETON_SQL = `
CREATE TABLE devices (device_id TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE);
CREATE TABLE admins (name TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE);
CREATE TABLE batches (batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(device_id), site TEXT NOT NULL,
  window_start TEXT NOT NULL, window_end TEXT NOT NULL, people INTEGER NOT NULL, masked INTEGER NOT NULL, unmasked INTEGER NOT NULL,
  model_id TEXT NOT NULL, firmware_version TEXT NOT NULL);
CREATE INDEX batches_by_site ON batches (site, window_start);
`;

describe("collector: database", () => {
  let folder: string;

  beforeEach(() => {
    folder = tempFolder("database");
  });

  afterEach(() => {
    removeFolder(folder);
  });

  it("upgrades a walking-skeleton file: devices, tokens and batches kept; revocation works", () => {
    const path = join(folder, "collector.sqlite");
    const token = newToken();
    const old = new Database(path);
    old.exec(SKELETON_SQL);
    old.prepare("INSERT INTO devices VALUES (?, ?)").run("dev-one", hashToken(token));
    const batch = validBatch() as unknown as BatchRecord;
    old.prepare("INSERT INTO batches VALUES (@batch_id, @device_id, @site, @window_start, @window_end, @people, @masked, @unmasked, @model_id, @firmware_version)").run(batch);
    old.close();

    const database = new CollectorDatabase(path);
    try {
      assert.equal(database.sqlite.pragma("user_version", { simple: true }), 1);
      assert.equal(database.deviceForToken(token), "dev-one");
      assert.deepEqual(database.batchesForSite("Lobby"), [batch]);
      assert.equal(database.revokeDevice("dev-one"), true);
      assert.equal(database.deviceForToken(token), undefined);
      assert.deepEqual(database.devices(), [{ device_id: "dev-one", revoked: true }]);
      assert.deepEqual(database.sqlite.pragma("foreign_key_check"), [], "batches still point at their device");
      assert.equal(database.sqlite.pragma("foreign_keys", { simple: true }), 1);
    } finally {
      database.close();
    }
  });

  it("refuses a file from a newer collector", () => {
    const path = join(folder, "collector.sqlite");
    const newer = new Database(path);
    newer.pragma("user_version = 7");
    newer.close();
    assert.throws(() => new CollectorDatabase(path), /schema version 7; this collector knows up to 1/);
  });

  it("stores only the schema's fields (no receipt time, no address): the batches table has exactly those columns", () => {
    const database = new CollectorDatabase(join(folder, "collector.sqlite"));
    try {
      const columns = (database.sqlite.pragma("table_info(batches)") as { name: string }[]).map((column) => column.name);
      assert.deepEqual(columns, Object.keys(validBatch()));
    } finally {
      database.close();
    }
  });

  it("keeps to better-sqlite3 12 (13 is not for this project)", () => {
    const version = spawnSync(process.execPath, ["-p", "require('better-sqlite3/package.json').version"], { encoding: "utf8" }).stdout.trim();
    assert.match(version, /^12\./);
  });
});

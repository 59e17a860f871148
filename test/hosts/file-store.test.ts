import { strict as assert } from "node:assert";
import { fork } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FileStore } from "../../hosts/node/file-store.js";
import { removeFolder, tempFolder } from "../collector/fixtures.js";

describe("hosts/node: FileStore", () => {
  let folder: string;
  let path: string;

  beforeEach(() => {
    folder = tempFolder("store");
    path = join(folder, "device", "store.json");
  });

  afterEach(() => {
    removeFolder(folder);
  });

  it("keeps values across instances (a restart)", () => {
    const store = new FileStore(path);
    store.set("win", '{"people":3}');
    store.set("bq0001", "batch");
    store.delete("bq0001");
    const reopened = new FileStore(path);
    assert.equal(reopened.get("win"), '{"people":3}');
    assert.equal(reopened.get("bq0001"), undefined);
    assert.deepEqual(reopened.keys(), ["win"]);
  });

  it("accepts keys of 15 bytes and values of 4000 bytes, and refuses longer ones", () => {
    const store = new FileStore(path);
    store.set("k".repeat(15), "v".repeat(4000));
    assert.throws(() => store.set("k".repeat(16), "v"), /key "k{16}" is 16 bytes, the limit is 15/);
    assert.throws(() => store.set("big", "v".repeat(4001)), /value of "big" is 4001 bytes, the limit is 4000/);
    // Bytes, not characters: 2000 two-byte characters fill the limit, one more does not fit.
    store.set("utf8", "é".repeat(2000));
    assert.throws(() => store.set("utf8", "é".repeat(2001)), /4002 bytes/);
    assert.throws(() => store.set("", "v"), /non-empty/);
    assert.deepEqual(new FileStore(path).keys().sort(), ["k".repeat(15), "utf8"].sort());
  });

  it("throws when full and keeps what it had", () => {
    const store = new FileStore(path, { capacityBytes: 100 });
    store.set("a", "x".repeat(90));
    assert.throws(() => store.set("b", "y".repeat(20)), /full/);
    assert.equal(store.get("b"), undefined);
    assert.deepEqual(new FileStore(path).keys(), ["a"]);
  });

  it("refuses to open a file that is not a store rather than start empty", () => {
    new FileStore(path).set("a", "1");
    writeFileSync(path, "{ not json");
    assert.throws(() => new FileStore(path), /unreadable/);
  });

  it("removes a temp file left by a crash before its rename and keeps the last content", () => {
    new FileStore(path).set("a", "1");
    writeFileSync(`${path}.12345.tmp`, '{"format":1,"entries":{"a":"half-wr');
    const store = new FileStore(path);
    assert.equal(store.get("a"), "1");
    assert.deepEqual(readdirSync(join(folder, "device")), ["store.json"]);
  });

  it("survives being killed mid-write: the file always holds a whole earlier state", async function () {
    this.timeout(60_000);
    const writer = join("build", "test", "hosts", "store-writer.js");
    for (let round = 0; round < 5; round++) {
      const child = fork(writer, [path], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
      // Kill at a different point of the write loop each round.
      await new Promise<void>((resolve) => child.once("message", () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 20 + round * 37));
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      assert.ok(existsSync(path));
      const store = new FileStore(path); // parses, or throws and fails the test
      const a = Number(store.get("a"));
      const b = Number(store.get("b"));
      // The writer sets a = n, then b = n: after any crash b is a or a - 1.
      assert.ok(a === b || a === b + 1, `round ${round}: a=${a} b=${b}`);
      assert.ok(a > 0, `round ${round}: the writer made progress`);
      const raw = JSON.parse(readFileSync(path, "utf8")) as { entries: Record<string, string> };
      assert.equal(raw.entries.a, String(a));
    }
  });
});

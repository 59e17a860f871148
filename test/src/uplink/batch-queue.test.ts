import { strict as assert } from "node:assert";
import { buildBatchRecord } from "../../../src/batch/build-record.js";
import { STORE_MAX_KEY_LENGTH } from "../../../src/interfaces/index.js";
import { BatchQueue, queueKey } from "../../../src/uplink/batch-queue.js";
import { MemoryLog } from "../../support/memory-log.js";
import { MemoryStore } from "../../support/memory-store.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 28, 16, 0);

function record(start: number, people = 12) {
  return buildBatchRecord({ deviceId: "door-01", site: "Library", start, end: start + 20 * MINUTE, masked: people, unmasked: 0, modelId: "m@1", firmwareVersion: "0.1.0" });
}

describe("batch queue", () => {
  it("uses short keys that sort by time", () => {
    const keys = [T0, T0 + 20 * MINUTE, Date.UTC(2100, 0, 1)].map(queueKey);
    for (const key of keys) assert.ok(key.length <= STORE_MAX_KEY_LENGTH, key);
    assert.deepEqual([...keys].sort(), keys);
  });

  it("stores the exact body, keeps entries oldest first and survives a restart", () => {
    const store = new MemoryStore();
    const queue = new BatchQueue(store, new MemoryLog());
    assert.ok(queue.add(record(T0 + 40 * MINUTE)));
    assert.ok(queue.add(record(T0)));
    assert.deepEqual(queue.entries.map((e) => e.start), [T0, T0 + 40 * MINUTE]);
    assert.equal(store.get(queueKey(T0)), JSON.stringify(record(T0)));
    const reloaded = new BatchQueue(store, new MemoryLog());
    assert.deepEqual(reloaded.entries, queue.entries);
  });

  it("keeps the first batch of a span queued twice", () => {
    const store = new MemoryStore();
    const log = new MemoryLog();
    const queue = new BatchQueue(store, log);
    queue.add(record(T0, 12));
    assert.ok(queue.add(record(T0, 15)));
    assert.equal(queue.size, 1);
    assert.equal(store.get(queueKey(T0)), JSON.stringify(record(T0, 12)));
    assert.equal(log.named("batch_already_queued").length, 1);
  });

  it("reports a full store instead of throwing", () => {
    const store = new MemoryStore({ capacityBytes: 400 });
    const queue = new BatchQueue(store, new MemoryLog());
    assert.ok(queue.add(record(T0)));
    assert.equal(queue.add(record(T0 + 20 * MINUTE)), false);
    assert.equal(queue.size, 1);
  });

  it("removes acknowledged entries from the store", () => {
    const store = new MemoryStore();
    const queue = new BatchQueue(store, new MemoryLog());
    queue.add(record(T0));
    queue.remove(queueKey(T0));
    assert.equal(queue.size, 0);
    assert.deepEqual(store.keys(), []);
  });

  it("refuses invalid records, and leaves unreadable entries in the store, logged", () => {
    const store = new MemoryStore();
    const log = new MemoryLog();
    assert.throws(() => new BatchQueue(store, log).add({ ...record(T0), people: 3 }), /people/);
    store.set("bq0000001", "not json");
    store.set("other", "kept");
    const queue = new BatchQueue(store, log);
    assert.equal(queue.size, 0);
    assert.equal(store.get("bq0000001"), "not json");
    assert.equal(log.named("batch_queue_entry_unreadable").length, 1);
  });
});

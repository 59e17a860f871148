import { strict as assert } from "node:assert";
import { SimulatedClock } from "../../../hosts/node/sim-clock.js";
import { buildBatchRecord } from "../../../src/batch/build-record.js";
import { queueKey } from "../../../src/uplink/batch-queue.js";
import { Uplink } from "../../../src/uplink/uplink.js";
import { runUntil } from "../../support/drive.js";
import { FakeCollector, type CollectorBehaviour } from "../../support/fake-collector.js";
import { MemoryLog } from "../../support/memory-log.js";
import { MemoryStore } from "../../support/memory-store.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 28, 16, 0);
const TOKEN = "device-token-0123456789";

function record(start: number, people = 12) {
  return buildBatchRecord({ deviceId: "door-01", site: "Library", start, end: start + 20 * MINUTE, masked: people, unmasked: 0, modelId: "m@1", firmwareVersion: "0.1.0" });
}

function setup(options: { store?: MemoryStore; behaviour?: (index: number) => CollectorBehaviour; clock?: SimulatedClock } = {}) {
  const clock = options.clock ?? new SimulatedClock(T0 + 20 * MINUTE);
  const store = options.store ?? new MemoryStore();
  const log = new MemoryLog();
  const collector = new FakeCollector(clock, TOKEN);
  if (options.behaviour !== undefined) {
    const behaviour = options.behaviour;
    collector.behaviour = (_request, index) => behaviour(index);
  }
  const uplink = new Uplink({ collectorUrl: "https://collector.test:8443", deviceToken: TOKEN, https: collector, clock, store, log, random: () => 0.5 });
  return { clock, store, log, collector, uplink };
}

describe("uplink", () => {
  it("POSTs the record as JSON with the device's bearer token and removes it on 201", async () => {
    const { clock, store, collector, uplink } = setup();
    assert.ok(uplink.enqueue(record(T0)));
    await runUntil(clock, clock.now());
    assert.equal(collector.requests.length, 1);
    const [request] = collector.requests;
    assert.equal(request.url, "https://collector.test:8443/v1/batches");
    assert.equal(request.headers["authorization"], `Bearer ${TOKEN}`);
    assert.equal(request.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(request.body), record(T0));
    assert.ok(request.timeoutMs > 0);
    assert.deepEqual(store.keys(), []);
    assert.deepEqual(uplink.stats(), { queued: 0, sent: 1, acknowledged: 1, failedAttempts: 0, parked: 0 });
  });

  it("takes 200 (an identical replay) as an acknowledgement", async () => {
    const { clock, collector, uplink } = setup();
    collector.stored.set(record(T0).batch_id, JSON.stringify(record(T0)));
    uplink.enqueue(record(T0));
    await runUntil(clock, clock.now());
    assert.equal(uplink.stats().acknowledged, 1);
    assert.equal(uplink.stats().queued, 0);
  });

  it("sends oldest first, one request at a time", async () => {
    const { clock, collector, uplink } = setup({ behaviour: (index) => (index === 0 ? { kind: "down" } : { kind: "ok", delayMs: 1000 }) });
    uplink.enqueue(record(T0 + 40 * MINUTE));
    await runUntil(clock, clock.now());
    uplink.enqueue(record(T0 + 20 * MINUTE));
    uplink.enqueue(record(T0));
    assert.equal(collector.requests.length, 1, "waits out the backoff");
    await runUntil(clock, clock.now() + 2500 + 500);
    assert.equal(collector.requests.length, 2);
    assert.ok(uplink.busy);
    await runUntil(clock, clock.now() + 5000);
    assert.deepEqual(collector.requests.map((r) => JSON.parse(r.body).window_start), ["2026-11-28T16:40:00Z", "2026-11-28T16:00:00Z", "2026-11-28T16:20:00Z", "2026-11-28T16:40:00Z"]);
    assert.equal(uplink.stats().acknowledged, 3);
  });

  for (const [name, failure] of [
    ["a 503", { kind: "error", status: 503 }],
    ["a 429", { kind: "refuse", status: 429 }],
    ["a 408", { kind: "refuse", status: 408 }],
    ["a network failure", { kind: "down" }],
    ["a timeout", { kind: "timeout", stored: false }],
  ] as Array<[string, CollectorBehaviour]>) {
    it(`retries after ${name} with exponential backoff and jitter`, async () => {
      const { clock, collector, uplink, log } = setup({ behaviour: (index) => (index < 3 ? failure : { kind: "ok" }) });
      const times: number[] = [];
      const post = collector.post.bind(collector);
      collector.post = (request) => {
        times.push(clock.now());
        return post(request);
      };
      uplink.enqueue(record(T0));
      await runUntil(clock, clock.now() + 60 * MINUTE);
      assert.equal(collector.requests.length, 4);
      assert.equal(uplink.stats().acknowledged, 1);
      assert.equal(uplink.stats().failedAttempts, 3);
      assert.equal(uplink.stats().sent, 1, "one distinct batch");
      // random() = 0.5: half of 5 s, 10 s, 20 s after each failure (timeouts add the request's own 20 s).
      const answerDelay = failure.kind === "timeout" ? 20_000 : 0;
      assert.deepEqual(times.slice(1).map((t, i) => t - times[i] - answerDelay), [2500, 5000, 10_000]);
      assert.equal(log.named("batch_send_failed").length, 3);
    });
  }

  it("parks a batch refused with a 4xx: kept, logged, retried rarely, the others go on", async () => {
    const { clock, store, collector, uplink, log } = setup({ behaviour: (index) => (index === 0 ? { kind: "refuse", status: 400 } : { kind: "ok" }) });
    uplink.enqueue(record(T0));
    uplink.enqueue(record(T0 + 20 * MINUTE));
    await runUntil(clock, clock.now() + MINUTE);
    assert.deepEqual(store.keys(), [queueKey(T0)]);
    assert.equal(uplink.stats().parked, 1);
    assert.equal(uplink.stats().acknowledged, 1);
    const refused = log.named("batch_refused");
    assert.equal(refused.length, 1);
    assert.equal(refused[0].level, "error");
    assert.equal(refused[0].fields?.status, 400);
    await runUntil(clock, clock.now() + 5 * 60 * MINUTE);
    assert.equal(collector.requests.length, 2, "not retried before 6 hours");
    await runUntil(clock, clock.now() + 61 * MINUTE);
    assert.equal(collector.requests.length, 3);
    assert.deepEqual(store.keys(), []);
    assert.equal(uplink.stats().parked, 0);
  });

  it("parks a replayed id with different content (409) without dropping it", async () => {
    const { clock, store, collector, uplink } = setup();
    collector.stored.set(record(T0).batch_id, JSON.stringify(record(T0, 99)));
    uplink.enqueue(record(T0));
    await runUntil(clock, clock.now() + MINUTE);
    assert.equal(collector.conflicts, 1);
    assert.deepEqual(store.keys(), [queueKey(T0)]);
    assert.equal(uplink.stats().parked, 1);
  });

  it("resumes the queue after a restart", async () => {
    const store = new MemoryStore();
    const first = setup({ store, behaviour: () => ({ kind: "down" }) });
    first.uplink.enqueue(record(T0));
    first.uplink.enqueue(record(T0 + 20 * MINUTE));
    await runUntil(first.clock, first.clock.now() + MINUTE);
    first.uplink.close();
    assert.equal(store.keys().length, 2);
    const second = setup({ store, clock: new SimulatedClock(first.clock.now() + 60 * MINUTE) });
    assert.equal(second.uplink.stats().queued, 2);
    await runUntil(second.clock, second.clock.now() + 1000);
    assert.equal(second.collector.stored.size, 2);
    assert.deepEqual(store.keys(), []);
  });

  it("stops sending on close", async () => {
    const { clock, collector, uplink } = setup({ behaviour: () => ({ kind: "down" }) });
    uplink.enqueue(record(T0));
    await runUntil(clock, clock.now() + 1000);
    uplink.close();
    const sent = collector.requests.length;
    await runUntil(clock, clock.now() + 60 * MINUTE);
    assert.equal(collector.requests.length, sent);
    assert.equal(clock.pending, 0);
  });

  it("reports a full store to the caller", () => {
    const { uplink } = setup({ store: new MemoryStore({ capacityBytes: 100 }) });
    assert.equal(uplink.enqueue(record(T0)), false);
  });
});

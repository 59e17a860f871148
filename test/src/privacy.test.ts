import { strict as assert } from "node:assert";
import { SimulatedClock } from "../../hosts/node/sim-clock.js";
import { Ephemera } from "../../src/app/ephemera.js";
import { parseIsoMinute } from "../../src/batch/utc.js";
import { batchRecordProblems } from "../../src/batch/validate.js";
import type { GrayFrame } from "../../src/interfaces/index.js";
import { runUntil } from "../support/drive.js";
import { FakeCollector, type CollectorBehaviour } from "../support/fake-collector.js";
import { MemoryLog } from "../support/memory-log.js";
import { MemoryStore } from "../support/memory-store.js";
import { queueOfWalkers, sceneFrame } from "../support/scene.js";
import { StandInModel } from "../support/stand-in-model.js";

/*
 * Privacy invariant: no code path persists or transmits a frame, a face crop,
 * a per-person record or a time finer than the window. This drives the whole
 * core (frames -> model -> tracker -> windows -> queue -> HTTPS) through
 * thin windows, merges, collector failures, a graceful restart and a power
 * cut, records every store write and every request, and checks each one.
 */

const MINUTE = 60_000;
const WINDOW_MINUTES = 15;
const TOKEN = "device-token-0123456789";
const CONFIG = Object.freeze({ deviceId: "door-01", site: "Library", collectorUrl: "https://collector.test", deviceToken: TOKEN, windowMinutes: WINDOW_MINUTES, scaledShortSide: 96, maxTiles: 4 });
const BATCH_FIELDS = ["batch_id", "device_id", "site", "window_start", "window_end", "people", "masked", "unmasked", "model_id", "firmware_version"].sort();
const STATE_FIELDS = new Set(["v", "s", "e", "p", "m", "u", "o"]);
const WIDTH = 128;
const HEIGHT = 96;

function assertOnWindowBoundary(iso: string, what: string): void {
  const ms = parseIsoMinute(iso);
  assert.ok(ms !== undefined, `${what}: ${iso} is a whole UTC minute`);
  assert.equal(ms % (WINDOW_MINUTES * MINUTE), 0, `${what}: ${iso} is on a window boundary`);
}

/** A batch as stored or sent: exactly the schema's fields, window times, at least 10 people. */
function assertAggregateBatch(text: string, what: string): void {
  assert.ok(text.length < 512, `${what}: small (${text.length} bytes)`);
  const record = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(record).sort(), BATCH_FIELDS, `${what}: only the batch fields`);
  assert.deepEqual(batchRecordProblems(record), [], what);
  assertOnWindowBoundary(record.window_start as string, what);
  assertOnWindowBoundary(record.window_end as string, what);
  assert.ok((record.people as number) >= 10, `${what}: at least 10 people`);
}

/** The window counters: counts and window-aligned minutes only. */
function assertWindowState(text: string): void {
  assert.ok(text.length < 200, `counters are small (${text.length} bytes)`);
  const state = JSON.parse(text) as Record<string, unknown>;
  for (const key of Object.keys(state)) assert.ok(STATE_FIELDS.has(key), `counters: unexpected field ${key}`);
  for (const key of ["s", "e"]) assert.equal((state[key] as number) % WINDOW_MINUTES, 0, `counters: ${key} on a window boundary`);
  const outbox = state.o as number[] | undefined;
  if (outbox !== undefined) {
    assert.equal(outbox.length, 4);
    assert.equal(outbox[0] % WINDOW_MINUTES, 0);
    assert.equal(outbox[1] % WINDOW_MINUTES, 0);
  }
}

describe("privacy: nothing but window aggregates is ever stored or sent", () => {
  it("holds over a day of frames with thin windows, outages, a restart and a power cut", async () => {
    const store = new MemoryStore();
    const log = new MemoryLog();
    let clock = new SimulatedClock(Date.UTC(2026, 10, 28, 7, 3, 17, 123));
    const collector = new FakeCollector(clock, TOKEN);
    const outages: CollectorBehaviour[] = [{ kind: "down" }, { kind: "error", status: 503 }, { kind: "timeout", stored: true }, { kind: "ok", delayMs: 3000 }];
    collector.behaviour = (_request, index) => (index < 8 ? outages[index % outages.length] : { kind: "ok" });
    const boot = (): Ephemera => new Ephemera({ config: CONFIG, model: new StandInModel({ withSize: true }), clock, store, https: collector, log, firmwareVersion: "0.1.0", random: () => 0.3 });
    let core = boot();
    const frames: GrayFrame[] = [];
    const crowd = async (people: number): Promise<void> => {
      const walkers = queueOfWalkers(people, { width: WIDTH, height: HEIGHT });
      for (let index = 0; index < people * 22 + 12; index++) {
        const frame = sceneFrame(WIDTH, HEIGHT, walkers, index);
        frames.push(frame);
        core.processFrame(frame);
        clock.advance(250);
      }
      await runUntil(clock, clock.now() + 7 * MINUTE);
    };

    await crowd(6);
    await crowd(7); // The first windows are thin and merge.
    await crowd(12);
    core.close(); // Graceful restart.
    core = boot();
    await crowd(11);
    await runUntil(clock, clock.now() + 20 * MINUTE);
    await crowd(4); // Power cut: no close; the device comes back an hour later.
    clock = new SimulatedClock(clock.now() + 60 * MINUTE);
    collector.useClock(clock);
    core = boot();
    await crowd(10);
    await runUntil(clock, clock.now() + 3 * 60 * MINUTE);
    core.close();

    const stats = core.stats();
    assert.ok(collector.stored.size >= 3, `batches reached the collector (${collector.stored.size})`);
    assert.ok(collector.requests.length > collector.stored.size, "with failed attempts on the way");
    assert.equal(stats.batchesQueued, 0);

    // RAM: every frame was zeroed once processed.
    assert.ok(frames.length > 1000);
    assert.ok(frames.every((frame) => frame.pixels.every((p) => p === 0)), "no frame outlives its processing");

    // Flash: only the counters and queued batches, each an aggregate.
    assert.ok(store.writes.length > 0);
    for (const write of store.writes) {
      assert.ok(write.key === "win" || /^bq[0-9a-z]{7}$/.test(write.key), `unexpected store key ${write.key}`);
      if (write.op !== "set") continue;
      const value = write.value as string;
      assert.ok(/^[\x20-\x7e]*$/.test(value), "printable text, no binary");
      assert.ok(!/[0-9]{10,}/.test(value), `no millisecond times or long digit runs: ${value}`);
      if (write.key === "win") assertWindowState(value);
      else assertAggregateBatch(value, `stored ${write.key}`);
    }
    // Writes are not per person: fewer counter writes than people counted.
    assert.ok(store.writes.filter((w) => w.key === "win").length < stats.peopleCounted + 40);

    // Network: only batch records, to the batch endpoint, with the two headers.
    for (const request of collector.requests) {
      assert.equal(request.url, "https://collector.test/v1/batches");
      assert.deepEqual(Object.keys(request.headers).sort(), ["authorization", "content-type"]);
      assert.ok(!/[0-9]{10,}/.test(request.body));
      assertAggregateBatch(request.body, "sent batch");
    }

    // Logs stay scalar and carry no fine times either.
    for (const event of log.events) {
      for (const value of Object.values(event.fields ?? {})) {
        assert.ok(["string", "number", "boolean"].includes(typeof value));
        if (typeof value === "number") assert.ok(Math.abs(value) < 1e10, `${event.event}: no epoch times in logs`);
        if (typeof value === "string") assert.ok(value.length <= 200 && !/[0-9]{10,}/.test(value), `${event.event}: short text without times`);
      }
    }
  });
});

import { strict as assert } from "node:assert";
import { SimulatedClock } from "../../../hosts/node/sim-clock.js";
import { Ephemera } from "../../../src/app/ephemera.js";
import { ConfigError } from "../../../src/config/config-error.js";
import type { GrayFrame } from "../../../src/interfaces/index.js";
import { WINDOW_STATE_KEY } from "../../../src/window/window-counter.js";
import { decodeWindowState } from "../../../src/window/window-state.js";
import { runUntil } from "../../support/drive.js";
import { FakeCollector } from "../../support/fake-collector.js";
import { MemoryLog } from "../../support/memory-log.js";
import { MemoryStore } from "../../support/memory-store.js";
import { coreRig, CONFIG, FRAME_MS, HEIGHT, MINUTE, T0, TOKEN, WIDTH } from "../../support/core-rig.js";
import { queueOfWalkers, sceneFrame } from "../../support/scene.js";
import { StandInModel } from "../../support/stand-in-model.js";

/** Plays frames [first, last) of a scene at FRAME_MS intervals. */
function play(core: Ephemera, clock: SimulatedClock, walkers: ReturnType<typeof queueOfWalkers>, first: number, last: number): GrayFrame[] {
  const frames: GrayFrame[] = [];
  for (let index = first; index < last; index++) {
    const frame = sceneFrame(WIDTH, HEIGHT, walkers, index);
    core.processFrame(frame);
    frames.push(frame);
    clock.advance(FRAME_MS);
  }
  return frames;
}

describe("Ephemera (the core wired together)", () => {
  it("refuses a bad config before doing anything", () => {
    const store = new MemoryStore();
    assert.throws(() => coreRig({ store, config: { ...CONFIG, windowMinutes: 10 } }), (error: unknown) => error instanceof ConfigError && error.key === "windowMinutes");
    assert.throws(() => coreRig({ store, config: { ...CONFIG, minPeople: 5 } }), (error: unknown) => error instanceof ConfigError && error.key === "minPeople");
    assert.throws(() => coreRig({ store, config: { ...CONFIG, extra: true } }), (error: unknown) => error instanceof ConfigError && error.key === "extra");
    assert.deepEqual(store.writes, []);
  });

  it("refuses a model id or firmware version that cannot go into a batch", () => {
    const clock = new SimulatedClock(T0);
    const base = { config: CONFIG, clock, store: new MemoryStore(), https: new FakeCollector(clock, TOKEN), log: new MemoryLog() };
    const model = new StandInModel();
    assert.throws(() => new Ephemera({ ...base, model, firmwareVersion: "1.0 beta" }), /firmware_version/);
    assert.throws(() => new Ephemera({ ...base, model: new StandInModel({ id: "bad model id" }), firmwareVersion: "1.0" }), /model_id/);
  });

  it("counts people crossing the view, releases a batch at the window end and delivers it", async () => {
    const { clock, collector, core, model } = coreRig();
    const walkers = queueOfWalkers(12, { width: WIDTH, height: HEIGHT });
    const frameCount = 12 * 22 + 12;
    const frames = play(core, clock, walkers, 0, frameCount);
    const stats = core.stats();
    assert.equal(stats.frames, frameCount);
    assert.equal(stats.tiles, model.calls);
    assert.equal(stats.peopleCounted, 12);
    assert.deepEqual([stats.masked, stats.unmasked], [8, 4]);
    assert.equal(stats.peoplePending, 12);
    assert.ok(frames.every((frame) => frame.pixels.every((p) => p === 0)), "every frame wiped");
    await runUntil(clock, Date.UTC(2026, 10, 28, 16, 20) + MINUTE);
    const after = core.stats();
    assert.equal(after.windowsReleased, 1);
    assert.deepEqual([after.batchesSent, after.batchesAcknowledged, after.batchesQueued], [1, 1, 0]);
    const [body] = collector.stored.values();
    assert.deepEqual(JSON.parse(body), {
      batch_id: "door-01-20261128T1600Z", device_id: "door-01", site: "Library",
      window_start: "2026-11-28T16:00:00Z", window_end: "2026-11-28T16:20:00Z",
      people: 12, masked: 8, unmasked: 4, model_id: "stand-in-test-model@0", firmware_version: "0.1.0",
    });
    core.close();
  });

  it("reports each frame's work", () => {
    const { clock, core } = coreRig();
    const walkers = queueOfWalkers(1, { width: WIDTH, height: HEIGHT });
    const result = core.processFrame(sceneFrame(WIDTH, HEIGHT, walkers, 2));
    clock.advance(FRAME_MS);
    assert.deepEqual(result, { tiles: 2, faces: 1, activeTracks: 1, peopleCounted: 0 });
  });

  it("counts live tracks on endTracks and close, and keeps the counters over a restart", () => {
    const store = new MemoryStore();
    const first = coreRig({ store });
    const walkers = queueOfWalkers(2, { width: WIDTH, height: HEIGHT, frames: 40 });
    play(first.core, first.clock, walkers, 0, 10);
    assert.equal(first.core.stats().peopleCounted, 0, "still in view");
    first.core.endTracks();
    assert.equal(first.core.stats().peopleCounted, 1);
    // The second walker, seen long enough to move more than a standing face would (10 frames).
    play(first.core, first.clock, walkers, 62, 72);
    first.core.close();
    assert.equal(first.core.stats().peopleCounted, 2);
    assert.equal(decodeWindowState(store.get(WINDOW_STATE_KEY) ?? "")?.people, 2);
    assert.throws(() => first.core.processFrame(sceneFrame(WIDTH, HEIGHT, [], 0)), /closed/);
    const second = coreRig({ store, clock: new SimulatedClock(first.clock.now() + MINUTE) });
    assert.equal(second.core.stats().peoplePending, 2);
    second.core.close();
  });
});

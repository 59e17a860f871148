/**
 * What the frame loop's allocation work changed in the core's contract: the
 * frame result is one object updated in place, and frames leave the uplink to
 * its own timers (a retry still goes out when due, while frames come).
 */
import { strict as assert } from "node:assert";
import { runUntil } from "../../support/drive.js";
import { coreRig, FRAME_MS, HEIGHT, MINUTE, WIDTH } from "../../support/core-rig.js";
import { queueOfWalkers, sceneFrame } from "../../support/scene.js";

describe("Ephemera frame loop", () => {
  it("returns the same result object at every frame, updated to the latest frame", () => {
    const { clock, core } = coreRig();
    const walkers = queueOfWalkers(1, { width: WIDTH, height: HEIGHT });
    const first = core.processFrame(sceneFrame(WIDTH, HEIGHT, [], 0));
    assert.deepEqual({ ...first }, { tiles: 2, faces: 0, activeTracks: 0, peopleCounted: 0 });
    clock.advance(FRAME_MS);
    const second = core.processFrame(sceneFrame(WIDTH, HEIGHT, walkers, 2));
    assert.equal(second, first);
    assert.deepEqual({ ...second }, { tiles: 2, faces: 1, activeTracks: 1, peopleCounted: 0 });
    core.close();
  });

  it("sends a batch whose first attempt failed when its retry is due, with frames coming all along", async () => {
    const { clock, collector, core } = coreRig();
    collector.behaviour = (_request, index) => (index === 0 ? { kind: "down" } : { kind: "ok" });
    const walkers = queueOfWalkers(12, { width: WIDTH, height: HEIGHT });
    for (let index = 0; index < 12 * 22 + 12; index++) {
      core.processFrame(sceneFrame(WIDTH, HEIGHT, walkers, index));
      clock.advance(FRAME_MS);
    }
    await runUntil(clock, Date.UTC(2026, 10, 28, 16, 20) + 1);
    assert.equal(collector.requests.length, 1, "the release was sent at once, and failed");
    assert.equal(core.stats().batchesAcknowledged, 0);
    // Frames go on: the retry goes out on the uplink's timer, within its backoff.
    const empty = sceneFrame(WIDTH, HEIGHT, [], 0);
    for (let frame = 0; frame < 5 * MINUTE / FRAME_MS && core.stats().batchesAcknowledged === 0; frame++) {
      core.processFrame(empty);
      await runUntil(clock, clock.now() + FRAME_MS);
    }
    assert.equal(collector.requests.length, 2);
    assert.deepEqual([core.stats().batchesSent, core.stats().batchesAcknowledged, core.stats().batchesQueued], [1, 1, 0]);
    core.close();
  });
});

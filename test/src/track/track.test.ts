import { strict as assert } from "node:assert";
import { Track } from "../../../src/track/track.js";

describe("track", () => {
  it("start() makes a reused track the same as a new one", () => {
    const used = new Track();
    used.start(10, 10, true);
    used.hit(14, 12, false, 100);
    used.hit(18, 14, false, 100);
    used.misses = 3;
    used.start(50, 60, false);
    const fresh = new Track();
    fresh.start(50, 60, false);
    assert.deepEqual({ ...used }, { ...fresh });
    assert.deepEqual({ ...fresh }, { x: 50, y: 60, vx: 0, vy: 0, hits: 1, misses: 0, maskVotes: 0, noMaskVotes: 1 });
  });

  it("moves with the faces it takes: velocity from the first displacement, then smoothed and capped", () => {
    const track = new Track();
    track.start(0, 0, true);
    track.hit(4, 0, true, 100);
    assert.deepEqual([track.vx, track.vy, track.hits, track.maskVotes], [4, 0, 2, 2]);
    track.hit(12, 0, false, 100);
    assert.ok(Math.abs(track.vx - (0.3 * 8 + 0.7 * 4)) < 1e-12);
    assert.equal(track.noMaskVotes, 1);
    track.misses = 1;
    assert.ok(Math.abs(track.predictedX() - (12 + 2 * track.vx)) < 1e-12, "predicts over the gap");
    track.hit(1000, 0, true, 5);
    assert.ok(Math.abs(Math.hypot(track.vx, track.vy) - 5) < 1e-9, "speed capped");
    assert.equal(track.misses, 0);
  });
});

import { strict as assert } from "node:assert";
import { Track } from "../../../src/track/track.js";

describe("track", () => {
  it("start() makes a reused track the same as a new one", () => {
    const used = new Track();
    used.start(10, 10, true, 0);
    used.hit(14, 12, false, 100, 200);
    used.hit(18, 14, false, 100, 400);
    used.start(50, 60, false, 1000);
    const fresh = new Track();
    fresh.start(50, 60, false, 1000);
    assert.deepEqual({ ...used }, { ...fresh });
    assert.deepEqual({ ...fresh }, { x: 50, y: 60, vx: 0, vy: 0, hits: 1, firstSeen: 1000, lastSeen: 1000, maskVotes: 0, noMaskVotes: 1, startX: 50, startY: 60, drift: 0, nearStaticSpot: false });
  });

  it("moves with the faces it takes: velocity per millisecond from the first displacement, then smoothed and capped", () => {
    const track = new Track();
    track.start(0, 0, true, 0);
    track.hit(4, 0, true, 100, 200);
    assert.deepEqual([track.vx, track.vy, track.hits, track.maskVotes, track.lastSeen], [4 / 200, 0, 2, 2, 200]);
    track.hit(12, 0, false, 100, 400);
    assert.ok(Math.abs(track.vx - (0.3 * (8 / 200) + 0.7 * (4 / 200))) < 1e-12);
    assert.equal(track.noMaskVotes, 1);
    assert.ok(Math.abs(track.predictedX(800) - (12 + 400 * track.vx)) < 1e-12, "predicts over the gap");
    assert.ok(Math.abs(track.predictedX(60_000) - (12 + 1000 * track.vx)) < 1e-12, "but not beyond 1 s");
    assert.equal(track.predictedX(100), 12, "nor backwards");
    track.hit(1000, 0, true, 0.05, 600);
    assert.ok(Math.abs(Math.hypot(track.vx, track.vy) - 0.05) < 1e-9, "speed capped");
    assert.equal(track.firstSeen, 0);
    assert.equal(track.lastSeen, 600);
    assert.equal(track.drift, 1000, "the farthest from where it began");
    track.hit(10, 0, true, 0.05, 800);
    assert.equal(track.drift, 1000, "kept when it comes back");
  });
});

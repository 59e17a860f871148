import { strict as assert } from "node:assert";
import { Backoff } from "../../../src/uplink/backoff.js";

describe("backoff", () => {
  it("draws uniformly under a ceiling that doubles up to the cap (full jitter)", () => {
    const top = new Backoff({ random: () => 0.999999, baseMs: 1000, capMs: 10_000, floorMs: 0 });
    assert.deepEqual([top.fail(), top.fail(), top.fail(), top.fail(), top.fail(), top.fail()], [999, 1999, 3999, 7999, 9999, 9999]);
    const middle = new Backoff({ random: () => 0.5, baseMs: 1000, capMs: 10_000, floorMs: 0 });
    assert.deepEqual([middle.fail(), middle.fail(), middle.fail()], [500, 1000, 2000]);
  });

  it("never waits less than the floor, and starts over after a reset", () => {
    const backoff = new Backoff({ random: () => 0, baseMs: 1000, floorMs: 250 });
    assert.equal(backoff.fail(), 250);
    assert.equal(backoff.failures, 1);
    backoff.reset();
    assert.equal(backoff.failures, 0);
  });

  it("uses 5 s, 15 min and 1 s by default", () => {
    const backoff = new Backoff({ random: () => 0.999999 });
    const waits = Array.from({ length: 12 }, () => backoff.fail());
    assert.equal(waits[0], 4999);
    assert.equal(waits[11], 15 * 60_000 - 1);
    assert.equal(new Backoff({ random: () => 0 }).fail(), 1000);
  });
});

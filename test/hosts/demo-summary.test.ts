import { strict as assert } from "node:assert";
import type { EphemeraStats } from "../../src/app/api.js";
import { buildSummary, formatSummary, fullyDelivered } from "../../hosts/node/demo-summary.js";

const stats: EphemeraStats = {
  frames: 150,
  tiles: 600,
  faces: 400,
  peopleCounted: 40,
  masked: 30,
  unmasked: 10,
  windowsReleased: 1,
  windowsMerged: 0,
  peoplePending: 0,
  batchesQueued: 0,
  batchesSent: 1,
  batchesAcknowledged: 1,
  failedAttempts: 0,
  batchesParked: 0,
};

const batch = {
  batch_id: "demo-cam-1-20260302T0900Z",
  device_id: "demo-cam-1",
  site: "Demo entrance",
  window_start: "2026-03-02T09:00:00Z",
  window_end: "2026-03-02T09:20:00Z",
  people: 40,
  masked: 30,
  unmasked: 10,
  model_id: "m@1",
  firmware_version: "0.1.0",
};

function summary(overrides: Partial<EphemeraStats> = {}, batches = [batch]) {
  return buildSummary({
    source: "test",
    modelId: "m@1",
    fps: 2,
    stats: { ...stats, ...overrides },
    truth: { peopleTrue: 44, maskedShareTrue: 33 / 44, labelledImages: 10, unlabelledImages: 0 },
    imagesShown: 10,
    imagesSkipped: 1,
    windowMinutes: 20,
    collectorBatches: batches,
    wallMs: 12_345,
    frameLoopMs: 3000,
  });
}

describe("hosts/node: demo summary", () => {
  it("has every field the issue asks for, from the core's stats, the labels and the collector", () => {
    const s = summary();
    assert.equal(s.frames, 150);
    assert.equal(s.people_counted, 40);
    assert.equal(s.people_true, 44);
    assert.equal(s.masked_share, 0.75);
    assert.equal(s.masked_share_true, 0.75);
    assert.equal(s.windows_released, 1);
    assert.equal(s.windows_merged, 0);
    assert.equal(s.batches_sent, 1);
    assert.equal(s.batches_acknowledged, 1);
    assert.equal(s.batches_in_collector, 1);
    assert.equal(s.camera_seconds, 75);
    assert.equal(s.ms_per_frame, 20);
    assert.equal(s.wall_seconds, 12.3);
    assert.deepEqual(Object.keys(s.batches[0]), ["batch_id", "window_start", "window_end", "people", "masked", "unmasked"]);
  });

  it("gives no masked share when nobody was counted", () => {
    assert.equal(summary({ peopleCounted: 0, masked: 0, unmasked: 0 }).masked_share, null);
  });

  it("calls a run delivered only when sent, acknowledged and stored agree and nothing waits", () => {
    assert.equal(fullyDelivered(summary()), true);
    assert.equal(fullyDelivered(summary({ batchesAcknowledged: 0, batchesQueued: 1 })), false);
    assert.equal(fullyDelivered(summary({}, [])), false);
  });

  it("prints a short human summary", () => {
    const text = formatSummary(summary());
    assert.match(text, /people counted {2}40 \(labelled: 44\)/);
    assert.match(text, /masked share {4}75\.0% \(labelled: 75\.0%\)/);
    assert.match(text, /1 sent, 1 acknowledged, 1 in the collector/);
    assert.match(text, /2026-03-02T09:00:00Z \.\. 2026-03-02T09:20:00Z {2}people 40/);
  });
});

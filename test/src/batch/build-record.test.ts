import { strict as assert } from "node:assert";
import { batchId, buildBatchRecord } from "../../../src/batch/build-record.js";
import { batchRecordProblems } from "../../../src/batch/validate.js";

describe("batch record", () => {
  const start = Date.UTC(2026, 10, 28, 16, 0);
  const input = { deviceId: "door-01", site: "Library", start, end: start + 40 * 60_000, masked: 9, unmasked: 3, modelId: "mask-fomo@1a2b3c4d5e6f", firmwareVersion: "0.1.0" };

  it("builds the wire record with a deterministic id from device and span start", () => {
    assert.deepEqual(buildBatchRecord(input), {
      batch_id: "door-01-20261128T1600Z",
      device_id: "door-01",
      site: "Library",
      window_start: "2026-11-28T16:00:00Z",
      window_end: "2026-11-28T16:40:00Z",
      people: 12,
      masked: 9,
      unmasked: 3,
      model_id: "mask-fomo@1a2b3c4d5e6f",
      firmware_version: "0.1.0",
    });
    assert.equal(batchId("door-01", start), "door-01-20261128T1600Z");
    assert.deepEqual(batchRecordProblems(buildBatchRecord(input)), []);
  });

  it("refuses spans that are empty or not on whole minutes", () => {
    assert.throws(() => buildBatchRecord({ ...input, end: start }), RangeError);
    assert.throws(() => buildBatchRecord({ ...input, start: start + 1 }), RangeError);
  });
});

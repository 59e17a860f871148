import { strict as assert } from "node:assert";
import { compactMinute, isoMinute, parseIsoMinute } from "../../../src/batch/utc.js";

describe("batch UTC times", () => {
  const t = Date.UTC(2026, 10, 28, 16, 0);

  it("formats whole UTC minutes, ISO and compact", () => {
    assert.equal(isoMinute(t), "2026-11-28T16:00:00Z");
    assert.equal(compactMinute(t), "20261128T1600Z");
    assert.equal(isoMinute(Date.UTC(2027, 0, 1, 0, 5)), "2027-01-01T00:05:00Z");
  });

  it("refuses times finer than a minute", () => {
    assert.throws(() => isoMinute(t + 1000), RangeError);
    assert.throws(() => compactMinute(t + 1), RangeError);
  });

  it("parses its own output and nothing else", () => {
    assert.equal(parseIsoMinute("2026-11-28T16:00:00Z"), t);
    assert.equal(parseIsoMinute("2026-11-28T16:00:30Z"), undefined);
    assert.equal(parseIsoMinute("2026-02-30T16:00:00Z"), undefined);
    assert.equal(parseIsoMinute("2026-11-28 16:00"), undefined);
  });
});

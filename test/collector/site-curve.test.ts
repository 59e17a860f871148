import { strict as assert } from "node:assert";
import type { BatchRecord } from "../../src/batch/record.js";
import { siteCurve } from "../../collector/site-curve.js";
import { batchAt } from "./fixtures.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0);

function batch(startMinutes: number, endMinutes: number, people: number, masked: number, device = "dev-one"): BatchRecord {
  return {
    ...(batchAt(T0 + startMinutes * MINUTE, masked, people, device) as unknown as BatchRecord),
    window_end: new Date(T0 + endMinutes * MINUTE).toISOString().replace(".000Z", "Z"),
  };
}

describe("collector: a site's day curve", () => {
  it("puts a batch aligned on a slot into that slot", () => {
    const slots = siteCurve([batch(20, 40, 30, 12)], T0, 20, 3);
    assert.deepEqual(slots, [
      { start: "2026-03-02T09:00:00Z", people: 0, masked: 0 },
      { start: "2026-03-02T09:20:00Z", people: 30, masked: 12 },
      { start: "2026-03-02T09:40:00Z", people: 0, masked: 0 },
    ]);
  });

  it("sums the devices of a site in a slot", () => {
    const slots = siteCurve([batch(0, 20, 10, 5, "dev-one"), batch(0, 20, 30, 30, "dev-two")], T0, 20, 1);
    assert.deepEqual(slots[0], { start: "2026-03-02T09:00:00Z", people: 40, masked: 35 });
  });

  it("spreads a merged batch over the slots it covers, in proportion, keeping its share and its total", () => {
    const slots = siteCurve([batch(0, 60, 30, 21)], T0, 20, 3);
    assert.deepEqual(slots.map((slot) => [slot.people, slot.masked]), [[10, 7], [10, 7], [10, 7]]);
    const offset = siteCurve([batch(10, 40, 15, 6)], T0, 20, 2);
    assert.deepEqual(offset.map((slot) => [slot.people, slot.masked]), [[5, 2], [10, 4]]);
  });

  it("keeps only the part of a batch inside the span", () => {
    const slots = siteCurve([batch(-20, 20, 20, 10), batch(40, 80, 20, 20)], T0, 20, 3);
    assert.deepEqual(slots.map((slot) => slot.people), [10, 0, 10]);
  });
});

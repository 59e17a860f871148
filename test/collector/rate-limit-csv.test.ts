import { strict as assert } from "node:assert";
import type { BatchRecord } from "../../src/batch/record.js";
import { batchesCsv, csvField } from "../../collector/csv.js";
import { RateLimiter } from "../../collector/rate-limit.js";
import { validBatch } from "./fixtures.js";

describe("collector: rate limiter", () => {
  it("allows a burst, then one request per refill interval, per key", () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perMinute: 6, now: () => now });
    assert.deepEqual([limiter.take("a"), limiter.take("a"), limiter.take("a")], [0, 0, 0]);
    assert.equal(limiter.take("a"), 10, "one token every 10 s");
    assert.equal(limiter.take("b"), 0, "keys are independent");
    now += 10_000;
    assert.equal(limiter.take("a"), 0);
    assert.equal(limiter.exhausted("a"), true);
    now += 60_000;
    assert.equal(limiter.exhausted("a"), false);
  });
});

describe("collector: CSV export", () => {
  it("writes a header of the schema's fields and one row per batch, RFC 4180", () => {
    const batch = validBatch() as unknown as BatchRecord;
    const csv = batchesCsv([batch, { ...batch, batch_id: "dev-one-20260302T0920Z", site: 'Gare "Nord", hall' }]);
    assert.equal(
      csv,
      "batch_id,device_id,site,window_start,window_end,people,masked,unmasked,model_id,firmware_version\r\n" +
        "dev-one-20260302T0900Z,dev-one,Lobby,2026-03-02T09:00:00Z,2026-03-02T09:20:00Z,12,9,3,mask-fomo@1a2b3c4d5e6f,0.1.0\r\n" +
        'dev-one-20260302T0920Z,dev-one,"Gare ""Nord"", hall",2026-03-02T09:00:00Z,2026-03-02T09:20:00Z,12,9,3,mask-fomo@1a2b3c4d5e6f,0.1.0\r\n',
    );
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    assert.equal(csvField("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    assert.equal(csvField("+1"), "'+1");
    assert.equal(csvField("@site"), "'@site");
    assert.equal(csvField(12), "12");
  });
});

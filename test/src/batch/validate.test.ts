import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { batchRecordProblems, isBatchRecord } from "../../../src/batch/validate.js";

const schema = JSON.parse(readFileSync(new URL("../../../../src/batch/batch.schema.json", import.meta.url), "utf8")) as object;
const ajvValidate = new Ajv2020({ allErrors: true }).compile(schema);

const valid = Object.freeze({
  batch_id: "door-01-20261128T1600Z",
  device_id: "door-01",
  site: "Library",
  window_start: "2026-11-28T16:00:00Z",
  window_end: "2026-11-28T16:20:00Z",
  people: 12,
  masked: 9,
  unmasked: 3,
  model_id: "mask-fomo@1a2b3c",
  firmware_version: "0.1.0",
});

describe("batch validator (device side)", () => {
  it("accepts a valid record", () => {
    assert.deepEqual(batchRecordProblems(valid), []);
    assert.ok(isBatchRecord(valid));
  });

  it("names extra, missing and malformed fields", () => {
    assert.deepEqual(batchRecordProblems({ ...valid, face: "x" }), ["face: not allowed"]);
    const missing: Record<string, unknown> = { ...valid };
    delete missing.site;
    assert.deepEqual(batchRecordProblems(missing), ["site: required"]);
    assert.deepEqual(batchRecordProblems({ ...valid, people: 9 }), ["people: must be in 10..1000000"]);
    assert.deepEqual(batchRecordProblems({ ...valid, masked: 1.5 }), ["masked: must be an integer"]);
    assert.match(batchRecordProblems({ ...valid, window_start: "2026-11-28T16:00:07Z" })[0], /^window_start: does not match/);
    assert.deepEqual(batchRecordProblems(null), ["must be an object"]);
  });

  it("agrees with ajv on the schema file, over random records", () => {
    // Mostly valid values, some invalid ones near the edges, a little of anything.
    const field = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T | string | number | null | undefined> =>
      fc.oneof(
        { weight: 200, arbitrary: valid },
        { weight: 8, arbitrary: invalid },
        { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
        { weight: 1, arbitrary: fc.integer({ min: -5, max: 2_000_000 }) },
        { weight: 1, arbitrary: fc.double() },
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      );
    const record = fc.record({
      batch_id: field(fc.constantFrom(valid.batch_id, "abc-20261128T1600Z", "x".repeat(32) + "-20261128T1600Z"), fc.constantFrom("ab-20261128T1600Z", "x".repeat(33) + "-20261128T1600Z", "Door-01-20261128T1600Z")),
      device_id: field(fc.constantFrom("door-01", "abc", "a".repeat(32)), fc.constantFrom("ab", "a".repeat(33), "-ab", "dé-01")),
      site: field(fc.string({ minLength: 1, maxLength: 64, unit: "grapheme" }), fc.constantFrom("", "a\u0001b", "x".repeat(65), "😀".repeat(64), "😀".repeat(65))),
      window_start: field(fc.constantFrom(valid.window_start), fc.constantFrom("2026-11-28T16:00:01Z", "2026-11-28")),
      window_end: field(fc.constantFrom(valid.window_end), fc.constantFrom("2026-11-28T16:20:00+01:00")),
      people: field(fc.integer({ min: 10, max: 1_000_000 }), fc.constantFrom(9, 1_000_001, 10.5)),
      masked: field(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(-1, 1_000_001)),
      unmasked: field(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(-1, 0.5)),
      model_id: field(fc.constantFrom("mask-fomo@1a2b3c", "a.b_c+d-e@f", "m".repeat(64)), fc.constantFrom("bad id", "m".repeat(65), "")),
      firmware_version: field(fc.constantFrom("0.1.0", "1.0.0-rc.1+abc", "9".repeat(32)), fc.constantFrom("", "v 1", "9".repeat(33))),
    });
    const extra = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom("timestamp", "faces", "frame") });
    let accepted = 0;
    fc.assert(
      fc.property(record, extra, (candidate, extraKey) => {
        const value: Record<string, unknown> = {};
        for (const [key, entry] of Object.entries(candidate)) if (entry !== undefined) value[key] = entry;
        if (extraKey !== undefined) value[extraKey] = 1;
        assert.equal(batchRecordProblems(value).length === 0, ajvValidate(value), JSON.stringify(value));
        if (ajvValidate(value)) accepted++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(accepted > 600 && accepted < 2400, `valid records were generated too (${accepted})`);
  });
});

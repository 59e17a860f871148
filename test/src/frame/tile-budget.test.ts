import { strict as assert } from "node:assert";
import { defaultMaxTiles, estimatedInvokeMs, MASK_MODEL_MAX_MACS, PERSON_DETECT_MACS, tilesWithinBudget } from "../../../src/frame/tile-budget.js";

describe("tile budget", () => {
  it("scales person_detect's measured 54 ms by MACs", () => {
    assert.equal(estimatedInvokeMs(PERSON_DETECT_MACS), 54);
    assert.ok(Math.abs(estimatedInvokeMs(MASK_MODEL_MAX_MACS) - 18) < 0.01);
  });

  it("fits 5 tiles for a model at a third of person_detect's MACs, more for lighter ones", () => {
    assert.equal(defaultMaxTiles(), 5);
    assert.equal(tilesWithinBudget(1_170_000), 10);
    assert.equal(tilesWithinBudget(PERSON_DETECT_MACS), 1);
    assert.equal(tilesWithinBudget(PERSON_DETECT_MACS * 4), 1, "never below one tile");
  });

  it("refuses a non-positive MAC count", () => {
    assert.throws(() => tilesWithinBudget(0), RangeError);
  });
});

import { strict as assert } from "node:assert";
import { STORE_MAX_KEY_LENGTH, STORE_MAX_VALUE_BYTES } from "../../src/interfaces/index.js";

describe("interfaces", () => {
  it("store limits match ESP32 Preference (NVS) limits", () => {
    assert.equal(STORE_MAX_KEY_LENGTH, 15);
    assert.equal(STORE_MAX_VALUE_BYTES, 4000);
  });
});

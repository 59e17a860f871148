import { strict as assert } from "node:assert";
import { operatingPointOffsets } from "../../models/export/head-calibration.js";
import { DEFAULT_FACE_THRESHOLD } from "../../src/detect/grid-decoder.js";

/** 1 - P(background) of a cell's logits [background, mask, no_mask]. */
function face(logits: readonly number[]): number {
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  return 1 - e[0] / (e[0] + e[1] + e[2]);
}

describe("models/export: a fixed operating point (export --operating-point)", () => {
  it("puts the device's fixed threshold where the float network's threshold was: a cell passes after the shift exactly when it passed before", () => {
    const threshold = 0.91;
    const offsets = operatingPointOffsets({ threshold, maskOffset: 0 });
    let checked = 0;
    for (let b = -4; b <= 4; b += 0.37) {
      for (let m = -4; m <= 4; m += 0.53) {
        for (const n of [-2, 0, 1.5]) {
          const before = face([b, m, n]);
          if (Math.abs(before - threshold) < 1e-9) continue;
          const after = face([b + offsets[0], m + offsets[1], n + offsets[2]]);
          assert.equal(after >= DEFAULT_FACE_THRESHOLD, before >= threshold, `logits ${b}, ${m}, ${n}: ${before} -> ${after}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 500);
  });

  it("adds the mask offset to the mask logit only, and nothing at the device's own threshold", () => {
    assert.deepEqual(operatingPointOffsets({ threshold: DEFAULT_FACE_THRESHOLD, maskOffset: -0.5 }), [0, -0.5, 0]);
    const [background] = operatingPointOffsets({ threshold: 0.91, maskOffset: 0 });
    assert.ok(Math.abs(background - Math.log(0.91 / 0.09)) < 1e-12, `${background}`);
  });

  it("refuses a threshold outside (0, 1) or a mask offset that is not a number", () => {
    for (const threshold of [0, 1, -0.1, 1.5, Number.NaN]) assert.throws(() => operatingPointOffsets({ threshold, maskOffset: 0 }), RangeError);
    assert.throws(() => operatingPointOffsets({ threshold: 0.9, maskOffset: Number.NaN }), RangeError);
  });
});

import { strict as assert } from "node:assert";
import { buildInputLut } from "../../../src/frame/input-lut.js";

/** The brief's formula with the scale squeezed through a real float32. */
function reference(p: number, scale: number, zeroPoint: number): number {
  const f32 = new Float32Array([scale])[0];
  const q = Math.floor(p / 255 / f32 + 0.5) + zeroPoint;
  return Math.min(127, Math.max(-128, q));
}

describe("input LUT", () => {
  it("maps 0..255 to -128..127 for scale 1/255, zero point -128", () => {
    const lut = buildInputLut({ scale: 1 / 255, zeroPoint: -128 });
    for (let p = 0; p < 256; p++) assert.equal(lut[p], p - 128);
  });

  it("uses the float32 scale and clamps (person_detect's input: 0.00784, -1)", () => {
    const lut = buildInputLut({ scale: 0.00784, zeroPoint: -1 });
    for (let p = 0; p < 256; p++) assert.equal(lut[p], reference(p, 0.00784, -1), `p=${p}`);
    assert.equal(lut[0], -1);
    assert.equal(lut[255], 127);
  });

  it("matches the formula for odd scales and zero points", () => {
    for (const [scale, zeroPoint] of [[0.0039215688, -128], [0.003, 5], [0.02, -100], [0.5, 0]] as const) {
      const lut = buildInputLut({ scale, zeroPoint });
      for (let p = 0; p < 256; p++) assert.equal(lut[p], reference(p, scale, zeroPoint), `scale=${scale} zp=${zeroPoint} p=${p}`);
    }
  });

  it("refuses a non-positive scale or fractional zero point", () => {
    assert.throws(() => buildInputLut({ scale: 0, zeroPoint: 0 }), RangeError);
    assert.throws(() => buildInputLut({ scale: 0.1, zeroPoint: 0.5 }), RangeError);
  });
});

import type { Quantization } from "../interfaces/index.js";

/**
 * The 256-entry pixel -> int8 table of the frame kernel (docs: frame-kernel brief):
 *   LUT[p] = clamp(floor(p / 255 / scale + 0.5) + zeroPoint, -128, 127)
 * in IEEE-754 doubles, in exactly this order. `scale` is the model's float32
 * input scale: Math.fround makes a scale given as a decimal literal (0.00784)
 * match the float32 the C side widens to double.
 */
export function buildInputLut(quantization: Quantization): Int8Array {
  const scale = Math.fround(quantization.scale);
  const zeroPoint = quantization.zeroPoint;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`input scale must be a positive number, got ${quantization.scale}`);
  if (!Number.isInteger(zeroPoint)) throw new RangeError(`input zero point must be an integer, got ${zeroPoint}`);
  const lut = new Int8Array(256);
  for (let p = 0; p < 256; p++) {
    const q = Math.floor(p / 255 / scale + 0.5) + zeroPoint;
    lut[p] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
  return lut;
}

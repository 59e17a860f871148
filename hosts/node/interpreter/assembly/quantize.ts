// QUANTIZE (float32 -> int8, int8 -> int8) and DEQUANTIZE (int8 -> float32),
// as TensorFlow Lite Micro's reference AffineQuantize, Requantize and Dequantize.

import { multiplyByQuantizedMultiplier } from "./fixedpoint";
import { clamp, pointer, word } from "./words";

/** C's roundf: halves away from zero. */
// @ts-ignore: decorator
@inline
function roundHalfAway(x: f32): f32 {
  const t = Mathf.trunc(x);
  return Mathf.abs(x - t) >= 0.5 ? t + Mathf.sign(x) : t;
}

/** Words: input (float32), output (int8), size, scale (float32 bits), zeroPoint. */
export function quantizeFloat(p: usize): void {
  const input = pointer(p, 0);
  const output = pointer(p, 1);
  const size = word(p, 2);
  const scale = reinterpret<f32>(word(p, 3));
  const zeroPoint = word(p, 4);
  for (let i = 0; i < size; i++) {
    const rounded = roundHalfAway(load<f32>(input + (<usize>i << 2)) / scale);
    // Out-of-range and NaN values: saturate (the C++ conversion is undefined there).
    let value: i32;
    if (rounded != rounded) value = zeroPoint;
    else if (rounded >= 2147483648.0) value = i32.MAX_VALUE;
    else if (rounded <= -2147483648.0) value = i32.MIN_VALUE;
    else value = i32(rounded);
    store<i8>(output + <usize>i, <i8>clamp(i32(clamp64(i64(value) + i64(zeroPoint))), -128, 127));
  }
}

// @ts-ignore: decorator
@inline
function clamp64(x: i64): i64 {
  return x < -2147483648 ? -2147483648 : x > 2147483647 ? 2147483647 : x;
}

/** Words: input (int8), output (int8), size, inputZeroPoint, outputZeroPoint, multiplier, shift. */
export function requantize(p: usize): void {
  const input = pointer(p, 0);
  const output = pointer(p, 1);
  const size = word(p, 2);
  const inputZeroPoint = word(p, 3);
  const outputZeroPoint = word(p, 4);
  const multiplier = word(p, 5);
  const shift = word(p, 6);
  for (let i = 0; i < size; i++) {
    const value = multiplyByQuantizedMultiplier(i32(load<i8>(input + <usize>i)) - inputZeroPoint, multiplier, shift) + outputZeroPoint;
    store<i8>(output + <usize>i, <i8>clamp(value, -128, 127));
  }
}

/** Words: input (int8), output (float32), size, zeroPoint, scale (float64, two words, low first). */
export function dequantize(p: usize): void {
  const input = pointer(p, 0);
  const output = pointer(p, 1);
  const size = word(p, 2);
  const zeroPoint = word(p, 3);
  const scale = load<f64>(p + 16);
  for (let i = 0; i < size; i++) {
    store<f32>(output + (<usize>i << 2), f32(scale * f64(i32(load<i8>(input + <usize>i)) - zeroPoint)));
  }
}

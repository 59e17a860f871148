// ADD and MUL, int8, as TensorFlow Lite Micro's reference integer kernels,
// with numpy-style broadcasting over up to KERNEL_MAX_RANK dimensions.

import { multiplyByQuantizedMultiplier } from "./fixedpoint";
import { KERNEL_MAX_RANK } from "./opcodes";
import { clamp, pointer, word } from "./words";

// Broadcast layout shared by ADD and MUL: words 0..2 are input1, input2,
// output; then KERNEL_MAX_RANK output dims, then KERNEL_MAX_RANK strides of
// input1 and of input2 (0 along a broadcast dimension).
const DIMS = 3;
const STRIDES1 = DIMS + KERNEL_MAX_RANK;
const STRIDES2 = STRIDES1 + KERNEL_MAX_RANK;
const PARAMS = STRIDES2 + KERNEL_MAX_RANK;

// @ts-ignore: decorator
@inline
function addValue(x: i32, y: i32, p: usize): i32 {
  const leftShift = word(p, PARAMS + 0);
  const input1 = multiplyByQuantizedMultiplier((x + word(p, PARAMS + 1)) * (1 << leftShift), word(p, PARAMS + 2), word(p, PARAMS + 3));
  const input2 = multiplyByQuantizedMultiplier((y + word(p, PARAMS + 4)) * (1 << leftShift), word(p, PARAMS + 5), word(p, PARAMS + 6));
  const raw = multiplyByQuantizedMultiplier(input1 + input2, word(p, PARAMS + 7), word(p, PARAMS + 8)) + word(p, PARAMS + 9);
  return clamp(raw, word(p, PARAMS + 10), word(p, PARAMS + 11));
}

// @ts-ignore: decorator
@inline
function mulValue(x: i32, y: i32, p: usize): i32 {
  const product = (x + word(p, PARAMS + 0)) * (y + word(p, PARAMS + 1));
  const raw = word(p, PARAMS + 4) + multiplyByQuantizedMultiplier(product, word(p, PARAMS + 2), word(p, PARAMS + 3));
  return clamp(raw, word(p, PARAMS + 5), word(p, PARAMS + 6));
}

/**
 * ADD params: leftShift, input1Offset, input1Multiplier, input1Shift,
 * input2Offset, input2Multiplier, input2Shift, outputMultiplier, outputShift,
 * outputOffset, actMin, actMax.
 * MUL params: input1Offset, input2Offset, outputMultiplier, outputShift,
 * outputOffset, actMin, actMax.
 */
export function binary(p: usize, isAdd: bool): void {
  const input1 = pointer(p, 0);
  const input2 = pointer(p, 1);
  let out = pointer(p, 2);
  const d0 = word(p, DIMS + 0), d1 = word(p, DIMS + 1), d2 = word(p, DIMS + 2);
  const d3 = word(p, DIMS + 3), d4 = word(p, DIMS + 4), d5 = word(p, DIMS + 5);
  const a0 = word(p, STRIDES1 + 0), a1 = word(p, STRIDES1 + 1), a2 = word(p, STRIDES1 + 2);
  const a3 = word(p, STRIDES1 + 3), a4 = word(p, STRIDES1 + 4), a5 = word(p, STRIDES1 + 5);
  const b0 = word(p, STRIDES2 + 0), b1 = word(p, STRIDES2 + 1), b2 = word(p, STRIDES2 + 2);
  const b3 = word(p, STRIDES2 + 3), b4 = word(p, STRIDES2 + 4), b5 = word(p, STRIDES2 + 5);
  for (let i0 = 0; i0 < d0; i0++)
    for (let i1 = 0; i1 < d1; i1++)
      for (let i2 = 0; i2 < d2; i2++)
        for (let i3 = 0; i3 < d3; i3++)
          for (let i4 = 0; i4 < d4; i4++) {
            const base1 = i0 * a0 + i1 * a1 + i2 * a2 + i3 * a3 + i4 * a4;
            const base2 = i0 * b0 + i1 * b1 + i2 * b2 + i3 * b3 + i4 * b4;
            for (let i5 = 0; i5 < d5; i5++) {
              const x = i32(load<i8>(input1 + <usize>(base1 + i5 * a5)));
              const y = i32(load<i8>(input2 + <usize>(base2 + i5 * b5)));
              store<i8>(out, <i8>(isAdd ? addValue(x, y, p) : mulValue(x, y, p)));
              out++;
            }
          }
}

// MEAN over any axes, int8, as TensorFlow Lite Micro's reference
// QuantizedMeanOrSum (int32 sums, then one requantization).

import { multiplyByQuantizedMultiplier } from "./fixedpoint";
import { KERNEL_MAX_RANK } from "./opcodes";
import { clamp, pointer, word } from "./words";

/**
 * Words: input, output, sums (int32 scratch, one per output), outputs,
 * then KERNEL_MAX_RANK input dims and KERNEL_MAX_RANK output strides of each
 * input dimension (0 along a reduced axis), then inputZeroPoint,
 * elementsPerOutput, multiplier, shift, outputZeroPoint.
 */
export function mean(p: usize): void {
  const input = pointer(p, 0);
  const output = pointer(p, 1);
  const sums = pointer(p, 2);
  const outputs = word(p, 3);
  const DIMS = 4;
  const STRIDES = DIMS + KERNEL_MAX_RANK;
  const PARAMS = STRIDES + KERNEL_MAX_RANK;
  const inputZeroPoint = word(p, PARAMS + 0);
  const elements = word(p, PARAMS + 1);
  const multiplier = word(p, PARAMS + 2);
  const shift = word(p, PARAMS + 3);
  const outputZeroPoint = word(p, PARAMS + 4);
  memory.fill(sums, 0, <usize>outputs << 2);
  let x = input;
  for (let i0 = 0; i0 < word(p, DIMS + 0); i0++)
    for (let i1 = 0; i1 < word(p, DIMS + 1); i1++)
      for (let i2 = 0; i2 < word(p, DIMS + 2); i2++)
        for (let i3 = 0; i3 < word(p, DIMS + 3); i3++)
          for (let i4 = 0; i4 < word(p, DIMS + 4); i4++)
            for (let i5 = 0; i5 < word(p, DIMS + 5); i5++) {
              const o =
                i0 * word(p, STRIDES + 0) + i1 * word(p, STRIDES + 1) + i2 * word(p, STRIDES + 2) +
                i3 * word(p, STRIDES + 3) + i4 * word(p, STRIDES + 4) + i5 * word(p, STRIDES + 5);
              const slot = sums + (<usize>o << 2);
              store<i32>(slot, load<i32>(slot) + i32(load<i8>(x)));
              x++;
            }
  for (let o = 0; o < outputs; o++) {
    const shifted = load<i32>(sums + (<usize>o << 2)) - inputZeroPoint * elements;
    const value = multiplyByQuantizedMultiplier(shifted, multiplier, shift) + outputZeroPoint;
    store<i8>(output + <usize>o, <i8>clamp(value, -128, 127));
  }
}

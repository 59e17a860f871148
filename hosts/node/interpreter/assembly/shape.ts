// Data movement: RESHAPE (a copy), PAD / PADV2, CONCATENATION.

import { KERNEL_MAX_RANK } from "./opcodes";
import { pointer, word } from "./words";

/** Words: input, output, bytes. */
export function copy(p: usize): void {
  const input = pointer(p, 0);
  const output = pointer(p, 1);
  if (input != output) memory.copy(output, input, <usize>word(p, 2));
}

/**
 * Words: input, output, elementBytes, padValue (the element's bits), then
 * KERNEL_MAX_RANK output dims, KERNEL_MAX_RANK left paddings, KERNEL_MAX_RANK
 * input dims (shapes padded with leading 1s).
 */
export function pad(p: usize): void {
  const input = pointer(p, 0);
  let out = pointer(p, 1);
  const elementBytes = word(p, 2);
  const padValue = word(p, 3);
  const OUT = 4;
  const LEFT = OUT + KERNEL_MAX_RANK;
  const IN = LEFT + KERNEL_MAX_RANK;
  // Input strides, in elements.
  const s5: i32 = 1;
  const s4 = s5 * word(p, IN + 5);
  const s3 = s4 * word(p, IN + 4);
  const s2 = s3 * word(p, IN + 3);
  const s1 = s2 * word(p, IN + 2);
  const s0 = s1 * word(p, IN + 1);
  for (let i0 = 0; i0 < word(p, OUT + 0); i0++) {
    const j0 = i0 - word(p, LEFT + 0);
    const in0 = j0 >= 0 && j0 < word(p, IN + 0);
    for (let i1 = 0; i1 < word(p, OUT + 1); i1++) {
      const j1 = i1 - word(p, LEFT + 1);
      const in1 = in0 && j1 >= 0 && j1 < word(p, IN + 1);
      for (let i2 = 0; i2 < word(p, OUT + 2); i2++) {
        const j2 = i2 - word(p, LEFT + 2);
        const in2 = in1 && j2 >= 0 && j2 < word(p, IN + 2);
        for (let i3 = 0; i3 < word(p, OUT + 3); i3++) {
          const j3 = i3 - word(p, LEFT + 3);
          const in3 = in2 && j3 >= 0 && j3 < word(p, IN + 3);
          for (let i4 = 0; i4 < word(p, OUT + 4); i4++) {
            const j4 = i4 - word(p, LEFT + 4);
            const in4 = in3 && j4 >= 0 && j4 < word(p, IN + 4);
            for (let i5 = 0; i5 < word(p, OUT + 5); i5++) {
              const j5 = i5 - word(p, LEFT + 5);
              const inside = in4 && j5 >= 0 && j5 < word(p, IN + 5);
              if (elementBytes == 1) {
                store<i8>(out, inside ? load<i8>(input + <usize>(j0 * s0 + j1 * s1 + j2 * s2 + j3 * s3 + j4 * s4 + j5)) : <i8>padValue);
              } else {
                store<i32>(out, inside ? load<i32>(input + (<usize>(j0 * s0 + j1 * s1 + j2 * s2 + j3 * s3 + j4 * s4 + j5) << 2)) : padValue);
              }
              out += <usize>elementBytes;
            }
          }
        }
      }
    }
  }
}

/** Words: output, outer, count, then count pairs (input, bytes per outer step). */
export function concatenation(p: usize): void {
  let out = pointer(p, 0);
  const outer = word(p, 1);
  const count = word(p, 2);
  for (let k = 0; k < outer; k++) {
    for (let i = 0; i < count; i++) {
      const bytes = word(p, 4 + 2 * i);
      memory.copy(out, pointer(p, 3 + 2 * i) + <usize>(k * bytes), <usize>bytes);
      out += <usize>bytes;
    }
  }
}

// SOFTMAX and LOGISTIC, int8, as TensorFlow Lite Micro's reference kernels
// (gemmlowp fixed-point exp, reciprocal and logistic).

import { expOnNegativeValues, logisticQ4, multiplyByQuantizedMultiplier, reciprocal, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from "./fixedpoint";
import { clamp, pointer, word } from "./words";

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

/** Words: input, output, outer, depth, inputMultiplier, inputLeftShift, diffMin. Output zero point -128, scale 1/256. */
export function softmax(p: usize): void {
  const input = pointer(p, 0);
  const output = pointer(p, 1);
  const outer = word(p, 2);
  const depth = word(p, 3);
  const multiplier = word(p, 4);
  const leftShift = word(p, 5);
  const diffMin = word(p, 6);
  for (let i = 0; i < outer; i++) {
    const row = input + <usize>(i * depth);
    const outRow = output + <usize>(i * depth);
    let maxInRow: i32 = -128;
    for (let c = 0; c < depth; c++) maxInRow = max(maxInRow, i32(load<i8>(row + <usize>c)));

    let sumOfExps: i32 = 0;
    for (let c = 0; c < depth; c++) {
      const diff = i32(load<i8>(row + <usize>c)) - maxInRow;
      if (diff >= diffMin) {
        const rescaled = saturatingRoundingDoublingHighMul(diff * (1 << leftShift), multiplier);
        sumOfExps += roundingDivideByPOT(expOnNegativeValues(rescaled, SCALED_DIFF_INTEGER_BITS), ACCUMULATION_INTEGER_BITS);
      }
    }
    const packed = reciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS);
    const shiftedScale = i32(packed & 0xffffffff);
    const bitsOverUnit = i32(packed >> 32);
    const exponent = bitsOverUnit + 31 - 8;

    for (let c = 0; c < depth; c++) {
      const diff = i32(load<i8>(row + <usize>c)) - maxInRow;
      let value: i32 = -128;
      if (diff >= diffMin) {
        const rescaled = saturatingRoundingDoublingHighMul(diff * (1 << leftShift), multiplier);
        const expIn0 = expOnNegativeValues(rescaled, SCALED_DIFF_INTEGER_BITS);
        value = clamp(roundingDivideByPOT(saturatingRoundingDoublingHighMul(shiftedScale, expIn0), exponent) - 128, -128, 127);
      }
      store<i8>(outRow + <usize>c, <i8>value);
    }
  }
}

/** Words: input, output, size, inputZeroPoint, inputRangeRadius, inputMultiplier, inputLeftShift. Output zero point -128. */
export function logistic(p: usize): void {
  const input = pointer(p, 0);
  const output = pointer(p, 1);
  const size = word(p, 2);
  const zeroPoint = word(p, 3);
  const radius = word(p, 4);
  const multiplier = word(p, 5);
  const leftShift = word(p, 6);
  for (let i = 0; i < size; i++) {
    const x = i32(load<i8>(input + <usize>i)) - zeroPoint;
    let value: i32;
    if (x <= -radius) value = -128;
    else if (x >= radius) value = 127;
    else {
      const inQ4 = multiplyByQuantizedMultiplier(x, multiplier, leftShift);
      value = clamp(roundingDivideByPOT(logisticQ4(inQ4), 31 - 8) - 128, -128, 127);
    }
    store<i8>(output + <usize>i, <i8>value);
  }
}

// Fixed-point integer arithmetic of TensorFlow Lite Micro's reference kernels
// (gemmlowp's scalar int32 primitives and TensorFlow Lite's helpers), in the
// double-rounding form TensorFlow Lite Micro builds by default. Integer
// overflow wraps, as it does in practice in the C++.

/** gemmlowp SaturatingRoundingDoublingHighMul: round(a * b / 2^31), saturating MIN * MIN. */
// @ts-ignore: decorator
@inline
export function saturatingRoundingDoublingHighMul(a: i32, b: i32): i32 {
  if (a == b && a == i32.MIN_VALUE) return i32.MAX_VALUE;
  const product: i64 = i64(a) * i64(b);
  const negative: i64 = product >> 63; // 0 or -1
  // nudge: 2^30, or 1 - 2^30 for a negative product.
  const nudged = product + (i64(1 << 30) + (negative & i64(1 - 0x80000000)));
  // Division by 2^31 truncating toward zero, as in C: bias negative values by 2^31 - 1.
  return i32((nudged + ((nudged >> 63) & i64(0x7fffffff))) >> 31);
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero. */
// @ts-ignore: decorator
@inline
export function roundingDivideByPOT(x: i32, exponent: i32): i32 {
  const mask: i32 = i32((i64(1) << exponent) - 1);
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TensorFlow Lite MultiplyByQuantizedMultiplier(int32 x, multiplier, shift). */
// @ts-ignore: decorator
@inline
export function multiplyByQuantizedMultiplier(x: i32, multiplier: i32, shift: i32): i32 {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier), rightShift);
}

/** gemmlowp SaturatingRoundingMultiplyByPOT for a positive exponent: a saturating left shift. */
// @ts-ignore: decorator
@inline
function saturatingShiftLeft(x: i32, exponent: i32): i32 {
  const threshold: i32 = (1 << (31 - exponent)) - 1;
  if (x > threshold) return i32.MAX_VALUE;
  if (x < -threshold) return i32.MIN_VALUE;
  return x * (1 << exponent);
}

/** gemmlowp RoundingHalfSum for int32. */
// @ts-ignore: decorator
@inline
function roundingHalfSum(a: i32, b: i32): i32 {
  const sum: i64 = i64(a) + i64(b);
  const sign: i64 = sum >= 0 ? 1 : -1;
  return i32((sum + sign) / 2);
}

/** gemmlowp exp on [-1/4, 0) for a Q0.31 input; Q0.31 result. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: i32): i32 {
  const constantTerm: i32 = 1895147668; // exp(-1/8)
  const constantOneThird: i32 = 715827883; // 1/3
  const x = a + (1 << 28); // a + 1/8
  const x2 = saturatingRoundingDoublingHighMul(x, x);
  const x3 = saturatingRoundingDoublingHighMul(x2, x);
  const x4 = saturatingRoundingDoublingHighMul(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const polynomial = roundingDivideByPOT(saturatingRoundingDoublingHighMul(x4Over4 + x3, constantOneThird) + x2, 1);
  return constantTerm + saturatingRoundingDoublingHighMul(constantTerm, x + polynomial);
}

/**
 * gemmlowp exp_on_negative_values: exp(a) for a <= 0 given as a fixed-point
 * number with `integerBits` integer bits; result in Q0.31.
 */
export function expOnNegativeValues(a: i32, integerBits: i32): i32 {
  const fractionalBits = 31 - integerBits;
  const oneQuarter: i32 = 1 << (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
  // Rescale<0>: from `integerBits` integer bits to 0, a saturating left shift.
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(saturatingShiftLeft(aModQuarterMinusOneQuarter, integerBits));
  const remainder = aModQuarterMinusOneQuarter - a;
  // Barrel shifter: multiply by exp(-2^k) for each bit k of the remainder.
  if (integerBits > -2 && (remainder & (1 << (fractionalBits - 2))) != 0) result = saturatingRoundingDoublingHighMul(result, 1672461947);
  if (integerBits > -1 && (remainder & (1 << (fractionalBits - 1))) != 0) result = saturatingRoundingDoublingHighMul(result, 1302514674);
  if (integerBits > 0 && (remainder & (1 << fractionalBits)) != 0) result = saturatingRoundingDoublingHighMul(result, 790015084);
  if (integerBits > 1 && (remainder & (1 << (fractionalBits + 1))) != 0) result = saturatingRoundingDoublingHighMul(result, 290630308);
  if (integerBits > 2 && (remainder & (1 << (fractionalBits + 2))) != 0) result = saturatingRoundingDoublingHighMul(result, 39332535);
  if (integerBits > 3 && (remainder & (1 << (fractionalBits + 3))) != 0) result = saturatingRoundingDoublingHighMul(result, 720401);
  if (integerBits > 4 && (remainder & (1 << (fractionalBits + 4))) != 0) result = saturatingRoundingDoublingHighMul(result, 242);
  if (integerBits > 5) {
    const clamp: i32 = -(1 << (36 - integerBits)); // -32
    if (a < clamp) result = 0;
  }
  if (a == 0) result = i32.MAX_VALUE;
  return result;
}

/** gemmlowp one_over_one_plus_x_for_x_in_0_1: Q0.31 in, Q0.31 out. */
export function oneOverOnePlusXForXIn01(a: i32): i32 {
  const halfDenominator = roundingHalfSum(a, i32.MAX_VALUE);
  const constant48Over17: i32 = 1515870810; // Q2.29
  const constantNeg32Over17: i32 = -1010580540; // Q2.29
  const oneQ2: i32 = 1 << 29;
  let x = constant48Over17 + saturatingRoundingDoublingHighMul(halfDenominator, constantNeg32Over17);
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = saturatingRoundingDoublingHighMul(halfDenominator, x);
    const oneMinusHalfDenominatorTimesX = oneQ2 - halfDenominatorTimesX;
    x = x + saturatingShiftLeft(saturatingRoundingDoublingHighMul(x, oneMinusHalfDenominatorTimesX), 2);
  }
  // ExactMulByPot<-1> then Rescale<0> from one integer bit.
  return saturatingShiftLeft(x, 1);
}

/** gemmlowp logistic for a Q4.27 input; Q0.31 result. */
export function logisticQ4(a: i32): i32 {
  const absolute = a > 0 ? a : -a;
  const positive = oneOverOnePlusXForXIn01(expOnNegativeValues(-absolute, 4));
  if (a == 0) return 1 << 30;
  return a > 0 ? positive : i32.MAX_VALUE - positive;
}

/** TensorFlow Lite GetReciprocal: 1 / x for x with `integerDigits` integer bits, and the bits above one. */
export function reciprocal(x: i32, integerDigits: i32): i64 {
  const headroomPlusOne = i32(clz<u32>(u32(x)));
  const bitsOverUnit = integerDigits - headroomPlusOne;
  const shiftedSumMinusOne = i32((u32(x) << u32(headroomPlusOne)) - (u32(1) << 31));
  const scale = oneOverOnePlusXForXIn01(shiftedSumMinusOne);
  // Packed as two results: scale in the low 32 bits, bitsOverUnit in the high.
  return (i64(bitsOverUnit) << 32) | i64(u32(scale));
}

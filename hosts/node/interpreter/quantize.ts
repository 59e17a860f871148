/**
 * The load-time ("prepare") arithmetic of TensorFlow Lite Micro, in doubles
 * and floats exactly as its C++ does it: JavaScript numbers are IEEE doubles,
 * and Math.fround gives the float results where the C++ computes in float.
 */

import { ActivationFunctionType } from "./schema.js";

const bits = new DataView(new ArrayBuffer(8));

/** C's frexp: value = fraction * 2^exponent with |fraction| in [0.5, 1). */
export function frexp(value: number): { fraction: number; exponent: number } {
  if (value === 0 || !Number.isFinite(value)) return { fraction: value, exponent: 0 };
  let extra = 0;
  bits.setFloat64(0, value);
  if (((bits.getUint32(0) >>> 20) & 0x7ff) === 0) {
    // Subnormal: scale into the normal range first (exact).
    bits.setFloat64(0, value * 2 ** 64);
    extra = -64;
  }
  const high = bits.getUint32(0);
  const exponent = ((high >>> 20) & 0x7ff) - 1022 + extra;
  bits.setUint32(0, (high & 0x800fffff) | (1022 << 20));
  return { fraction: bits.getFloat64(0), exponent };
}

/** C's round(): halves away from zero. */
export function roundHalfAway(value: number): number {
  const truncated = Math.trunc(value);
  return Math.abs(value - truncated) >= 0.5 ? truncated + Math.sign(value) : truncated;
}

export interface QuantizedMultiplier {
  /** Q31 significand in [2^30, 2^31), or 0. */
  readonly multiplier: number;
  /** Power of two: positive shifts left. */
  readonly shift: number;
}

/** TensorFlow Lite's QuantizeMultiplier (double-rounding build, as TensorFlow Lite Micro uses). */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 };
  const { fraction, exponent } = frexp(real);
  let shift = exponent;
  let fixed = roundHalfAway(fraction * 2 ** 31);
  if (fixed === 2 ** 31) {
    fixed /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: fixed, shift };
}

/** Largest left shift the kernels accept: MultiplyByQuantizedMultiplier computes x * (1 << shift) in 32 bits. */
export const MAX_LEFT_SHIFT = 30;

/** TensorFlow Lite's PreprocessSoftmaxScaling (double-rounding build). */
export function preprocessSoftmaxScaling(beta: number, inputScale: number, inputIntegerBits: number): QuantizedMultiplier {
  const maxRealMultiplier = 2 ** 31 - 1;
  const real = Math.min(beta * inputScale * (1 << (31 - inputIntegerBits)), maxRealMultiplier);
  return quantizeMultiplier(real);
}

/** TensorFlow Lite's CalculateInputRadius. */
export function calculateInputRadius(inputIntegerBits: number, inputLeftShift: number, totalSignedBits = 31): number {
  const maxInputRescaled = (((1 << inputIntegerBits) - 1) * 2 ** (totalSignedBits - inputIntegerBits)) / 2 ** inputLeftShift;
  return Math.floor(maxInputRescaled);
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The float-to-quantized step of CalculateActivationRangeQuantized; undefined where TensorFlow Lite Micro fails. */
function quantizeActivationBound(scale: number, zeroPoint: number, value: number): number | undefined {
  const scaled = roundHalfAway(Math.fround(value / scale));
  if (!(scaled >= INT32_MIN && scaled <= INT32_MAX)) return undefined;
  return (zeroPoint + scaled) | 0;
}

/** TensorFlow Lite's CalculateActivationRangeQuantized for an output of range [qmin, qmax]; undefined where it fails. */
export function activationRange(activation: number, scale: number, zeroPoint: number, qmin: number, qmax: number): { min: number; max: number } | undefined {
  const bound = (value: number) => quantizeActivationBound(scale, zeroPoint, value);
  switch (activation) {
    case ActivationFunctionType.NONE:
      return { min: qmin, max: qmax };
    case ActivationFunctionType.RELU: {
      const low = bound(0);
      return low === undefined ? undefined : { min: Math.max(qmin, low), max: qmax };
    }
    case ActivationFunctionType.RELU6: {
      const low = bound(0);
      const high = bound(6);
      return low === undefined || high === undefined ? undefined : { min: Math.max(qmin, low), max: Math.min(qmax, high) };
    }
    case ActivationFunctionType.RELU_N1_TO_1: {
      const low = bound(-1);
      const high = bound(1);
      return low === undefined || high === undefined ? undefined : { min: Math.max(qmin, low), max: Math.min(qmax, high) };
    }
    default:
      return undefined;
  }
}

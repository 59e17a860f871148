// Requantization of four int32 accumulators at once, bit-identical to
// TensorFlow Lite's MultiplyByQuantizedMultiplier (double rounding) per lane:
//   SaturatingRoundingDoublingHighMul(x * 2^left, multiplier)   in i64x2 lanes,
//   RoundingDivideByPOT(.., right) = floor((v + 2^(right-1) - [v < 0]) / 2^right)
//     (for right > 0; v itself for right = 0), where the floor division by a
//     per-lane power of two is a multiplication by 2^(32 - right) and a shift by 32.
// The saturating case of SaturatingRoundingDoublingHighMul (both operands
// INT32_MIN) cannot occur: multipliers lie in [0, 2^31).
//
// Table layout for n channels (n a multiple of 4), as the loader writes it:
//   i32 multiplier[n], i32 2^left[n], i64 half[n], i64 negativeAdjust[n], i64 2^(32 - right)[n].

// @ts-ignore: decorator
@inline
function doublingHighMul(product: v128): v128 {
  const nudge = i64x2.add(i64x2.splat(<i64>0x40000000), v128.and(i64x2.shr_s(product, 63), i64x2.splat(<i64>1 - <i64>0x80000000)));
  const nudged = i64x2.add(product, nudge);
  // Division by 2^31 truncating toward zero.
  return i64x2.shr_s(i64x2.add(nudged, v128.and(i64x2.shr_s(nudged, 63), i64x2.splat(<i64>0x7fffffff))), 31);
}

// @ts-ignore: decorator
@inline
function divideByPOT(value: v128, half: v128, negativeAdjust: v128, scale: v128): v128 {
  const biased = i64x2.sub(i64x2.add(value, half), v128.and(i64x2.shr_s(value, 63), negativeAdjust));
  return i64x2.shr_s(i64x2.mul(biased, scale), 32);
}

/** Requantizes channels c..c+3: returns the clamped outputs as i32 lanes. */
// @ts-ignore: decorator
@inline
export function requantize4(acc: v128, table: usize, channels: i32, c: i32, outputOffset: v128, actMin: v128, actMax: v128): v128 {
  const n = <usize>channels;
  const at4 = table + (<usize>c << 2);
  const at8 = table + (n << 3) + (<usize>c << 3);
  const multiplier = v128.load(at4);
  const shifted = i32x4.mul(acc, v128.load(at4 + (n << 2)));
  const low = divideByPOT(doublingHighMul(i64x2.extmul_low_i32x4_s(shifted, multiplier)), v128.load(at8), v128.load(at8 + (n << 3)), v128.load(at8 + (n << 4)));
  const high = divideByPOT(doublingHighMul(i64x2.extmul_high_i32x4_s(shifted, multiplier)), v128.load(at8, 16), v128.load(at8 + (n << 3), 16), v128.load(at8 + (n << 4), 16));
  const result = i32x4.add(v128.shuffle<i32>(low, high, 0, 2, 4, 6), outputOffset);
  return i32x4.min_s(i32x4.max_s(result, actMin), actMax);
}

/** Channel count rounded up to the table's multiple of 4. */
// @ts-ignore: decorator
@inline
export function tableChannels(channels: i32): i32 {
  return (channels + 3) & ~3;
}

/** Narrows four i32 lanes already in int8 range to bytes and stores them. */
// @ts-ignore: decorator
@inline
export function store4(at: usize, values: v128): void {
  const words = i16x8.narrow_i32x4_s(values, values);
  store<i32>(at, i32x4.extract_lane(i8x16.narrow_i16x8_s(words, words), 0));
}

/** Narrows eight i32 lanes (two vectors) already in int8 range to bytes and stores them. */
// @ts-ignore: decorator
@inline
export function store8(at: usize, first: v128, second: v128): void {
  const words = i16x8.narrow_i32x4_s(first, second);
  store<i64>(at, i64x2.extract_lane(i8x16.narrow_i16x8_s(words, words), 0));
}

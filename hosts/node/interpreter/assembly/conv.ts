// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, int8 with per-channel
// requantization, as TensorFlow Lite Micro's reference ConvPerChannel,
// DepthwiseConvPerChannel and FullyConnected compute them.
//
// Each product f * (x + inputOffset) is formed exactly (|x + offset| <= 255
// fits an i16 lane, and i32x4.dot_i16x8_s / extmul give exact 32-bit
// products); sums wrap modulo 2^32 as the C++ int32 accumulator does, so
// summing in SIMD lanes in another order gives the same bits.

import { multiplyByQuantizedMultiplier } from "./fixedpoint";
import { requantize4, store4, store8, tableChannels } from "./requantize";
import { clamp, pointer, word } from "./words";

// @ts-ignore: decorator
@inline
function requantize(acc: i32, multipliers: usize, shifts: usize, channel: i32, outputOffset: i32, actMin: i32, actMax: i32): i8 {
  const at = <usize>channel << 2;
  return <i8>clamp(multiplyByQuantizedMultiplier(acc, load<i32>(multipliers + at), load<i32>(shifts + at)) + outputOffset, actMin, actMax);
}

// @ts-ignore: decorator
@inline
function horizontalSum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** First filter tap whose input row (or column) origin + dilation * tap is >= 0. */
// @ts-ignore: decorator
@inline
function tapStart(origin: i32, dilation: i32): i32 {
  return origin < 0 ? (dilation - 1 - origin) / dilation : 0;
}

/** One past the last filter tap whose input row (or column) is < size. */
// @ts-ignore: decorator
@inline
function tapEnd(origin: i32, dilation: i32, size: i32, filterSize: i32): i32 {
  const room = size - 1 - origin;
  return room < 0 ? 0 : min(filterSize, room / dilation + 1);
}

/** Sum of (f[i] + filterOffset) * (x[i] + inputOffset) for i < n. */
// @ts-ignore: decorator
@inline
function dot(x: usize, f: usize, n: i32, inputOffset: i32, filterOffset: i32): i32 {
  const xo = i16x8.splat(<i16>inputOffset);
  const fo = i16x8.splat(<i16>filterOffset);
  let acc = i32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.add(v128.load8x8_s(x + <usize>i), xo), i16x8.add(v128.load8x8_s(f + <usize>i), fo)));
  }
  let sum = horizontalSum(acc);
  for (; i < n; i++) sum += (i32(load<i8>(f + <usize>i)) + filterOffset) * (i32(load<i8>(x + <usize>i)) + inputOffset);
  return sum;
}

/**
 * Words: input, batches, inH, inW, inC, filter, filterH, filterW, filterInC,
 * outC, bias (0: none), output, outH, outW, strideH, strideW, dilationH,
 * dilationW, padH, padW, inputOffset, outputOffset, multipliers, shifts,
 * actMin, actMax, requantization table (see requantize.ts).
 */
export function conv2d(p: usize): void {
  const input = pointer(p, 0);
  const batches = word(p, 1);
  const inH = word(p, 2);
  const inW = word(p, 3);
  const inC = word(p, 4);
  const filter = pointer(p, 5);
  const filterH = word(p, 6);
  const filterW = word(p, 7);
  const filterInC = word(p, 8);
  const outC = word(p, 9);
  const bias = pointer(p, 10);
  const output = pointer(p, 11);
  const outH = word(p, 12);
  const outW = word(p, 13);
  const strideH = word(p, 14);
  const strideW = word(p, 15);
  const dilationH = word(p, 16);
  const dilationW = word(p, 17);
  const padH = word(p, 18);
  const padW = word(p, 19);
  const inputOffset = word(p, 20);
  const outputOffset = word(p, 21);
  const multipliers = pointer(p, 22);
  const shifts = pointer(p, 23);
  const actMin = word(p, 24);
  const actMax = word(p, 25);
  const table = pointer(p, 26);
  const channels = tableChannels(outC);
  const outputOffsets = i32x4.splat(outputOffset);
  const lows = i32x4.splat(actMin);
  const highs = i32x4.splat(actMax);
  const filtersPerGroup = outC / (inC / filterInC);
  const filterStride = <usize>(filterH * filterW * filterInC);
  const offset = i16x8.splat(<i16>inputOffset);
  const vectorEnd = filterInC & ~7;
  // Blocks of four output channels share each input load (within one group).
  const blockEnd = filtersPerGroup % 4 == 0 ? outC : 0;
  // Eight-channel blocks need whole vectors (no scalar tail) and groups of a multiple of 8.
  const blockEnd8 = filtersPerGroup % 8 == 0 && vectorEnd == filterInC ? outC : 0;

  let out = output;
  for (let b = 0; b < batches; b++) {
    const inputBatch = input + <usize>(b * inH * inW * inC);
    for (let oy = 0; oy < outH; oy++) {
      const originY = oy * strideH - padH;
      const fyStart = tapStart(originY, dilationH);
      const fyEnd = tapEnd(originY, dilationH, inH, filterH);
      for (let ox = 0; ox < outW; ox++) {
        const originX = ox * strideW - padW;
        const fxStart = tapStart(originX, dilationW);
        const fxEnd = tapEnd(originX, dilationW, inW, filterW);
        let oc = 0;
        // Eight output channels at a time where the groups allow: each input load feeds eight dots.
        for (; oc + 8 <= blockEnd8; oc += 8) {
          const groupInput = <usize>((oc / filtersPerGroup) * filterInC);
          let acc0 = i32x4.splat(0);
          let acc1 = i32x4.splat(0);
          let acc2 = i32x4.splat(0);
          let acc3 = i32x4.splat(0);
          let acc4 = i32x4.splat(0);
          let acc5 = i32x4.splat(0);
          let acc6 = i32x4.splat(0);
          let acc7 = i32x4.splat(0);
          for (let fy = fyStart; fy < fyEnd; fy++) {
            const iy = originY + dilationH * fy;
            for (let fx = fxStart; fx < fxEnd; fx++) {
              const ix = originX + dilationW * fx;
              const x = inputBatch + <usize>((iy * inW + ix) * inC) + groupInput;
              const f0 = filter + <usize>oc * filterStride + <usize>((fy * filterW + fx) * filterInC);
              for (let i = 0; i < vectorEnd; i += 8) {
                const a = i16x8.add(v128.load8x8_s(x + <usize>i), offset);
                const f = f0 + <usize>i;
                acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(a, v128.load8x8_s(f)));
                acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(a, v128.load8x8_s(f + filterStride)));
                acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(a, v128.load8x8_s(f + 2 * filterStride)));
                acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(a, v128.load8x8_s(f + 3 * filterStride)));
                acc4 = i32x4.add(acc4, i32x4.dot_i16x8_s(a, v128.load8x8_s(f + 4 * filterStride)));
                acc5 = i32x4.add(acc5, i32x4.dot_i16x8_s(a, v128.load8x8_s(f + 5 * filterStride)));
                acc6 = i32x4.add(acc6, i32x4.dot_i16x8_s(a, v128.load8x8_s(f + 6 * filterStride)));
                acc7 = i32x4.add(acc7, i32x4.dot_i16x8_s(a, v128.load8x8_s(f + 7 * filterStride)));
              }
            }
          }
          const s01 = i32x4.add(v128.shuffle<i32>(acc0, acc1, 0, 4, 1, 5), v128.shuffle<i32>(acc0, acc1, 2, 6, 3, 7));
          const s23 = i32x4.add(v128.shuffle<i32>(acc2, acc3, 0, 4, 1, 5), v128.shuffle<i32>(acc2, acc3, 2, 6, 3, 7));
          const s45 = i32x4.add(v128.shuffle<i32>(acc4, acc5, 0, 4, 1, 5), v128.shuffle<i32>(acc4, acc5, 2, 6, 3, 7));
          const s67 = i32x4.add(v128.shuffle<i32>(acc6, acc7, 0, 4, 1, 5), v128.shuffle<i32>(acc6, acc7, 2, 6, 3, 7));
          let sums0 = i32x4.add(v128.shuffle<i32>(s01, s23, 0, 1, 4, 5), v128.shuffle<i32>(s01, s23, 2, 3, 6, 7));
          let sums1 = i32x4.add(v128.shuffle<i32>(s45, s67, 0, 1, 4, 5), v128.shuffle<i32>(s45, s67, 2, 3, 6, 7));
          if (bias != 0) {
            sums0 = i32x4.add(sums0, v128.load(bias + (<usize>oc << 2)));
            sums1 = i32x4.add(sums1, v128.load(bias + (<usize>oc << 2), 16));
          }
          store8(out, requantize4(sums0, table, channels, oc, outputOffsets, lows, highs), requantize4(sums1, table, channels, oc + 4, outputOffsets, lows, highs));
          out += 8;
        }
        for (; oc < blockEnd; oc += 4) {
          const groupInput = <usize>((oc / filtersPerGroup) * filterInC);
          let acc0 = i32x4.splat(0);
          let acc1 = i32x4.splat(0);
          let acc2 = i32x4.splat(0);
          let acc3 = i32x4.splat(0);
          let tail0: i32 = 0, tail1: i32 = 0, tail2: i32 = 0, tail3: i32 = 0;
          for (let fy = fyStart; fy < fyEnd; fy++) {
            const iy = originY + dilationH * fy;
            for (let fx = fxStart; fx < fxEnd; fx++) {
              const ix = originX + dilationW * fx;
              const x = inputBatch + <usize>((iy * inW + ix) * inC) + groupInput;
              const f0 = filter + <usize>oc * filterStride + <usize>((fy * filterW + fx) * filterInC);
              const f1 = f0 + filterStride;
              const f2 = f1 + filterStride;
              const f3 = f2 + filterStride;
              let i = 0;
              for (; i < vectorEnd; i += 8) {
                const a = i16x8.add(v128.load8x8_s(x + <usize>i), offset);
                acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(a, v128.load8x8_s(f0 + <usize>i)));
                acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(a, v128.load8x8_s(f1 + <usize>i)));
                acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(a, v128.load8x8_s(f2 + <usize>i)));
                acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(a, v128.load8x8_s(f3 + <usize>i)));
              }
              for (; i < filterInC; i++) {
                const a = i32(load<i8>(x + <usize>i)) + inputOffset;
                tail0 += i32(load<i8>(f0 + <usize>i)) * a;
                tail1 += i32(load<i8>(f1 + <usize>i)) * a;
                tail2 += i32(load<i8>(f2 + <usize>i)) * a;
                tail3 += i32(load<i8>(f3 + <usize>i)) * a;
              }
            }
          }
          // Transpose-add the four accumulators into one vector of channel sums.
          const s01 = i32x4.add(v128.shuffle<i32>(acc0, acc1, 0, 4, 1, 5), v128.shuffle<i32>(acc0, acc1, 2, 6, 3, 7));
          const s23 = i32x4.add(v128.shuffle<i32>(acc2, acc3, 0, 4, 1, 5), v128.shuffle<i32>(acc2, acc3, 2, 6, 3, 7));
          let sums = i32x4.add(i32x4.add(v128.shuffle<i32>(s01, s23, 0, 1, 4, 5), v128.shuffle<i32>(s01, s23, 2, 3, 6, 7)), i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(tail0), 1, tail1), 2, tail2), 3, tail3));
          if (bias != 0) sums = i32x4.add(sums, v128.load(bias + (<usize>oc << 2)));
          store4(out, requantize4(sums, table, channels, oc, outputOffsets, lows, highs));
          out += 4;
        }
        for (; oc < outC; oc++) {
          const groupInput = <usize>((oc / filtersPerGroup) * filterInC);
          let sum: i32 = bias != 0 ? load<i32>(bias + (<usize>oc << 2)) : 0;
          for (let fy = fyStart; fy < fyEnd; fy++) {
            const iy = originY + dilationH * fy;
            for (let fx = fxStart; fx < fxEnd; fx++) {
              const ix = originX + dilationW * fx;
              const x = inputBatch + <usize>((iy * inW + ix) * inC) + groupInput;
              sum += dot(x, filter + <usize>oc * filterStride + <usize>((fy * filterW + fx) * filterInC), filterInC, inputOffset, 0);
            }
          }
          store<i8>(out, requantize(sum, multipliers, shifts, oc, outputOffset, actMin, actMax));
          out++;
        }
      }
    }
  }
}

/**
 * Words: input, batches, inH, inW, inC, filter, filterH, filterW, outC,
 * depthMultiplier, bias (0: none), output, outH, outW, strideH, strideW,
 * dilationH, dilationW, padH, padW, inputOffset, outputOffset, multipliers,
 * shifts, actMin, actMax, requantization table (see requantize.ts).
 */
export function depthwiseConv2d(p: usize): void {
  const input = pointer(p, 0);
  const batches = word(p, 1);
  const inH = word(p, 2);
  const inW = word(p, 3);
  const inC = word(p, 4);
  const filter = pointer(p, 5);
  const filterH = word(p, 6);
  const filterW = word(p, 7);
  const outC = word(p, 8);
  const depthMultiplier = word(p, 9);
  const bias = pointer(p, 10);
  const output = pointer(p, 11);
  const outH = word(p, 12);
  const outW = word(p, 13);
  const strideH = word(p, 14);
  const strideW = word(p, 15);
  const dilationH = word(p, 16);
  const dilationW = word(p, 17);
  const padH = word(p, 18);
  const padW = word(p, 19);
  const inputOffset = word(p, 20);
  const outputOffset = word(p, 21);
  const multipliers = pointer(p, 22);
  const shifts = pointer(p, 23);
  const actMin = word(p, 24);
  const actMax = word(p, 25);
  const table = pointer(p, 26);
  const channels = tableChannels(outC);
  const outputOffsets = i32x4.splat(outputOffset);
  const lows = i32x4.splat(actMin);
  const highs = i32x4.splat(actMax);
  const offset = i16x8.splat(<i16>inputOffset);
  // Blocks of eight output channels in SIMD lanes: with a multiplier of 1 they
  // read eight input channels; with a multiple of 8 they share one input channel.
  const blockEnd = depthMultiplier == 1 || depthMultiplier % 8 == 0 ? outC & ~7 : 0;
  const shared = depthMultiplier != 1;

  for (let b = 0; b < batches; b++) {
    const inputBatch = input + <usize>(b * inH * inW * inC);
    for (let oy = 0; oy < outH; oy++) {
      const originY = oy * strideH - padH;
      const fyStart = tapStart(originY, dilationH);
      const fyEnd = tapEnd(originY, dilationH, inH, filterH);
      for (let ox = 0; ox < outW; ox++) {
        const originX = ox * strideW - padW;
        const fxStart = tapStart(originX, dilationW);
        const fxEnd = tapEnd(originX, dilationW, inW, filterW);
        const out = output + <usize>(((b * outH + oy) * outW + ox) * outC);
        let c = 0;
        // Sixteen channels at a time where they can: the tap loop's cost is shared.
        for (; !shared && c + 16 <= blockEnd; c += 16) {
          let low0 = i32x4.splat(0);
          let high0 = i32x4.splat(0);
          let low1 = i32x4.splat(0);
          let high1 = i32x4.splat(0);
          for (let fy = fyStart; fy < fyEnd; fy++) {
            const row = inputBatch + <usize>((originY + dilationH * fy) * inW * inC + c);
            const filterRow = filter + <usize>(fy * filterW * outC + c);
            for (let fx = fxStart; fx < fxEnd; fx++) {
              const at = row + <usize>((originX + dilationW * fx) * inC);
              const fat = filterRow + <usize>(fx * outC);
              const x0 = i16x8.add(v128.load8x8_s(at), offset);
              const x1 = i16x8.add(v128.load8x8_s(at, 8), offset);
              const f0 = v128.load8x8_s(fat);
              const f1 = v128.load8x8_s(fat, 8);
              low0 = i32x4.add(low0, i32x4.extmul_low_i16x8_s(x0, f0));
              high0 = i32x4.add(high0, i32x4.extmul_high_i16x8_s(x0, f0));
              low1 = i32x4.add(low1, i32x4.extmul_low_i16x8_s(x1, f1));
              high1 = i32x4.add(high1, i32x4.extmul_high_i16x8_s(x1, f1));
            }
          }
          if (bias != 0) {
            const at = bias + (<usize>c << 2);
            low0 = i32x4.add(low0, v128.load(at));
            high0 = i32x4.add(high0, v128.load(at, 16));
            low1 = i32x4.add(low1, v128.load(at, 32));
            high1 = i32x4.add(high1, v128.load(at, 48));
          }
          store8(out + <usize>c, requantize4(low0, table, channels, c, outputOffsets, lows, highs), requantize4(high0, table, channels, c + 4, outputOffsets, lows, highs));
          store8(out + <usize>c + 8, requantize4(low1, table, channels, c + 8, outputOffsets, lows, highs), requantize4(high1, table, channels, c + 12, outputOffsets, lows, highs));
        }
        for (; c < blockEnd; c += 8) {
          const inChannel = shared ? c / depthMultiplier : c;
          let low = i32x4.splat(0);
          let high = i32x4.splat(0);
          for (let fy = fyStart; fy < fyEnd; fy++) {
            const iy = originY + dilationH * fy;
            for (let fx = fxStart; fx < fxEnd; fx++) {
              const ix = originX + dilationW * fx;
              const at = inputBatch + <usize>((iy * inW + ix) * inC + inChannel);
              const x = shared ? i16x8.splat(<i16>(i32(load<i8>(at)) + inputOffset)) : i16x8.add(v128.load8x8_s(at), offset);
              const f = v128.load8x8_s(filter + <usize>((fy * filterW + fx) * outC + c));
              low = i32x4.add(low, i32x4.extmul_low_i16x8_s(x, f));
              high = i32x4.add(high, i32x4.extmul_high_i16x8_s(x, f));
            }
          }
          if (bias != 0) {
            low = i32x4.add(low, v128.load(bias + (<usize>c << 2)));
            high = i32x4.add(high, v128.load(bias + (<usize>c << 2), 16));
          }
          store8(out + <usize>c, requantize4(low, table, channels, c, outputOffsets, lows, highs), requantize4(high, table, channels, c + 4, outputOffsets, lows, highs));
        }
        for (; c < outC; c++) {
          const inChannel = c / depthMultiplier;
          let sum: i32 = bias != 0 ? load<i32>(bias + (<usize>c << 2)) : 0;
          for (let fy = fyStart; fy < fyEnd; fy++) {
            const iy = originY + dilationH * fy;
            for (let fx = fxStart; fx < fxEnd; fx++) {
              const ix = originX + dilationW * fx;
              const x = i32(load<i8>(inputBatch + <usize>((iy * inW + ix) * inC + inChannel))) + inputOffset;
              sum += i32(load<i8>(filter + <usize>((fy * filterW + fx) * outC + c))) * x;
            }
          }
          store<i8>(out + <usize>c, requantize(sum, multipliers, shifts, c, outputOffset, actMin, actMax));
        }
      }
    }
  }
}

/**
 * FULLY_CONNECTED. Words: input, batches, accumDepth, filter, outDepth,
 * bias (0: none), output, inputOffset, filterOffset, outputOffset,
 * multipliers, shifts (one per output channel), actMin, actMax.
 */
export function fullyConnected(p: usize): void {
  const input = pointer(p, 0);
  const batches = word(p, 1);
  const accumDepth = word(p, 2);
  const filter = pointer(p, 3);
  const outDepth = word(p, 4);
  const bias = pointer(p, 5);
  const output = pointer(p, 6);
  const inputOffset = word(p, 7);
  const filterOffset = word(p, 8);
  const outputOffset = word(p, 9);
  const multipliers = pointer(p, 10);
  const shifts = pointer(p, 11);
  const actMin = word(p, 12);
  const actMax = word(p, 13);
  for (let b = 0; b < batches; b++) {
    const x = input + <usize>(b * accumDepth);
    for (let oc = 0; oc < outDepth; oc++) {
      let acc = dot(x, filter + <usize>(oc * accumDepth), accumDepth, inputOffset, filterOffset);
      if (bias != 0) acc += load<i32>(bias + (<usize>oc << 2));
      store<i8>(output + <usize>(b * outDepth + oc), requantize(acc, multipliers, shifts, oc, outputOffset, actMin, actMax));
    }
  }
}

// CONV_2D and DEPTHWISE_CONV_2D, int8 with per-channel requantization, as
// TensorFlow Lite Micro's reference ConvPerChannel / DepthwiseConvPerChannel.
// The int32 accumulator wraps, so summing in another order gives the same bits.

import { multiplyByQuantizedMultiplier } from "./fixedpoint";
import { clamp, pointer, word } from "./words";

// @ts-ignore: decorator
@inline
function requantize(acc: i32, multiplier: i32, shift: i32, outputOffset: i32, actMin: i32, actMax: i32): i8 {
  return <i8>clamp(multiplyByQuantizedMultiplier(acc, multiplier, shift) + outputOffset, actMin, actMax);
}

/**
 * Words: input, batches, inH, inW, inC, filter, filterH, filterW, filterInC,
 * outC, bias (0: none), output, outH, outW, strideH, strideW, dilationH,
 * dilationW, padH, padW, inputOffset, outputOffset, multipliers, shifts,
 * actMin, actMax, accumulators (outC int32 scratch).
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
  const acc = pointer(p, 26);
  const filtersPerGroup = outC / (inC / filterInC);
  const filterStride = filterH * filterW * filterInC;

  let out = output;
  for (let b = 0; b < batches; b++) {
    const inputBatch = input + <usize>(b * inH * inW * inC);
    for (let oy = 0; oy < outH; oy++) {
      const originY = oy * strideH - padH;
      for (let ox = 0; ox < outW; ox++) {
        const originX = ox * strideW - padW;
        for (let oc = 0; oc < outC; oc++) store<i32>(acc + (<usize>oc << 2), bias != 0 ? load<i32>(bias + (<usize>oc << 2)) : 0);
        for (let fy = 0; fy < filterH; fy++) {
          const iy = originY + dilationH * fy;
          if (iy < 0 || iy >= inH) continue;
          for (let fx = 0; fx < filterW; fx++) {
            const ix = originX + dilationW * fx;
            if (ix < 0 || ix >= inW) continue;
            const pixel = inputBatch + <usize>((iy * inW + ix) * inC);
            const tap = (fy * filterW + fx) * filterInC;
            for (let oc = 0; oc < outC; oc++) {
              const group = oc / filtersPerGroup;
              const x = pixel + <usize>(group * filterInC);
              const f = filter + <usize>(oc * filterStride + tap);
              let sum: i32 = 0;
              for (let ic = 0; ic < filterInC; ic++) {
                sum += i32(load<i8>(f + <usize>ic)) * (i32(load<i8>(x + <usize>ic)) + inputOffset);
              }
              const slot = acc + (<usize>oc << 2);
              store<i32>(slot, load<i32>(slot) + sum);
            }
          }
        }
        for (let oc = 0; oc < outC; oc++) {
          const channel = <usize>oc << 2;
          store<i8>(out, requantize(load<i32>(acc + channel), load<i32>(multipliers + channel), load<i32>(shifts + channel), outputOffset, actMin, actMax));
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
 * shifts, actMin, actMax, accumulators (outC int32 scratch).
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
  const acc = pointer(p, 26);

  let out = output;
  for (let b = 0; b < batches; b++) {
    const inputBatch = input + <usize>(b * inH * inW * inC);
    for (let oy = 0; oy < outH; oy++) {
      const originY = oy * strideH - padH;
      for (let ox = 0; ox < outW; ox++) {
        const originX = ox * strideW - padW;
        for (let oc = 0; oc < outC; oc++) store<i32>(acc + (<usize>oc << 2), bias != 0 ? load<i32>(bias + (<usize>oc << 2)) : 0);
        for (let fy = 0; fy < filterH; fy++) {
          const iy = originY + dilationH * fy;
          if (iy < 0 || iy >= inH) continue;
          for (let fx = 0; fx < filterW; fx++) {
            const ix = originX + dilationW * fx;
            if (ix < 0 || ix >= inW) continue;
            const pixel = inputBatch + <usize>((iy * inW + ix) * inC);
            const f = filter + <usize>((fy * filterW + fx) * outC);
            if (depthMultiplier == 1) {
              for (let c = 0; c < outC; c++) {
                const slot = acc + (<usize>c << 2);
                store<i32>(slot, load<i32>(slot) + i32(load<i8>(f + <usize>c)) * (i32(load<i8>(pixel + <usize>c)) + inputOffset));
              }
            } else {
              for (let ic = 0; ic < inC; ic++) {
                const x = i32(load<i8>(pixel + <usize>ic)) + inputOffset;
                for (let m = 0; m < depthMultiplier; m++) {
                  const oc = ic * depthMultiplier + m;
                  const slot = acc + (<usize>oc << 2);
                  store<i32>(slot, load<i32>(slot) + i32(load<i8>(f + <usize>oc)) * x);
                }
              }
            }
          }
        }
        for (let oc = 0; oc < outC; oc++) {
          const channel = <usize>oc << 2;
          store<i8>(out, requantize(load<i32>(acc + channel), load<i32>(multipliers + channel), load<i32>(shifts + channel), outputOffset, actMin, actMax));
          out++;
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
      const f = filter + <usize>(oc * accumDepth);
      let acc: i32 = 0;
      for (let d = 0; d < accumDepth; d++) {
        acc += (i32(load<i8>(f + <usize>d)) + filterOffset) * (i32(load<i8>(x + <usize>d)) + inputOffset);
      }
      if (bias != 0) acc += load<i32>(bias + (<usize>oc << 2));
      const channel = <usize>oc << 2;
      store<i8>(output + <usize>(b * outDepth + oc), requantize(acc, load<i32>(multipliers + channel), load<i32>(shifts + channel), outputOffset, actMin, actMax));
    }
  }
}

// AVERAGE_POOL_2D and MAX_POOL_2D, int8, as TensorFlow Lite Micro's reference
// integer pooling kernels (the window is clipped to the image).

import { clamp, pointer, word } from "./words";

/**
 * Words: input, batches, inH, inW, channels, output, outH, outW, strideH,
 * strideW, filterH, filterW, padH, padW, actMin, actMax.
 */
export function pool2d(p: usize, average: bool): void {
  const input = pointer(p, 0);
  const batches = word(p, 1);
  const inH = word(p, 2);
  const inW = word(p, 3);
  const channels = word(p, 4);
  const output = pointer(p, 5);
  const outH = word(p, 6);
  const outW = word(p, 7);
  const strideH = word(p, 8);
  const strideW = word(p, 9);
  const filterH = word(p, 10);
  const filterW = word(p, 11);
  const padH = word(p, 12);
  const padW = word(p, 13);
  const actMin = word(p, 14);
  const actMax = word(p, 15);
  let out = output;
  for (let b = 0; b < batches; b++) {
    const inputBatch = input + <usize>(b * inH * inW * channels);
    for (let oy = 0; oy < outH; oy++) {
      const originY = oy * strideH - padH;
      const yStart = originY < 0 ? -originY : 0;
      const yEnd = min(filterH, inH - originY);
      for (let ox = 0; ox < outW; ox++) {
        const originX = ox * strideW - padW;
        const xStart = originX < 0 ? -originX : 0;
        const xEnd = min(filterW, inW - originX);
        for (let c = 0; c < channels; c++) {
          let acc: i32 = average ? 0 : -128;
          let count: i32 = 0;
          for (let fy = yStart; fy < yEnd; fy++) {
            for (let fx = xStart; fx < xEnd; fx++) {
              const value = i32(load<i8>(inputBatch + <usize>(((originY + fy) * inW + originX + fx) * channels + c)));
              if (average) acc += value;
              else if (value > acc) acc = value;
              count++;
            }
          }
          if (average) {
            // The loader guarantees a non-empty window. Division truncates, as in C.
            const half = count / 2;
            acc = acc > 0 ? (acc + half) / count : (acc - half) / count;
          }
          store<i8>(out, <i8>clamp(acc, actMin, actMax));
          out++;
        }
      }
    }
  }
}

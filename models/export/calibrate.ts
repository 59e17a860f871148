/** Activation ranges of the float network over calibration tiles (training photos only). */
import * as tf from "@tensorflow/tfjs";
import { INPUT_SIZE } from "../train/architecture.js";
import type { Network } from "../train/network.js";
import type { ValidationSet } from "../train/validation.js";
import type { Range } from "./quantize.js";

/** Min and max of every layer's output over the set's tiles, in batches. */
export function calibrationRanges(network: Network, tiles: ValidationSet, batchSize = 64): Range[] {
  const ranges = network.shapes.map(() => ({ min: Infinity, max: -Infinity }));
  const tilePixels = INPUT_SIZE * INPUT_SIZE;
  for (let start = 0; start < tiles.tileCount; start += batchSize) {
    const n = Math.min(batchSize, tiles.tileCount - start);
    tf.tidy(() => {
      const x = tf.tensor4d(tiles.pixels.subarray(start * tilePixels, (start + n) * tilePixels), [n, INPUT_SIZE, INPUT_SIZE, 1]);
      network.activations(x).forEach((activation, i) => {
        ranges[i].min = Math.min(ranges[i].min, tf.min(activation).dataSync()[0]);
        ranges[i].max = Math.max(ranges[i].max, tf.max(activation).dataSync()[0]);
      });
    });
  }
  return ranges;
}

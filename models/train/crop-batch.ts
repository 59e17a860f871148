/**
 * Smaller training crops for the early epochs: the network is fully
 * convolutional, so a 72x72 window of a 96x96 sample (aligned to the 8-px
 * cells, its targets the matching 9x9 cells) trains the same weights at
 * 56% of the arithmetic. Each window is placed to keep as many of the
 * sample's face cells as any window can (the face a sample was drawn around
 * may sit anywhere in it), and at random among those.
 */
import { CELL_SIZE, GRID_SIZE, INPUT_SIZE } from "./architecture.js";
import { type Batch, allocateBatch } from "../data/samples.js";
import type { Random } from "../data/random.js";

/** An empty batch of `size` samples of `side` pixels (a multiple of the 8-px cell, at most 96). */
export function allocateCroppedBatch(size: number, side: number): Batch {
  if (!(Number.isInteger(side / CELL_SIZE) && side >= CELL_SIZE && side <= INPUT_SIZE)) {
    throw new RangeError(`crop side ${side}: a multiple of ${CELL_SIZE} from ${CELL_SIZE} to ${INPUT_SIZE}`);
  }
  return allocateBatch(size, side);
}

/** Copies a window of each 96x96 sample of `from` into `into` (same size, smaller side). */
export function cropBatch(from: Batch, into: Batch, random: Random): void {
  const side = into.side;
  if (from.side !== INPUT_SIZE) throw new RangeError("cropBatch: the source batch must hold 96x96 samples");
  if (into.size !== from.size) throw new RangeError(`cropBatch: ${from.size} samples into room for ${into.size}`);
  const grid = side / CELL_SIZE;
  const positions = GRID_SIZE - grid + 1;
  const best: number[] = [];
  for (let s = 0; s < from.size; s++) {
    const fromCells = s * GRID_SIZE * GRID_SIZE;
    // Face cells kept by each window position (cells of rows/columns [o, o + grid)).
    let most = -1;
    best.length = 0;
    for (let oy = 0; oy < positions; oy++) {
      for (let ox = 0; ox < positions; ox++) {
        let faces = 0;
        for (let gy = oy; gy < oy + grid; gy++) {
          for (let gx = ox; gx < ox + grid; gx++) {
            const cell = fromCells + gy * GRID_SIZE + gx;
            if (from.classes[cell] !== 0 && from.weights[cell] > 0) faces++;
          }
        }
        if (faces > most) {
          most = faces;
          best.length = 0;
        }
        if (faces === most) best.push(oy * positions + ox);
      }
    }
    const chosen = best[random.int(best.length)];
    const ox = chosen % positions;
    const oy = Math.floor(chosen / positions);
    const fromPixels = s * INPUT_SIZE * INPUT_SIZE;
    for (let y = 0; y < side; y++) {
      const row = fromPixels + (oy * CELL_SIZE + y) * INPUT_SIZE + ox * CELL_SIZE;
      into.pixels.set(from.pixels.subarray(row, row + side), (s * side + y) * side);
    }
    for (let gy = 0; gy < grid; gy++) {
      const start = fromCells + (oy + gy) * GRID_SIZE + ox;
      const to = (s * grid + gy) * grid;
      into.classes.set(from.classes.subarray(start, start + grid), to);
      into.weights.set(from.weights.subarray(start, start + grid), to);
      into.sizes.set(from.sizes.subarray(start, start + grid), to);
      into.sizeWeights.set(from.sizeWeights.subarray(start, start + grid), to);
    }
  }
}

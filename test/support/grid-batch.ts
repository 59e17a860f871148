import { type LabelledPhoto, allocateBatch } from "../../models/data/samples.js";
import { Random } from "../../models/data/random.js";

/** A 96x96 batch whose pixels encode their own position, with face cells (gx, gy, class) where asked. */
export function batchWith(faces: readonly (readonly [number, number, number])[][]): ReturnType<typeof allocateBatch> {
  const batch = allocateBatch(faces.length);
  batch.pixels.forEach((_, i) => (batch.pixels[i] = i / batch.pixels.length));
  batch.weights.fill(1);
  faces.forEach((cells, s) =>
    cells.forEach(([gx, gy, cls]) => {
      batch.classes[s * 144 + gy * 12 + gx] = cls;
      batch.weights[s * 144 + gy * 12 + gx] = 10;
      batch.sizes[s * 144 + gy * 12 + gx] = 0.25;
      batch.sizeWeights[s * 144 + gy * 12 + gx] = 1;
    }),
  );
  return batch;
}

/** A 320x240 photo of mid-gray noise with one masked face box, for short training runs. */
export function noisyPhotoWithOneFace(): LabelledPhoto {
  const random = new Random(7);
  const width = 320;
  const height = 240;
  const pixels = Uint8Array.from({ length: width * height }, () => 90 + random.int(60));
  return { name: "synthetic", image: { width, height, pixels }, faces: [{ x0: 60, y0: 50, x1: 90, y1: 85, cls: "mask" }] };
}

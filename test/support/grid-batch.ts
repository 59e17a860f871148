import { allocateBatch } from "../../models/data/samples.js";

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

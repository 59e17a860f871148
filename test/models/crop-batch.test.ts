import { strict as assert } from "node:assert";
import { useWasmBackend } from "../../models/train/backend.js";
import { MASK_FOMO_TINY } from "../../models/train/architecture.js";
import { allocateCroppedBatch, cropBatch } from "../../models/train/crop-batch.js";
import { partGradients } from "../../models/train/gradients.js";
import { GradientPool } from "../../models/train/gradient-pool.js";
import { Network } from "../../models/train/network.js";
import { train } from "../../models/train/trainer.js";
import { PLAIN_CROSS_ENTROPY, lossDenominators } from "../../models/train/validation.js";
import { DEFAULT_SAMPLE_OPTIONS, MASK, NO_MASK } from "../../models/data/samples.js";
import { Random } from "../../models/data/random.js";
import { batchWith, noisyPhotoWithOneFace } from "../support/grid-batch.js";

describe("models/train: smaller training crops", () => {
  before(async () => {
    await useWasmBackend();
  });

  it("keeps a face in a corner, with its pixels and targets in the window's own layout", () => {
    const from = batchWith([[[11, 11, NO_MASK]], [[0, 0, MASK]]]);
    const into = allocateCroppedBatch(2, 72);
    for (let seed = 1; seed <= 5; seed++) {
      cropBatch(from, into, new Random(seed));
      // A 9x9 window holding cell (11, 11) starts at cell (3, 3); one holding (0, 0) at (0, 0).
      assert.equal(into.classes[8 * 9 + 8], NO_MASK);
      assert.equal(into.weights[8 * 9 + 8], 10);
      assert.equal(into.sizes[8 * 9 + 8], 0.25);
      assert.equal(into.classes[81], MASK);
      assert.equal(into.pixels[0], from.pixels[24 * 96 + 24]);
      assert.equal(into.pixels[71 * 72 + 71], from.pixels[95 * 96 + 95]);
      assert.equal(into.pixels[72 * 72], from.pixels[96 * 96]);
      assert.equal(into.pixels[72 * 72 + 71 * 72 + 71], from.pixels[96 * 96 + 71 * 96 + 71]);
    }
  });

  it("keeps as many face cells as a window can, and places windows without faces at random", () => {
    const from = batchWith([[[0, 0, MASK], [1, 1, MASK], [11, 11, MASK]], []]);
    const into = allocateCroppedBatch(2, 64);
    const firstPixels = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      cropBatch(from, into, new Random(seed));
      let faces = 0;
      for (let c = 0; c < 64; c++) if (into.classes[c] !== 0) faces++;
      assert.equal(faces, 2, "the two neighbouring faces, not the lone one");
      firstPixels.add(into.pixels[64 * 64]);
    }
    assert.ok(firstPixels.size > 5, `an empty sample's window moves: ${firstPixels.size} places in 20 draws`);
  });

  it("rejects sides off the 8-px cells or larger than a tile", () => {
    assert.throws(() => allocateCroppedBatch(1, 70), /crop side 70/);
    assert.throws(() => allocateCroppedBatch(1, 104), /crop side 104/);
  });

  it("computes the same gradients on cropped samples in the gradient workers as in one thread", async () => {
    const network = Network.create(MASK_FOMO_TINY, 5, [0.9, 0.05, 0.05]);
    const from = batchWith([[[3, 4, MASK]], [[8, 2, NO_MASK]], [], [[6, 6, MASK]]]);
    const cropped = allocateCroppedBatch(4, 64);
    cropBatch(from, cropped, new Random(2));
    const denominators = lossDenominators(cropped, 0, 4, 8);
    const alone = partGradients(network, cropped, 0, 4, denominators, PLAIN_CROSS_ENTROPY);
    const pool = new GradientPool(2, MASK_FOMO_TINY, PLAIN_CROSS_ENTROPY);
    try {
      const pooled = await pool.gradients(network, cropped, denominators);
      assert.ok(Math.abs(pooled.loss - alone.loss) < 1e-5, `loss ${pooled.loss} vs ${alone.loss}`);
      pooled.gradients.forEach((g, i) => g.forEach((v, j) => assert.ok(Math.abs(v - alone.gradients[i][j]) < 1e-5, `variable ${i}[${j}]`)));
      assert.ok(alone.gradients.some((g) => g.some((v) => v !== 0)));
    } finally {
      await pool.close();
      network.dispose();
    }
  });

  it("trains with crops for the scheduled epochs reproducibly, and a schedule of 0 epochs trains exactly as none", async () => {
    const photo = noisyPhotoWithOneFace();
    const options = { architecture: MASK_FOMO_TINY, epochs: 2, stepsPerEpoch: 3, batchSize: 4, learningRate: 0.003, seed: 11, samples: DEFAULT_SAMPLE_OPTIONS };
    const weightsOf = async (crop?: { side: number; epochs: number }): Promise<string> => {
      const losses: number[] = [];
      const network = await train([photo], null, crop ? { ...options, crop } : options, { onEpoch: (record) => losses.push(record.trainLoss) });
      assert.equal(losses.length, 2);
      assert.ok(losses.every(Number.isFinite));
      const weights = JSON.stringify(network.weights());
      network.dispose();
      return weights;
    };
    const whole = await weightsOf();
    const cropped = await weightsOf({ side: 64, epochs: 1 });
    assert.equal(await weightsOf({ side: 64, epochs: 0 }), whole);
    assert.equal(await weightsOf({ side: 64, epochs: 1 }), cropped, "reproducible");
    assert.notEqual(cropped, whole, "crops change the run");
  });
});

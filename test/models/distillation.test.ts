import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { useWasmBackend } from "../../models/train/backend.js";
import { MASK_FOMO_TINY, architectureFrom } from "../../models/train/architecture.js";
import { distillationLoss, teacherFor } from "../../models/train/distillation.js";
import { type PartGradients, partGradients } from "../../models/train/gradients.js";
import { GradientPool } from "../../models/train/gradient-pool.js";
import { Network } from "../../models/train/network.js";
import { train } from "../../models/train/trainer.js";
import { PLAIN_CROSS_ENTROPY, lossDenominators } from "../../models/train/validation.js";
import { DEFAULT_SAMPLE_OPTIONS, MASK, NO_MASK } from "../../models/data/samples.js";
import { batchWith, noisyPhotoWithOneFace } from "../support/grid-batch.js";

const softmax = (logits: readonly number[], t: number): number[] => {
  const e = logits.map((z) => Math.exp(z / t));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

/** A different network with the student's 12x12x3 class grid. */
const OTHER = architectureFrom("c6k3s2 d3s2 c8 d3s2 c12");

function assertClose(a: PartGradients, b: PartGradients, what: string): void {
  assert.ok(Math.abs(a.loss - b.loss) < 1e-5, `${what}: loss ${a.loss} vs ${b.loss}`);
  a.gradients.forEach((g, i) => g.forEach((v, j) => assert.ok(Math.abs(v - b.gradients[i][j]) < 1e-5, `${what}: variable ${i}[${j}] ${v} vs ${b.gradients[i][j]}`)));
}

describe("models/train: distillation from a teacher", () => {
  before(async () => {
    await useWasmBackend();
  });

  it("is T^2 x weight x the cell-weighted KL divergence, normalised like the class loss", () => {
    const student = [0.3, -0.2, 0.5];
    const teacher = [1.2, 0.1, -0.4];
    for (const t of [1, 2, 4]) {
      const p = softmax(teacher, t);
      const q = softmax(student, t);
      const kl = p.reduce((sum, pi, c) => sum + pi * Math.log(pi / q[c]), 0);
      // Two cells: the second a copy of the teacher (no divergence); weights 10 and 3, denominator 5.
      const value = tf.tidy(() => {
        const logits = tf.tensor4d([...student, ...teacher], [1, 1, 2, 3]);
        const teacherLogProbs = tf.logSoftmax(tf.div(tf.tensor4d([...teacher, ...teacher], [1, 1, 2, 3]), t)) as tf.Tensor4D;
        return distillationLoss(logits, teacherLogProbs, tf.tensor3d([10, 3], [1, 1, 2]), 5, 1.5, t).dataSync()[0];
      });
      const expected = (1.5 * t * t * 10 * kl) / 5;
      assert.ok(kl > 0.01);
      assert.ok(Math.abs(value - expected) < 1e-5 * expected, `T ${t}: ${value} vs ${expected}`);
    }
  });

  it("changes nothing when the teacher is the student itself (no divergence, no gradient)", () => {
    const network = Network.create(MASK_FOMO_TINY, 5, [0.9, 0.05, 0.05]);
    const batch = batchWith([[[3, 4, MASK]], [[8, 2, NO_MASK]], []]);
    const denominators = lossDenominators(batch, 0, 3);
    const teacher = teacherFor({ teacher: network.weights(), weight: 2, temperature: 3 }, network);
    try {
      const plain = partGradients(network, batch, 0, 3, denominators, PLAIN_CROSS_ENTROPY);
      assertClose(partGradients(network, batch, 0, 3, denominators, PLAIN_CROSS_ENTROPY, teacher), plain, "self-distilled");
      assert.ok(plain.gradients.some((g) => g.some((v) => v !== 0)));
    } finally {
      teacher.network.dispose();
      network.dispose();
    }
  });

  it("adds a positive term and moves the gradients with another teacher, the same in the gradient workers as in one thread", async () => {
    const network = Network.create(MASK_FOMO_TINY, 5, [0.9, 0.05, 0.05]);
    const other = Network.create(OTHER, 9, [0.5, 0.3, 0.2]);
    const distillation = { teacher: other.weights(), weight: 1, temperature: 2 };
    const teacher = teacherFor(distillation, network);
    const batch = batchWith([[[3, 4, MASK]], [[8, 2, NO_MASK]], [], [[6, 6, MASK]]]);
    const denominators = lossDenominators(batch, 0, 4);
    const pool = new GradientPool(2, MASK_FOMO_TINY, PLAIN_CROSS_ENTROPY, distillation);
    try {
      const plain = partGradients(network, batch, 0, 4, denominators, PLAIN_CROSS_ENTROPY);
      const distilled = partGradients(network, batch, 0, 4, denominators, PLAIN_CROSS_ENTROPY, teacher);
      assert.ok(distilled.loss > plain.loss + 1e-3, `${distilled.loss} vs ${plain.loss}`);
      assert.ok(distilled.gradients.some((g, i) => g.some((v, j) => Math.abs(v - plain.gradients[i][j]) > 1e-4)));
      assertClose(await pool.gradients(network, batch, denominators), distilled, "pooled, first step");
      // The workers keep the teacher they were sent with the first step.
      assertClose(await pool.gradients(network, batch, denominators), distilled, "pooled, second step");
    } finally {
      await pool.close();
      teacher.network.dispose();
      other.dispose();
      network.dispose();
    }
  });

  it("refuses a teacher with other classes, or a weight or temperature that is not positive", () => {
    const network = Network.create(MASK_FOMO_TINY, 5, [0.9, 0.05, 0.05]);
    const twoClasses = Network.create({ ...OTHER, classes: 2 }, 9, [0.5, 0.5]);
    try {
      assert.throws(() => teacherFor({ teacher: twoClasses.weights(), weight: 1, temperature: 2 }, network), /teacher's class grid is 12x12x2, the student's 12x12x3/);
      assert.throws(() => teacherFor({ teacher: network.weights(), weight: 0, temperature: 2 }, network), /must be positive, got 0 and 2/);
      assert.throws(() => teacherFor({ teacher: network.weights(), weight: 1, temperature: -1 }, network), /must be positive, got 1 and -1/);
    } finally {
      twoClasses.dispose();
      network.dispose();
    }
  });

  it("trains reproducibly with a teacher, and differently from without one", async () => {
    const photo = noisyPhotoWithOneFace();
    const options = { architecture: MASK_FOMO_TINY, epochs: 1, stepsPerEpoch: 3, batchSize: 4, learningRate: 0.003, seed: 11, samples: DEFAULT_SAMPLE_OPTIONS };
    const other = Network.create(OTHER, 9, [0.5, 0.3, 0.2]);
    const distillation = { teacher: other.weights(), weight: 1, temperature: 2 };
    other.dispose();
    const weightsOf = async (withTeacher: boolean): Promise<string> => {
      const network = await train([photo], null, withTeacher ? { ...options, distillation } : options);
      const weights = JSON.stringify(network.weights());
      network.dispose();
      return weights;
    };
    const distilled = await weightsOf(true);
    assert.equal(await weightsOf(true), distilled, "reproducible");
    assert.notEqual(await weightsOf(false), distilled, "the teacher changes the run");
  });
});

import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { useWasmBackend } from "../../models/train/backend.js";
import { type LossOptions, PLAIN_CROSS_ENTROPY, targetTensors, weightedLoss } from "../../models/train/validation.js";
import { Random } from "../../models/data/random.js";

const CELLS = 2 * 12 * 12;

/** Random logits and targets for two tiles: some mask and no_mask cells, some "don't care" (weight 0). */
function randomCase(seed: number): { logits: number[]; classes: Int32Array; weights: Float32Array } {
  const random = new Random(seed);
  const logits = Array.from({ length: CELLS * 3 }, () => random.uniform(-4, 4));
  const classes = Int32Array.from({ length: CELLS }, (_, i) => (i % 7 === 0 ? 1 : i % 11 === 0 ? 2 : 0));
  const weights = Float32Array.from(classes, (c, i) => (c === 1 ? 10 : c === 2 ? 15 : i % 5 === 0 ? 0 : 1));
  return { logits, classes, weights };
}

/** The two tiles' target tensors, without size targets. */
function targetsOf(classes: Int32Array, weights: Float32Array): ReturnType<typeof targetTensors> {
  return targetTensors({ classes, weights, sizes: new Float32Array(CELLS), sizeWeights: new Float32Array(CELLS) }, 0, 2);
}

function lossOf(logits: readonly number[], classes: Int32Array, weights: Float32Array, options: LossOptions): number {
  return tf.tidy(() => weightedLoss({ logits: tf.tensor4d(logits as number[], [2, 12, 12, 3]), sizes: null }, targetsOf(classes, weights), options).dataSync()[0]);
}

/** The weighted mean 3-class cross-entropy, written out cell by cell. */
function plainCrossEntropy(logits: readonly number[], classes: Int32Array, weights: Float32Array): number {
  let sum = 0;
  let weightSum = 0;
  for (let cell = 0; cell < CELLS; cell++) {
    const z = logits.slice(cell * 3, cell * 3 + 3);
    const logNorm = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
    sum += weights[cell] * (logNorm - z[classes[cell]]);
    weightSum += weights[cell];
  }
  return sum / weightSum;
}

describe("models/train: the class loss", () => {
  before(async () => {
    await useWasmBackend();
  });

  it("is the plain weighted 3-class cross-entropy by default", () => {
    const { logits, classes, weights } = randomCase(1);
    const expected = plainCrossEntropy(logits, classes, weights);
    assert.ok(Math.abs(lossOf(logits, classes, weights, PLAIN_CROSS_ENTROPY) - expected) < 1e-5 * expected);
  });

  it("by default computes exactly the ops the shipped model was trained with: gradients bit-identical to -log softmax[class]", () => {
    const { logits, classes, weights } = randomCase(4);
    const denominators = { classes: 123.5, sizes: 1 };
    const [expected, actual] = tf.tidy(() => {
      const x = tf.tensor4d(logits, [2, 12, 12, 3]);
      const targets = targetsOf(classes, weights);
      const written = (l: tf.Tensor): tf.Tensor => {
        const oneHot = tf.reshape(tf.oneHot(tf.reshape(targets.classes, [-1]) as tf.Tensor1D, 3), l.shape);
        const crossEntropy = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(l)), -1));
        return tf.div(tf.sum(tf.mul(crossEntropy, targets.weights)), denominators.classes);
      };
      const byLoss = (l: tf.Tensor): tf.Tensor => weightedLoss({ logits: l as tf.Tensor4D, sizes: null }, targets, undefined, denominators);
      return [tf.grad(written)(x).dataSync(), tf.grad(byLoss)(x).dataSync()];
    });
    assert.deepEqual(Array.from(actual), Array.from(expected));
  });

  it("with class weight 0, sees only P(face) on face cells: moving probability between mask and no_mask changes nothing", () => {
    const { logits, classes, weights } = randomCase(2);
    const moved = [...logits];
    for (let cell = 0; cell < CELLS; cell++) {
      // Same log-sum-exp of the two face logits, split differently.
      const total = Math.log(Math.exp(logits[cell * 3 + 1]) + Math.exp(logits[cell * 3 + 2]));
      moved[cell * 3 + 1] = total + Math.log(0.9);
      moved[cell * 3 + 2] = total + Math.log(0.1);
    }
    const options = { focalGamma: 0, classWeight: 0 };
    const before = lossOf(logits, classes, weights, options);
    assert.ok(Math.abs(lossOf(moved, classes, weights, options) - before) < 1e-5 * before);
    assert.notEqual(lossOf(moved, classes, weights, PLAIN_CROSS_ENTROPY).toFixed(4), lossOf(logits, classes, weights, PLAIN_CROSS_ENTROPY).toFixed(4));
  });

  it("adds the mask / no_mask term in proportion to the class weight", () => {
    const { logits, classes, weights } = randomCase(3);
    const at = (classWeight: number): number => lossOf(logits, classes, weights, { focalGamma: 0, classWeight });
    const [zero, half, one] = [at(0), at(0.5), at(1)];
    assert.ok(one > zero, "the class term is positive where the mask / no_mask split is not certain");
    assert.ok(Math.abs(half - (zero + one) / 2) < 1e-5 * one);
  });

  it("with a focal exponent, counts a confidently right background cell less than a doubtful one", () => {
    const classes = new Int32Array(CELLS);
    const weights = new Float32Array(CELLS).fill(1);
    const logitsAt = (background: number): number[] => Array.from({ length: CELLS * 3 }, (_, i) => (i % 3 === 0 ? background : 0));
    const focal = { focalGamma: 2, classWeight: 1 };
    const confident = lossOf(logitsAt(4), classes, weights, focal) / lossOf(logitsAt(4), classes, weights, PLAIN_CROSS_ENTROPY);
    const doubtful = lossOf(logitsAt(0), classes, weights, focal) / lossOf(logitsAt(0), classes, weights, PLAIN_CROSS_ENTROPY);
    assert.ok(confident < doubtful, `${confident} < ${doubtful}`);
    assert.ok(confident < 0.01);
  });
});

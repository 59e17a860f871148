/**
 * One training step's gradients on a part of a batch, the same code in the
 * main thread and in the gradient workers (models/train/gradient-worker.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { CELL_SIZE } from "./architecture.js";
import type { Network } from "./network.js";
import { type Teacher, distillationLoss, teacherLogProbs } from "./distillation.js";
import { type LossDenominators, type LossOptions, targetTensors, weightedLoss } from "./validation.js";
import type { Batch } from "../data/samples.js";

/** Gradients in the order of Network.variables, and the part's loss (a share of the whole batch's). */
export interface PartGradients {
  readonly loss: number;
  readonly gradients: Float32Array[];
}

/**
 * Gradients of samples [start, start + n) of `batch`, the loss divided by the
 * whole batch's denominators; with a teacher, the loss adds its distillation term.
 */
export function partGradients(
  network: Network,
  batch: Batch,
  start: number,
  n: number,
  denominators: LossDenominators,
  lossOptions: LossOptions,
  teacher?: Teacher,
): PartGradients {
  const side = batch.side;
  const tile = side * side;
  const variables = network.variables;
  // Tensors out of tidy, data read after: tidy walks every element of a typed array it returns.
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor4d(batch.pixels.subarray(start * tile, (start + n) * tile), [n, side, side, 1]);
    const targets = targetTensors(batch, start, n, side / CELL_SIZE);
    const soft = teacher ? teacherLogProbs(teacher, x) : null;
    return tf.variableGrads(() => {
      const heads = network.heads(x);
      const loss = weightedLoss(heads, targets, lossOptions, denominators);
      if (!teacher || !soft) return loss;
      return tf.add(loss, distillationLoss(heads.logits, soft, targets.weights, denominators.classes, teacher.weight, teacher.temperature)) as tf.Scalar;
    }, variables);
  });
  const loss = value.dataSync()[0];
  const gradients = variables.map((v) => grads[v.name].dataSync() as Float32Array);
  value.dispose();
  tf.dispose(Object.values(grads));
  return { loss, gradients };
}

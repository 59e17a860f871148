/** The training loop: random augmented crops, weighted cross-entropy, Adam with warm-up and cosine decay. */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "./architecture.js";
import { Network } from "./network.js";
import { type LabelledPhoto, type SampleOptions, SamplePicker, allocateBatch } from "../data/samples.js";
import { Random } from "../data/random.js";
import { type LossOptions, type ValidationResult, type ValidationSet, lossDenominators, validate } from "./validation.js";
import { GradientPool } from "./gradient-pool.js";
import { type PartGradients, partGradients } from "./gradients.js";
import { type MiningOptions, mineHardNegatives } from "./hard-negatives.js";
import { CELL_SIZE } from "./architecture.js";
import { allocateCroppedBatch, cropBatch } from "./crop-batch.js";
import { type Distillation, checkTeacher, teacherFor } from "./distillation.js";

export interface TrainOptions {
  readonly architecture: Architecture;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly samples: SampleOptions;
  /** Hard negative mining; none when absent. */
  readonly mining?: MiningOptions;
  /** Focal loss exponent on the face-or-background term (0 or absent: plain weighted cross-entropy). */
  readonly focalGamma?: number;
  /** Weight of the mask / no_mask term beside the face-or-background term (1 or absent: plain 3-class cross-entropy); see weightedLoss. */
  readonly classWeight?: number;
  /** Worker threads computing each batch's gradients in parts (1 or absent: the main thread alone). */
  readonly workers?: number;
  /**
   * Exponential moving average of the weights with this decay per step (0 or
   * absent: none): validation, mining and the returned network then use the
   * average.
   */
  readonly emaDecay?: number;
  /**
   * Smaller crops for the first epochs (see crop-batch.ts): `side` px
   * windows of each sample for epochs 1..`epochs`, whole 96x96 samples after.
   * Absent or 0 epochs: whole samples throughout.
   */
  readonly crop?: CropSchedule;
  /** Distillation from a trained teacher (see distillation.ts); none when absent. */
  readonly distillation?: Distillation;
}

export interface CropSchedule {
  readonly side: number;
  readonly epochs: number;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validation: ValidationResult | null;
  readonly seconds: number;
  /** Hard negatives the epoch's samples were drawn from (0 before mining starts). */
  readonly hardNegatives: number;
}

/** Adam whose learning rate can be changed between steps. */
class ScheduledAdam extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999, 1e-7);
  }
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}

/** Linear warm-up over the first 3% of steps, then cosine decay to 2% of the peak. */
export function learningRateAt(step: number, totalSteps: number, peak: number): number {
  const warmup = Math.max(1, Math.round(totalSteps * 0.03));
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const progress = (step - warmup) / Math.max(1, totalSteps - warmup);
  return peak * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** Background / mask / no_mask shares of cells, to start the head's bias at the prior. */
export function headPrior(picker: SamplePicker, seed: number): number[] {
  const random = new Random(seed ^ 0x5eed);
  const batch = allocateBatch(64);
  picker.fill(random, batch);
  const counts = [1, 1, 1];
  for (const c of batch.classes) counts[c]++;
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => c / total);
}

export interface TrainHooks {
  onStep?(step: number, totalSteps: number, loss: number | null): void;
  onEpoch?(record: EpochRecord, network: Network): void;
}

/** Lets timers (the progress bar's redraws) run between steps. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function train(
  photos: readonly LabelledPhoto[],
  validation: ValidationSet | null,
  options: TrainOptions,
  hooks: TrainHooks = {},
  initial?: Network,
): Promise<Network> {
  if (photos.length === 0) throw new Error("train: no training photos");
  const random = new Random(options.seed);
  const picker = new SamplePicker(photos, options.samples);
  const network = initial ?? Network.create(options.architecture, options.seed, headPrior(picker, options.seed));
  const optimizer = new ScheduledAdam(options.learningRate);
  const batch = allocateBatch(options.batchSize);
  const cropping = options.crop && options.crop.epochs > 0 ? { epochs: options.crop.epochs, batch: allocateCroppedBatch(options.batchSize, options.crop.side) } : null;
  // Its own stream, so runs without crops draw exactly what they drew before.
  const cropRandom = new Random(options.seed ^ 0x63726f70);
  const totalSteps = options.epochs * options.stepsPerEpoch;
  let step = 0;
  const miningRandom = new Random(options.seed ^ 0x6d696e65);
  let hardNegatives = 0;
  const lossOptions: LossOptions = { focalGamma: options.focalGamma ?? 0, classWeight: options.classWeight ?? 1 };
  // Checked before the pool starts, so that a teacher that does not fit fails at once; a pool's workers build their own.
  if (options.distillation) checkTeacher(options.distillation, network.shapes);
  const teacher = options.distillation && (options.workers ?? 1) <= 1 ? teacherFor(options.distillation, network) : undefined;
  const pool = (options.workers ?? 1) > 1 ? new GradientPool(options.workers ?? 1, network.architecture, lossOptions, options.distillation) : null;
  const emaDecay = options.emaDecay ?? 0;
  const average = emaDecay > 0 ? Network.fromWeights(network.weights()) : null;
  /** The network that is validated, mines and is kept: the average when there is one. */
  const kept = average ?? network;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const started = Date.now();
      const mining = options.mining;
      if (mining && mining.share > 0 && epoch >= mining.fromEpoch) {
        const found = mineHardNegatives(kept, photos, options.samples.scaleRange, mining, miningRandom);
        picker.setHardNegatives(found, mining.share);
        hardNegatives = found.length;
      }
      let lossSum = 0;
      let filled = false;
      for (let i = 0; i < options.stepsPerEpoch; i++, step++) {
        if (!filled) picker.fill(random, batch);
        let stepBatch = batch;
        if (cropping && epoch <= cropping.epochs) {
          cropBatch(batch, cropping.batch, cropRandom);
          stepBatch = cropping.batch;
        }
        const denominators = lossDenominators(stepBatch, 0, stepBatch.size, stepBatch.side / CELL_SIZE);
        let result: PartGradients;
        if (pool) {
          const pending = pool.gradients(network, stepBatch, denominators);
          // The pool has copied the batch: draw the next one while the workers compute (same order of draws).
          filled = i + 1 < options.stepsPerEpoch;
          if (filled) picker.fill(random, batch);
          result = await pending;
        } else {
          result = partGradients(network, stepBatch, 0, stepBatch.size, denominators, lossOptions, teacher);
        }
        const loss = result.loss;
        if (!Number.isFinite(loss)) throw new Error(`train: loss became ${loss} at step ${step}`);
        optimizer.setLearningRate(learningRateAt(step, totalSteps, options.learningRate));
        tf.tidy(() => optimizer.applyGradients(network.variables.map((v, k) => ({ name: v.name, tensor: tf.tensor(result.gradients[k], v.shape) }))));
        if (average) {
          // Warm-up of the decay, so the average forgets the random start.
          const decay = Math.min(emaDecay, (1 + step) / (10 + step));
          tf.tidy(() => average.variables.forEach((v, k) => v.assign(tf.add(tf.mul(v, decay), tf.mul(network.variables[k], 1 - decay)))));
        }
        lossSum += loss;
        hooks.onStep?.(step + 1, totalSteps, loss);
        if (!pool) await yieldToEventLoop();
      }
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / options.stepsPerEpoch,
        validation: validation ? validate(kept, validation) : null,
        seconds: (Date.now() - started) / 1000,
        hardNegatives,
      };
      hooks.onEpoch?.(record, kept);
    }
  } finally {
    await pool?.close();
    teacher?.network.dispose();
    optimizer.dispose();
  }
  if (average) network.dispose();
  return kept;
}

/** The training loop: random augmented crops, weighted cross-entropy, Adam with warm-up and cosine decay. */
import * as tf from "@tensorflow/tfjs";
import { INPUT_SIZE, type Architecture } from "./architecture.js";
import { Network } from "./network.js";
import { type LabelledPhoto, type SampleOptions, SamplePicker, allocateBatch } from "../data/samples.js";
import { Random } from "../data/random.js";
import { type ValidationResult, type ValidationSet, targetTensors, validate, weightedLoss } from "./validation.js";

export interface TrainOptions {
  readonly architecture: Architecture;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly samples: SampleOptions;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validation: ValidationResult | null;
  readonly seconds: number;
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
  const totalSteps = options.epochs * options.stepsPerEpoch;
  let step = 0;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const started = Date.now();
    let lossSum = 0;
    for (let i = 0; i < options.stepsPerEpoch; i++, step++) {
      picker.fill(random, batch);
      optimizer.setLearningRate(learningRateAt(step, totalSteps, options.learningRate));
      // Reading the loss back forces a sync; every step is fine at this size.
      const loss = tf.tidy(() => {
        const x = tf.tensor4d(batch.pixels, [batch.size, INPUT_SIZE, INPUT_SIZE, 1]);
        const targets = targetTensors(batch, 0, batch.size);
        const value = optimizer.minimize(() => weightedLoss(network.heads(x), targets), true, network.variables);
        return value ? value.dataSync()[0] : NaN;
      });
      if (!Number.isFinite(loss)) throw new Error(`train: loss became ${loss} at step ${step}`);
      lossSum += loss;
      hooks.onStep?.(step + 1, totalSteps, loss);
      await yieldToEventLoop();
    }
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / options.stepsPerEpoch,
      validation: validation ? validate(network, validation) : null,
      seconds: (Date.now() - started) / 1000,
    };
    hooks.onEpoch?.(record, network);
  }
  optimizer.dispose();
  return network;
}

/**
 * Trains the mask model in float on the wasm backend and writes the weights.
 *   npm run train -- [--arch mask-fomo] [--epochs 25] [--steps 400] [--batch 32] [--lr 0.003]
 *                    [--seed 1] [--out .data/train] [--data ../shared/data/face-mask]
 *                    [--train-photos N] [--val-photos N] [--init FLOAT_MODEL.json]
 *                    [--mine-share 0.25] [--mine-from 4] [--mine-threshold 0.5]
 *                    [--weights MASK,NO_MASK] [--scales LO,HI] [--face-share X] [--focal GAMMA] [--class-weight W] [--workers N] [--ema DECAY]
 *                    [--mosaic SHARE] [--mosaic-widths LO,HI] [--crop SIDE,EPOCHS]
 *                    [--teacher FLOAT_MODEL_JSON [--distill WEIGHT,TEMPERATURE]] [--with-validation]
 * Writes OUT/float-model.json (the epoch with the best validation face F1),
 * OUT/last-model.json, OUT/train-log.json and OUT/curves.png.
 * --with-validation trains on the training and validation photos together,
 * for a final model whose settings were chosen on a run without them: nothing
 * is validated, and float-model.json is the last epoch.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import cliProgress from "cli-progress";
import { architectureFrom, totalMacs } from "../train/architecture.js";
import { useWasmBackend } from "../train/backend.js";
import { renderCurves } from "../train/curves.js";
import { Network, floatModelFromJson, floatModelToJson } from "../train/network.js";
import { type CropSchedule, type EpochRecord, train } from "../train/trainer.js";
import { DEFAULT_MINING_OPTIONS, type MiningOptions } from "../train/hard-negatives.js";
import { buildValidationSet } from "../train/validation.js";
import { SHARED_DATA_DIR } from "../data/dataset.js";
import { loadPhotos } from "../data/photos.js";
import { DEFAULT_SAMPLE_OPTIONS, type SampleOptions } from "../data/samples.js";
import { readSplit } from "../data/split-file.js";
import { Args, isMain, runMain } from "./args.js";

const USAGE =
  "usage: npm run train -- [--arch NAME] [--epochs N] [--steps N] [--batch N] [--lr X] [--seed N] [--out DIR] " +
  "[--data DIR] [--train-photos N] [--val-photos N] [--init FILE] [--mine-share X] [--mine-from EPOCH] [--mine-threshold P] " +
  "[--weights MASK,NO_MASK] [--scales LO,HI] [--face-share X] [--focal GAMMA] [--class-weight W] [--workers N] [--ema DECAY] " +
  "[--mosaic SHARE] [--mosaic-widths LO,HI] [--crop SIDE,EPOCHS] [--teacher FLOAT_MODEL_JSON [--distill WEIGHT,TEMPERATURE]] [--with-validation]";

/** Best validation face F1 over the thresholds tried, with its threshold. */
export function bestF1(record: EpochRecord): { f1: number; threshold: number } {
  let best = { f1: -1, threshold: NaN };
  for (const { threshold, metrics } of record.validation?.byThreshold ?? []) {
    if (metrics.face.f1 > best.f1) best = { f1: metrics.face.f1, threshold };
  }
  return best;
}

export function curvesPng(log: readonly EpochRecord[]): Buffer {
  const epochs = log.map((r) => r.epoch);
  const pick = (f: (r: EpochRecord) => number): [number, number][] => log.map((r, i) => [epochs[i], f(r)]);
  const atBest = (f: (m: NonNullable<EpochRecord["validation"]>["byThreshold"][number]["metrics"]) => number) =>
    pick((r) => {
      const { threshold } = bestF1(r);
      const entry = r.validation?.byThreshold.find((e) => e.threshold === threshold);
      return entry ? f(entry.metrics) : NaN;
    });
  const train = { label: "TRAIN", color: [31, 119, 180] as const, points: pick((r) => r.trainLoss) };
  // A run on the validation photos (--with-validation) has only its training loss to draw.
  if (log.every((r) => r.validation === null)) return renderCurves([{ title: "LOSS", series: [train] }]);
  return renderCurves([
    {
      title: "LOSS",
      series: [train, { label: "VALIDATION", color: [214, 39, 40], points: pick((r) => r.validation?.loss ?? NaN) }],
    },
    {
      title: "VALIDATION",
      yRange: [0, 1],
      series: [
        { label: "FACE F1", color: [44, 160, 44], points: atBest((m) => m.face.f1) },
        { label: "MASK ACC", color: [148, 103, 189], points: atBest((m) => m.maskAccuracy) },
        { label: "SHARE ERR/100", color: [255, 127, 14], points: atBest((m) => m.maskedShareError / 100) },
      ],
    },
  ]);
}

export interface TrainCommandOptions {
  readonly arch: string;
  readonly epochs: number;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  readonly out: string;
  readonly dataDir: string;
  readonly trainPhotos?: number;
  readonly valPhotos?: number;
  /** Train on the validation photos too (no validation; the last epoch is kept). */
  readonly withValidation?: boolean;
  readonly init?: string;
  /** Hard negative mining (see models/train/hard-negatives.ts); none when absent. */
  readonly mining?: MiningOptions;
  /** How samples are drawn; DEFAULT_SAMPLE_OPTIONS when absent. */
  readonly samples?: SampleOptions;
  readonly focalGamma?: number;
  /** Weight of the mask / no_mask term of the class loss (1: plain cross-entropy); see weightedLoss. */
  readonly classWeight?: number;
  /** Gradient worker threads (1: the main thread alone). */
  readonly workers?: number;
  /** Weight averaging decay per step (0: none). */
  readonly emaDecay?: number;
  /** SIDE-px crops of each sample for the first EPOCHS epochs (none when absent). */
  readonly crop?: CropSchedule;
  /** Distil from this teacher (a `train` output's float-model.json); none when absent. */
  readonly teacher?: { readonly path: string; readonly weight: number; readonly temperature: number };
  /** Print the progress bar and per-epoch lines (default true). */
  readonly verbose?: boolean;
}

/** Trains and writes OUT/float-model.json and friends; returns the best validation face F1 (-1 without validation). */
export async function trainModel(o: TrainCommandOptions): Promise<number> {
  const architecture = architectureFrom(o.arch);
  const verbose = o.verbose ?? true;
  const say = (line: string): void => {
    if (verbose) console.log(line);
  };
  const split = readSplit();
  const valNames = split.validation.slice(0, o.valPhotos ?? split.validation.length);
  const trainNames = [...split.train.slice(0, o.trainPhotos ?? split.train.length), ...(o.withValidation ? valNames : [])];
  mkdirSync(o.out, { recursive: true });

  await useWasmBackend();
  const loadStart = Date.now();
  const trainPhotos = loadPhotos(o.dataDir, trainNames);
  const valPhotos = o.withValidation ? [] : loadPhotos(o.dataDir, valNames);
  const validation = valPhotos.length > 0 ? buildValidationSet(valPhotos) : null;
  const options = {
    architecture,
    epochs: o.epochs,
    stepsPerEpoch: o.steps,
    batchSize: o.batch,
    learningRate: o.lr,
    seed: o.seed,
    samples: o.samples ?? DEFAULT_SAMPLE_OPTIONS,
    mining: o.mining,
    focalGamma: o.focalGamma ?? 0,
    classWeight: o.classWeight ?? 1,
    workers: o.workers ?? 1,
    emaDecay: o.emaDecay ?? 0,
    ...(o.crop && o.crop.epochs > 0 ? { crop: o.crop } : {}),
    ...(o.teacher
      ? { distillation: { teacher: floatModelFromJson(readFileSync(o.teacher.path, "utf8"), o.teacher.path), weight: o.teacher.weight, temperature: o.teacher.temperature } }
      : {}),
  };
  // The log names the teacher's file, not its weights.
  const logged = {
    ...options,
    architecture: architecture.name,
    distillation: o.teacher,
    trainingPhotos: trainPhotos.length,
    ...(o.withValidation ? { withValidation: true } : {}),
  };
  say(
    `${architecture.name}: ${totalMacs(architecture).toLocaleString("en-US")} MACs; ${trainPhotos.length} training photos, ` +
      `${valPhotos.length} validation photos (${validation?.tileCount ?? 0} tiles); loaded in ${((Date.now() - loadStart) / 1000).toFixed(1)} s; ` +
      `${options.epochs} epochs x ${options.stepsPerEpoch} steps x ${options.batchSize}`,
  );
  const initial = o.init ? Network.fromWeights(floatModelFromJson(readFileSync(o.init, "utf8"), o.init)) : undefined;

  const bar = new cliProgress.SingleBar(
    {
      format: "train [{bar}] {percentage}% | step {value}/{total} | loss {loss} | epoch {epoch} | ETA {eta_formatted}",
      noTTYOutput: true,
      notTTYSchedule: 60000,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  const log: EpochRecord[] = [];
  let best = -1;
  let smoothed = NaN;
  const started = Date.now();
  const total = options.epochs * options.stepsPerEpoch;
  if (verbose) bar.start(total, 0, { loss: "-", epoch: 1 });
  const network = await train(
    trainPhotos,
    validation,
    options,
    {
      onStep(step, _total, loss) {
        if (loss !== null) smoothed = Number.isNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
        if (verbose) bar.update(step, { loss: smoothed.toFixed(4), epoch: Math.ceil(step / options.stepsPerEpoch) });
      },
      onEpoch(record, net) {
        log.push(record);
        const { f1, threshold } = bestF1(record);
        const entry = record.validation?.byThreshold.find((e) => e.threshold === threshold);
        if (verbose) bar.stop();
        say(
          `epoch ${record.epoch}: train loss ${record.trainLoss.toFixed(4)}` +
            (entry
              ? `, validation loss ${record.validation?.loss.toFixed(4)}, face F1 ${f1.toFixed(3)} @${threshold} ` +
                `(P ${entry.metrics.face.precision.toFixed(3)} R ${entry.metrics.face.recall.toFixed(3)}), ` +
                `mask acc ${entry.metrics.maskAccuracy.toFixed(3)}, share err ${entry.metrics.maskedShareError.toFixed(1)} pp`
              : "") +
            (record.hardNegatives > 0 ? `, ${record.hardNegatives} hard negatives` : "") +
            `, ${record.seconds.toFixed(0)} s`,
        );
        const weights = floatModelToJson(net.weights());
        writeFileSync(join(o.out, "last-model.json"), weights);
        if (!validation || f1 > best) {
          best = f1;
          writeFileSync(join(o.out, "float-model.json"), weights);
        }
        const minutes = (Date.now() - started) / 60000;
        writeFileSync(join(o.out, "train-log.json"), JSON.stringify({ options: logged, minutes, log }, null, 1));
        writeFileSync(join(o.out, "curves.png"), curvesPng(log));
        if (verbose && record.epoch < options.epochs) bar.start(total, record.epoch * options.stepsPerEpoch, { loss: smoothed.toFixed(4), epoch: record.epoch + 1 });
      },
    },
    initial,
  );
  network.dispose();
  const kept = validation ? `best validation face F1 ${best.toFixed(3)}` : "no validation, last epoch kept";
  say(`trained in ${((Date.now() - started) / 60000).toFixed(1)} min; ${kept}; weights in ${o.out}`);
  return best;
}

async function main(): Promise<void> {
  const args = new Args(process.argv.slice(2), USAGE).only([
    "arch", "epochs", "steps", "batch", "lr", "seed", "out", "data", "train-photos", "val-photos", "init",
    "mine-share", "mine-from", "mine-threshold", "weights", "scales", "face-share", "focal", "class-weight", "workers", "ema",
    "mosaic", "mosaic-widths", "crop", "teacher", "distill", "with-validation",
  ]);
  const pair = (key: string, fallback: readonly [number, number]): [number, number] => {
    const text = args.string(key);
    if (text === undefined) return [fallback[0], fallback[1]];
    const values = text.split(",").map(Number);
    if (values.length !== 2 || !values.every((v) => Number.isFinite(v) && v > 0)) throw new Error(`--${key}: two positive numbers, e.g. ${fallback.join(",")}`);
    return [values[0], values[1]];
  };
  const defaults = DEFAULT_SAMPLE_OPTIONS;
  const [mask, noMask] = pair("weights", [defaults.targetWeights.mask, defaults.targetWeights.noMask]);
  // The pair's fallback only shows in its error message: no --crop, no crops.
  const crop = args.string("crop") === undefined ? undefined : pair("crop", [72, 60]);
  const teacherPath = args.string("teacher");
  if (teacherPath === undefined && args.string("distill") !== undefined) throw new Error("--distill needs --teacher");
  const [distillWeight, temperature] = pair("distill", [1, 2]);
  const trainPhotos = args.string("train-photos");
  const valPhotos = args.string("val-photos");
  await trainModel({
    arch: args.string("arch", "mask-fomo"),
    epochs: args.number("epochs", 25),
    steps: args.number("steps", 400),
    batch: args.number("batch", 32),
    lr: args.number("lr", 0.003),
    seed: args.number("seed", 1),
    out: args.string("out", join(".data", "train")),
    dataDir: args.string("data", SHARED_DATA_DIR),
    trainPhotos: trainPhotos === undefined ? undefined : args.number("train-photos", 0),
    valPhotos: valPhotos === undefined ? undefined : args.number("val-photos", 0),
    withValidation: args.flag("with-validation"),
    init: args.string("init"),
    mining: {
      ...DEFAULT_MINING_OPTIONS,
      share: args.number("mine-share", DEFAULT_MINING_OPTIONS.share),
      fromEpoch: args.number("mine-from", DEFAULT_MINING_OPTIONS.fromEpoch),
      threshold: args.number("mine-threshold", DEFAULT_MINING_OPTIONS.threshold),
    },
    samples: {
      ...defaults,
      scaleRange: pair("scales", defaults.scaleRange),
      faceCentred: args.number("face-share", defaults.faceCentred),
      mosaicShare: args.number("mosaic", defaults.mosaicShare),
      mosaicFaceWidth: pair("mosaic-widths", defaults.mosaicFaceWidth),
      targetWeights: { mask, noMask },
    },
    focalGamma: args.number("focal", 0),
    classWeight: args.number("class-weight", 1),
    workers: args.number("workers", 1),
    emaDecay: args.number("ema", 0),
    ...(crop ? { crop: { side: crop[0], epochs: crop[1] } } : {}),
    ...(teacherPath === undefined ? {} : { teacher: { path: teacherPath, weight: distillWeight, temperature } }),
  });
}

if (isMain(import.meta.url)) runMain(main);

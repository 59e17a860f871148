/**
 * Writes the model card, models/README.md, with every number measured by this
 * command: the committed model's figures from the host interpreter, our
 * int8 model and AIZOO on the test split under the protocol, and the training
 * log of the run that produced the model.
 *   npm run model:card -- [--train-log .data/train/train-log.json] [--no-aizoo-tiles]
 * Also copies the run's curves to models/training-curves.png.
 */
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadModel } from "../../hosts/node/interpreter/index.js";
import { PERSON_DETECT_MACS } from "../../src/frame/tile-budget.js";
import { SHARED_DATA_DIR, listVoc } from "../data/dataset.js";
import { readSplit } from "../data/split-file.js";
import { sha256Hex } from "../data/split.js";
import { AizooDetector, loadAizooRunner } from "../eval/aizoo-detector.js";
import { MaskModelDetector, evaluate, type PhotoDetector } from "../eval/evaluate.js";
import type { Metrics } from "../eval/protocol.js";
import { metricsTable } from "../eval/report.js";
import { FaceF1Bootstrap, bootstrapReport, signedPoints } from "../eval/bootstrap.js";
import { INPUT_SIZE, layerShapes, totalMacs, type Architecture } from "../train/architecture.js";
import { floatModelFromJson } from "../train/network.js";
import type { MiningOptions } from "../train/hard-negatives.js";
import type { CropSchedule } from "../train/trainer.js";
import { DEFAULT_SAMPLE_OPTIONS, type SampleOptions } from "../data/samples.js";
import { Args, isMain, runMain } from "./args.js";
import type { TrainCommandOptions } from "./train.js";
import { AIZOO_MODEL_PATH } from "./eval.js";
import { MODEL_PATH } from "../paths.js";
import { SHIPPED_OPERATING_POINT } from "./recipe.js";

const CARD_PATH = "models/README.md";
const CURVES_PATH = "models/training-curves.png";

interface TrainLog {
  readonly options: {
    architecture: string;
    epochs: number;
    stepsPerEpoch: number;
    batchSize: number;
    learningRate: number;
    seed: number;
    /** How samples were drawn (absent in logs of older runs: the defaults then). */
    samples?: SampleOptions;
    /** Hard negative mining (absent: none). */
    mining?: MiningOptions;
    focalGamma?: number;
    /** Weight of the mask / no_mask term of the class loss (absent in logs of older runs: 1). */
    classWeight?: number;
    emaDecay?: number;
    /** Gradient worker threads (absent in logs of older runs: 1). */
    workers?: number;
    /** Smaller crops for the first epochs (absent: whole 96x96 samples throughout). */
    crop?: CropSchedule;
    /** The teacher distilled from (absent: none). */
    distillation?: TrainCommandOptions["teacher"];
    /** Trained on the validation photos too (absent: no). */
    withValidation?: boolean;
    /** Photos trained on (absent in logs of older runs). */
    trainingPhotos?: number;
  };
  /** Wall time from the start of training to the last epoch (absent in logs of older runs). */
  readonly minutes?: number;
  readonly log: readonly { epoch: number; seconds: number }[];
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function architectureTable(arch: Architecture): string {
  const rows = layerShapes(arch).map((s, i) => {
    const l = s.layer;
    const what = l.kind === "conv" ? `conv ${l.kernel}x${l.kernel}${l.stride > 1 ? ` /${l.stride}` : ""}` : `depthwise ${l.kernel}x${l.kernel}${l.stride > 1 ? ` /${l.stride}` : ""}`;
    const act = s.role === "classes" ? "softmax" : s.role === "size" ? "logistic" : l.residualFrom === undefined ? "ReLU6" : `ReLU6, then + input of #${l.residualFrom}`;
    return `| ${i} | ${s.role} | ${what} | ${s.inSize}x${s.inSize}x${s.inChannels} -> ${s.outSize}x${s.outSize}x${s.outChannels} | ${act} | ${s.macs.toLocaleString("en-US")} |`;
  });
  return ["| # | role | layer | shape | activation | MACs |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

async function main(): Promise<void> {
  const args = new Args(process.argv.slice(2), "usage: npm run model:card -- [--train-log FILE] [--no-aizoo-tiles] [--data DIR] [--limit N]").only([
    "train-log", "no-aizoo-tiles", "data", "limit",
  ]);
  const dataDir = args.string("data", SHARED_DATA_DIR);
  const logPath = args.string("train-log", join(".data", "train", "train-log.json"));
  const trainLog = JSON.parse(readFileSync(logPath, "utf8")) as TrainLog;
  const floatPath = join(dirname(logPath), "float-model.json");
  const arch = (JSON.parse(readFileSync(floatPath, "utf8")) as { architecture: Architecture }).architecture;

  const bytes = new Uint8Array(readFileSync(MODEL_PATH));
  const sha = sha256Hex(bytes);
  const model = loadModel(bytes, { name: "mask-model" });
  const info = model.info;
  const split = readSplit();
  const keep = new Set(split.test);
  // --limit: a quick look at the page only; the card's numbers come from the whole test split.
  const entries = listVoc(dataDir).filter((e) => keep.has(e.name)).slice(0, args.number("limit", Number.MAX_SAFE_INTEGER));
  const ours = new MaskModelDetector("ours (int8)", model);
  const run = await loadAizooRunner(AIZOO_MODEL_PATH);
  const detectors: PhotoDetector[] = [ours, new AizooDetector("AIZOO (whole photo)", run, false)];
  if (!args.flag("no-aizoo-tiles")) detectors.push(new AizooDetector("AIZOO (protocol tiles)", run, true));
  console.log(`evaluating ${entries.length} test photos with ${detectors.map((d) => d.name).join(", ")}`);
  const result = evaluate(entries, detectors, {
    onSkip: (s) => console.error(`skipped: ${s.message}`),
    onPhoto: (done, total) => {
      if (done % 20 === 0 || done === total) process.stderr.write(`  ${done}/${total}\n`);
    },
  });
  const m = result.metrics;
  const mine = m[ours.name];
  const aizooNames = detectors.filter((d) => d !== ours).map((d) => d.name);
  const bestAizoo = aizooNames.reduce((best, n) => (m[n].face.f1 > m[best].face.f1 ? n : best));
  const bestAizooF1 = m[bestAizoo].face.f1;
  const bestAizooShare = Math.min(...aizooNames.map((n) => m[n].maskedShareError));
  const verdict = (ok: boolean): string => (ok ? "yes" : "**no**");
  const bootstrap = new FaceF1Bootstrap(result.photoResults);
  const versusAizoo = bootstrap.compare(ours.name, bestAizoo);
  const workers = trainLog.options.workers ?? 1;
  const timing = ours.timing;
  // Older logs lack the wall time: the epochs' own seconds (training and validation) add up to it.
  const trainMinutes = trainLog.minutes ?? trainLog.log.reduce((sum, r) => sum + r.seconds, 0) / 60;
  const samples = trainLog.options.epochs * trainLog.options.stepsPerEpoch * trainLog.options.batchSize;
  if (existsSync(join(dirname(logPath), "curves.png"))) copyFileSync(join(dirname(logPath), "curves.png"), CURVES_PATH);
  // Boxes labelled mask_weared_incorrect in the whole data set (the parsed classes merge them into no_mask).
  const incorrect = listVoc(dataDir).reduce((sum, e) => {
    const xml = existsSync(e.annotationPath) ? readFileSync(e.annotationPath, "utf8") : "";
    return sum + (xml.match(/<name>\s*mask_weared_incorrect\s*<\/name>/g)?.length ?? 0);
  }, 0);
  const testFaces = (x: Metrics): string => `${x.faces} faces counted, ${x.ignoredFaces} ignored`;
  const sampling = trainLog.options.samples ?? DEFAULT_SAMPLE_OPTIONS;
  const share = (v: number): string => `${Math.round(100 * v)}%`;
  const mining = trainLog.options.mining;
  const miningLine =
    mining && mining.share > 0
      ? `\n- Hard negatives (models/train/hard-negatives.ts): from epoch ${mining.fromEpoch} on, before each epoch the network scans
  ${share(mining.photoShare)} of the training photos with the protocol's tiles; places where it fires (face probability
  above ${mining.threshold}) on no face become crops (up to ${mining.maxKept.toLocaleString("en-US")} kept), and ${share(mining.share)} of each batch is drawn from them.`
      : "";
  const mosaicShare = sampling.mosaicShare ?? 0; // train logs written before mosaics existed lack it
  const mosaicLine =
    mosaicShare > 0
      ? `\n- Mosaics: ${share(mosaicShare)} of the samples are four 48x48 quarters from random training photos, each scaled so
  that one of its faces is ${sampling.mosaicFaceWidth[0]}–${sampling.mosaicFaceWidth[1]} px wide (log-uniform): photos of a single close face
  also teach the small faces a doorway camera sees. A face cut by a seam is "don't care" unless half of it shows.`
      : "";
  const crop = trainLog.options.crop;
  const cropLine =
    crop && crop.epochs > 0
      ? `\n- Smaller crops first (models/train/crop-batch.ts): for epochs 1–${crop.epochs} each sample is cut to a ${crop.side}x${crop.side} window
  on the 8-px cells (placed to keep as many of its face cells as a window can), which trains the same fully convolutional
  weights at ${share((crop.side / INPUT_SIZE) ** 2)} of the arithmetic; whole ${INPUT_SIZE}x${INPUT_SIZE} samples after that.`
      : "";
  const distillation = trainLog.options.distillation;
  const teacherArch = distillation ? floatModelFromJson(readFileSync(distillation.path, "utf8"), distillation.path).architecture : null;
  const distillLine =
    distillation && teacherArch
      ? `\n- Distillation (models/train/distillation.ts; Hinton, Vinyals and Dean, 2015): besides the labels, each cell's loss
  adds ${distillation.weight} x T² x the KL divergence from a larger network's class distribution to this one's, both softened at
  temperature T = ${distillation.temperature}, with the same cell weights. The teacher, \`${distillation.path}\` (float weights, committed;
  \`npm run model:recipe -- --teacher\`), is \`${teacherArch.name}\`: ${totalMacs(teacherArch).toLocaleString("en-US")} MACs, over the device budget; it runs only in training.`
      : "";
  const withValidation = trainLog.options.withValidation === true;
  // The recipe exports a run on the validation photos with this point (export --operating-point); no log records it.
  const point = SHIPPED_OPERATING_POINT;
  const photosTrainedOn = trainLog.options.trainingPhotos ?? split.train.length + (withValidation ? split.validation.length : 0);
  const choice = withValidation
    ? `Validation photos chose the settings, the seed and the operating point on the shipped run's held-out twin
(\`npm run model:recipe -- --held-out\`: the same run on the training photos alone); the shipped model then
trained on the training and validation photos together. The test photos are used only here.`
    : "Validation photos choose the checkpoint and the operating point; the test photos are used only here.";
  const kept = withValidation
    ? `the last epoch is kept (trained on the ${photosTrainedOn} training and validation photos: none is left to choose an epoch on)`
    : `the epoch with the best validation face F1 is kept (${trainLog.log.length} epochs logged)`;
  const operatingPoint = withValidation
    ? `the head's biases shifted so that the device's fixed face
  threshold (0.5) acts where the held-out twin's export put it (threshold ${point.threshold} on the float network, mask logit
  ${point.maskOffset}: the best validation F1, mask vs no_mask calls balanced to the smallest validation masked-share error within
  2% of it), since this network trained on the validation photos.`
    : `the head's biases shifted so that the device's fixed face
  threshold (0.5) is the operating point with the best validation F1, and mask vs no_mask calls
  balanced to the smallest validation masked-share error within 2% of that F1.`;
  const trainedOn = `${photosTrainedOn} ${withValidation ? "training and validation" : "training"} photos`;
  const extras = [
    (trainLog.options.focalGamma ?? 0) > 0 ? `focal loss (gamma ${trainLog.options.focalGamma})` : "",
    (trainLog.options.classWeight ?? 1) !== 1
      ? `the mask / no_mask term of a face cell's loss weighted ${trainLog.options.classWeight} beside its face-or-background term`
      : "",
    (trainLog.options.emaDecay ?? 0) > 0 ? `weight averaging (decay ${trainLog.options.emaDecay} per step)` : "",
  ].filter((x) => x.length > 0);

  const card = `# Ephemera mask model — model card

\`models/mask-model.tflite\` — sha256 \`${sha}\` — with the same bytes as a C array in
\`models/mask-model.c\` (symbol \`ephemera_mask_model\`). Every number on this page was written by
\`npm run model:card\` (which runs the evaluation below) from the committed model and the training log
of the run that made it; rerun it after changing the model.

## What it is
A FOMO-style grid detector for the device (TensorFlow Lite Micro, int8): input one 96x96 grayscale
tile \`[1,96,96,1]\` int8 (scale 1/255, zero point -128, i.e. pixel - 128); outputs
\`[1,12,12,3]\` int8 softmax per 8-px cell over [background, mask, no_mask] (scale 1/256, zero point
-128) and \`[1,12,12,1]\` int8 face width as a fraction of the tile width (logistic, same
quantization). \`src/detect\` turns the grid into faces (peaks of 1 - P(background) at 0.5, class by
summed probabilities, size-aware merge across tiles). "no_mask" covers \`without_mask\` and
\`mask_weared_incorrect\`.

| figure | value | budget |
|---|---|---|
| operators | ${Object.entries(info.ops).map(([k, v]) => `${k} x${v}`).join(", ")} | host-interpreter subset |
| multiply-accumulates per tile | ${info.macs.toLocaleString("en-US")} | < ${Math.floor(PERSON_DETECT_MACS / 3).toLocaleString("en-US")} (a third of person_detect) |
| file size (flash) | ${bytes.length.toLocaleString("en-US")} bytes | < 102,400 |
| tensor arena (host interpreter's plan) | ${info.arena_bytes.toLocaleString("en-US")} bytes | < 65,536 |
| parameters | ${info.parameters.toLocaleString("en-US")} | |
| time per inference, this host (AssemblyScript interpreter, mean over the test tiles) | ${timing.msPerInvoke.toFixed(2)} ms | |

(\`node build/hosts/node/interpreter/cli.js info models/mask-model.tflite\` prints the same figures.)

Layers (all "same" padding, per-channel int8 weights, int32 biases, batch norm not used):

${architectureTable(arch)}

## Data and split
\`../shared/data/face-mask\`: ${listVoc(dataDir).length} photos (Kaggle "Face Mask Detection", CC0) with PASCAL VOC boxes.
\`models/split.json\` (\`npm run split\`) fixes the split by photo: ${split.train.length} train,
${split.validation.length} validation, ${split.test.length} test. Byte-identical photos (sha256; ${split.identical.length} groups,
e.g. 410/428, 653/775, 13/737, 656/690) and near-identical ones (the same scene a moment apart: a
256-bit difference hash within 64 bits, transitively; ${split.nearDuplicates.length} groups) stay in one split.
${choice}

## Training (\`npm run model:recipe\`, or \`train\` then \`export\`)
- Samples: 96x96 crops of training photos at a random scale, log-uniform in ${sampling.scaleRange[0]}–${sampling.scaleRange[1]}x the evaluation
  scale, cut with the device's own tile arithmetic; ${share(sampling.faceCentred)} centred near a face
  (${share(sampling.noMaskShare)} of those on a no_mask face, to balance the classes), the rest anywhere. Cheap-sensor augmentation:
  ${sampling.augment ? "exposure (gain), contrast, gamma, defocus blur, read noise, horizontal flip" : "none"}.${mosaicLine}${miningLine}${cropLine}${distillLine}
- Targets: the cell holding a face's center carries its class (loss weight ${sampling.targetWeights.mask} mask, ${sampling.targetWeights.noMask} no_mask,
  1 background); the inner half of a face's box is "don't care"; faces under 7 px or less than half
  visible are "don't care"; widths are an L1 target on the face's inner cells.
- tfjs 4.22 on the wasm backend (one thread${workers > 1 ? `; gradients data-parallel on ${workers} worker threads, each its own backend` : ""}), with our own
  Conv2DBackpropFilter and depthwise gradient kernels (models/train/wasm-kernels.ts, checked against the cpu backend in test/models).
  Adam${extras.length > 0 ? ` with ${extras.join(" and ")}` : ""}, learning rate ${trainLog.options.learningRate} with warm-up and cosine decay, batch ${trainLog.options.batchSize},
  ${trainLog.options.epochs} epochs x ${trainLog.options.stepsPerEpoch} steps (${samples.toLocaleString("en-US")} samples), seed ${trainLog.options.seed};
  ${kept}.
- Training took **${trainMinutes.toFixed(1)} minutes** on this 2-core machine (shared with other jobs
  while it ran). Curves: \`models/training-curves.png\`.
- Export (\`npm run export\`): activation ranges calibrated on the protocol's tiles of 150 training
  photos; per-channel symmetric int8 weights; ${operatingPoint}

## Protocol (\`npm run eval -- --voc DIR\`)
Each photo scaled so its shorter side is 192 px and cut into 96x96 tiles with stride 48 (the last
tile flush with the edge) by \`src/frame\`; our int8 model runs in the host interpreter (the device's
exact numbers); \`src/detect\` decodes and merges across tiles. A detection matches a face when its
center lies in the face's box (greedy by descending confidence, one-to-one); faces under 8 px wide at
the 192-px scale are ignored (neither found nor missed; a detection on one is not a false positive).
Mask accuracy is over matched faces; count error is |detections - faces| per photo; the masked
share compares the share of "mask" among all detections with the share among all faces (pooled over
the photos), in percentage points.

AIZOO (\`../shared/models/aizoo-face-mask\`, float, ~1 M parameters, 260x260 RGB) runs in real
TensorFlow Lite (\`hosts/node/tflite\`) with its own thresholds (confidence 0.5, NMS IoU 0.4), in two
ways: on the whole photo (its own usage) and on the same protocol tiles as ours (each resized to
260x260, boxes merged by NMS). It sees color; ours sees grayscale.

## Results on the test split (${result.photos} photos, ${testFaces(mine)})

\`\`\`
${metricsTable(m)}

${bootstrapReport(bootstrap, detectors.map((d) => d.name))}
\`\`\`

- Face F1 above AIZOO's (best of its two ways, ${pct(bestAizooF1)}): ${verdict(mine.face.f1 > bestAizooF1)} (ours ${pct(mine.face.f1)};
  the difference, ${signedPoints(versusAizoo.difference.value)} points, has a 95% interval of ${signedPoints(versusAizoo.difference.low)} to ${signedPoints(versusAizoo.difference.high)} over resamples of the test photos).
- Masked-share error below AIZOO's (best of its two ways, ${bestAizooShare.toFixed(1)} pp): ${verdict(mine.maskedShareError < bestAizooShare)} (ours ${mine.maskedShareError.toFixed(1)} pp).
- Cost per tile: ours ${info.macs.toLocaleString("en-US")} MACs in ${bytes.length.toLocaleString("en-US")} bytes (int8); AIZOO is a ${statSync(AIZOO_MODEL_PATH).size.toLocaleString("en-US")}-byte float32 model at 260x260x3 input.
- Photos skipped (unreadable or malformed): ${result.skipped.length}.

## Known limits
- Accuracy: see the results above; recall by face size (the last rows of the table) shows which
  sizes the model finds and which it misses. Faces wider than the 96-px tile (close-up portraits)
  are only seen in parts, one tile at a time.
- Small data: ${trainedOn} from one web data set (street, transit, indoor
  scenes and portrait close-ups). Poses, lighting and skin tones were not audited and are probably not
  balanced; there are no night, infrared or camera-board captures, and cheap-sensor effects are
  simulated (not measured on an OV2640).
- Grayscale only: the color of a mask is not seen, so a mask whose gray level is close to the skin
  around it is harder to tell apart.
- Mask types are not labelled in the data; uncommon kinds (face shields, scarves, transparent masks)
  were not tested. "Mask worn incorrectly" (${incorrect} boxes in the data) counts as no_mask.
- Crowds: two faces closer than the merge radius (1.5 grid cells, or half a face width when the size
  output is known) become one detection.
- The test split has ${result.photos} photos (${mine.faces} counted faces): the intervals above (a photo-level
  bootstrap, \`models/eval/bootstrap.ts\`) span several points, so a gap of a point or two between
  models, or between two training seeds, is within that noise.
`;
  writeFileSync(CARD_PATH, card);
  console.log(`\n${metricsTable(m)}\n\n${CARD_PATH} written (model sha256 ${sha}).`);
}

if (isMain(import.meta.url)) runMain(main);

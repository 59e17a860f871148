/**
 * Evaluates the int8 mask model (through the host interpreter, the device's
 * exact numbers) and the AIZOO baseline (float, through real TensorFlow Lite)
 * on a folder of VOC-labelled photos, under the same protocol and rules.
 *   npm run eval -- --voc DIR [--split train|validation|test] [--model FILE.tflite]
 *                   [--detections FILE] [--aizoo-detections FILE] [--no-aizoo]
 *                   [--threshold T] [--json FILE] [--limit N]
 * --split keeps only the photos models/split.json puts in that split. AIZOO runs two ways
 * (whole photo, its own usage; and on the protocol's tiles); --aizoo-detections FILE
 * writes the first to FILE and the second to FILE with ".tiles" before ".json".
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadModel } from "../../hosts/node/interpreter/index.js";
import { listVoc } from "../data/dataset.js";
import { readSplit } from "../data/split-file.js";
import { SPLIT_NAMES, type SplitName, sha256Hex } from "../data/split.js";
import { type PhotoDetector, MaskModelDetector, evaluate } from "../eval/evaluate.js";
import { metricsTable } from "../eval/report.js";
import { FaceF1Bootstrap, bootstrapReport } from "../eval/bootstrap.js";
import { Args, isMain, runMain } from "./args.js";
import { MODEL_PATH } from "../paths.js";

const USAGE =
  "usage: npm run eval -- --voc DIR [--split train|validation|test] [--model FILE.tflite] [--detections FILE] " +
  "[--aizoo-detections FILE] [--no-aizoo] [--threshold T] [--json FILE] [--limit N]";

export const AIZOO_MODEL_PATH = "../shared/models/aizoo-face-mask/face_mask_detection.tflite";

async function aizooDetectors(): Promise<PhotoDetector[]> {
  const { AizooDetector } = await import("../eval/aizoo-detector.js");
  return AizooDetector.create(AIZOO_MODEL_PATH);
}

async function main(): Promise<void> {
  const args = new Args(process.argv.slice(2), USAGE).only([
    "voc", "split", "model", "detections", "aizoo-detections", "no-aizoo", "threshold", "json", "limit",
  ]);
  const dir = args.string("voc");
  if (!dir) throw new Error(USAGE);
  const splitName = args.string("split");
  if (splitName !== undefined && !SPLIT_NAMES.includes(splitName as SplitName)) throw new Error(`--split must be one of ${SPLIT_NAMES.join(", ")}`);
  let entries = listVoc(dir);
  if (splitName) {
    const keep = new Set(readSplit()[splitName as SplitName]);
    entries = entries.filter((entry) => keep.has(entry.name));
  }
  entries = entries.slice(0, args.number("limit", entries.length));
  if (entries.length === 0) throw new Error(`${dir}: no photos to evaluate`);

  const modelPath = args.string("model", MODEL_PATH);
  const bytes = new Uint8Array(readFileSync(modelPath));
  const model = loadModel(bytes, { name: "mask-model" });
  const thresholdText = args.string("threshold");
  const ours = new MaskModelDetector("ours (int8)", model, thresholdText === undefined ? undefined : args.number("threshold", 0.5));
  const detectors: PhotoDetector[] = [ours];
  if (!args.flag("no-aizoo")) detectors.push(...(await aizooDetectors()));

  console.log(`${modelPath}: ${bytes.length} bytes, sha256 ${sha256Hex(bytes)}, ${model.info.macs.toLocaleString("en-US")} MACs, arena ${model.info.arena_bytes} bytes`);
  console.log(`evaluating ${entries.length} photos of ${dir}${splitName ? ` (split ${splitName})` : ""} with: ${detectors.map((d) => d.name).join(", ")}`);
  const started = Date.now();
  const result = evaluate(entries, detectors, {
    onSkip: (skipped) => console.error(`skipped: ${skipped.message}`),
    onPhoto: (done, total) => {
      if (done % 25 === 0 || done === total) process.stderr.write(`  ${done}/${total} photos\n`);
    },
  });
  console.log(`\n${metricsTable(result.metrics)}\n`);
  if (result.photos > 0) console.log(`${bootstrapReport(new FaceF1Bootstrap(result.photoResults), detectors.map((d) => d.name))}\n`);
  const timing = ours.timing;
  console.log(`our model: ${timing.tiles} tiles, ${timing.msPerInvoke.toFixed(2)} ms per invoke on this host (interpreter)`);
  console.log(`evaluated ${result.photos} photos, skipped ${result.skipped.length}, in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  const writeDetections = (path: string | undefined, detector: string): void => {
    if (!path) return;
    writeFileSync(path, `${JSON.stringify({ images: result.detections[detector] ?? {} }, null, 1)}\n`);
    console.log(`${detector} detections: ${path}`);
  };
  writeDetections(args.string("detections"), ours.name);
  const aizooPath = args.string("aizoo-detections");
  detectors
    .filter((d) => d !== ours)
    .forEach((d, i) => writeDetections(aizooPath && (i === 0 ? aizooPath : aizooPath.replace(/(\.json)?$/, `.tiles$1`)), d.name));
  const jsonPath = args.string("json");
  if (jsonPath) {
    const report = { voc: dir, split: splitName ?? null, model: modelPath, sha256: sha256Hex(bytes), info: model.info, timing, ...result, detections: undefined };
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 1)}\n`);
    console.log(`metrics: ${jsonPath}`);
  }
}

if (isMain(import.meta.url)) runMain(main);

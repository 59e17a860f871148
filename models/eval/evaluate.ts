/**
 * Runs detectors over a VOC folder under the protocol (models/eval/protocol.ts)
 * and sums the metrics. A photo that cannot be read or whose
 * annotation is malformed is reported (naming the file) and skipped; the
 * others go on.
 */
import { readFileSync } from "node:fs";
import type { Detection } from "../../src/detect/detection.js";
import { FaceDetector } from "../../src/detect/face-detector.js";
import type { Model } from "../../src/interfaces/index.js";
import { type VocEntry, readAnnotation } from "../data/dataset.js";
import { type GrayImage, type RgbImage, decodeRgb, toGray } from "../data/gray-image.js";
import type { Face } from "../data/voc.js";
import { CELL_SIZE } from "../train/architecture.js";
import { type DetectionRecord, EVAL_SHORT_SIDE, EVAL_STRIDE, type Metrics, type PhotoResult, detectionRecord, matchPhoto, summarize } from "./protocol.js";

export interface EvalPhoto {
  readonly name: string;
  readonly rgb: RgbImage;
  readonly gray: GrayImage;
  readonly faces: readonly Face[];
}

/** Something that finds faces in a photo, in the photo's pixels. */
export interface PhotoDetector {
  readonly name: string;
  detect(photo: EvalPhoto): Detection[];
  /** Box width for a detection without a size, in photo pixels. */
  fallbackWidth(photo: EvalPhoto): number;
}

/** Our int8 model through the device's own pipeline: src/frame tiles, the model, src/detect decoding and merging. */
export class MaskModelDetector implements PhotoDetector {
  readonly name: string;
  readonly #detector: FaceDetector;
  #tiles = 0;
  #invokeMs = 0;

  constructor(name: string, model: Model, threshold?: number) {
    this.name = name;
    const timed: Model = {
      id: model.id,
      input: model.input,
      outputs: model.outputs,
      invoke: (input) => {
        const start = performance.now();
        const outputs = model.invoke(input);
        this.#invokeMs += performance.now() - start;
        this.#tiles++;
        return outputs;
      },
    };
    this.#detector = new FaceDetector({ model: timed, scaledShortSide: EVAL_SHORT_SIDE, stride: EVAL_STRIDE, threshold, wipeFrame: false });
  }

  detect(photo: EvalPhoto): Detection[] {
    return this.#detector.detect(photo.gray);
  }

  fallbackWidth(photo: EvalPhoto): number {
    return (CELL_SIZE * Math.min(photo.gray.width, photo.gray.height)) / EVAL_SHORT_SIDE;
  }

  /** Tiles run and mean milliseconds per invoke so far. */
  get timing(): { tiles: number; msPerInvoke: number } {
    return { tiles: this.#tiles, msPerInvoke: this.#tiles > 0 ? this.#invokeMs / this.#tiles : 0 };
  }
}

export interface SkippedPhoto {
  readonly file: string;
  readonly message: string;
}

export interface EvaluationResult {
  readonly photos: number;
  readonly skipped: readonly SkippedPhoto[];
  readonly metrics: Readonly<Record<string, Metrics>>;
  /** Per detector, what each photo read contributes, in the same photo order for every detector (for the bootstrap). */
  readonly photoResults: Readonly<Record<string, readonly PhotoResult[]>>;
  /** Per detector, per photo name, its detections in photo pixels. */
  readonly detections: Readonly<Record<string, Readonly<Record<string, readonly DetectionRecord[]>>>>;
}

/** Loads one photo with its faces; throws an error naming the file. */
export function loadEvalPhoto(entry: VocEntry): EvalPhoto {
  const annotation = readAnnotation(entry);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(entry.imagePath);
  } catch (error) {
    throw new Error(`${entry.imagePath}: unreadable image: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  const rgb = decodeRgb(bytes, entry.imagePath);
  if (annotation.width > 0 && annotation.height > 0 && (annotation.width !== rgb.width || annotation.height !== rgb.height)) {
    throw new Error(`${entry.annotationPath}: malformed annotation: size ${annotation.width}x${annotation.height} but the image is ${rgb.width}x${rgb.height}`);
  }
  return { name: entry.name, rgb, gray: toGray(rgb), faces: annotation.faces };
}

export function evaluate(
  entries: readonly VocEntry[],
  detectors: readonly PhotoDetector[],
  hooks: { onSkip?(skipped: SkippedPhoto): void; onPhoto?(done: number, total: number): void } = {},
): EvaluationResult {
  const results = new Map(detectors.map((d) => [d.name, [] as PhotoResult[]]));
  const detections = new Map(detectors.map((d) => [d.name, {} as Record<string, DetectionRecord[]>]));
  const skipped: SkippedPhoto[] = [];
  let photos = 0;
  entries.forEach((entry, i) => {
    let photo: EvalPhoto;
    try {
      photo = loadEvalPhoto(entry);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const file = message.startsWith(entry.annotationPath) ? entry.annotationPath : entry.imagePath;
      const record = { file, message };
      skipped.push(record);
      hooks.onSkip?.(record);
      hooks.onPhoto?.(i + 1, entries.length);
      return;
    }
    photos++;
    const shortSide = Math.min(photo.gray.width, photo.gray.height);
    for (const detector of detectors) {
      const found = detector.detect(photo);
      results.get(detector.name)?.push(matchPhoto(found, photo.faces, shortSide));
      const records = detections.get(detector.name);
      if (records) records[photo.name] = found.map((d) => detectionRecord(d, detector.fallbackWidth(photo)));
    }
    hooks.onPhoto?.(i + 1, entries.length);
  });
  return {
    photos,
    skipped,
    metrics: Object.fromEntries(detectors.map((d) => [d.name, summarize(results.get(d.name) ?? [])])),
    photoResults: Object.fromEntries(results),
    detections: Object.fromEntries(detections),
  };
}

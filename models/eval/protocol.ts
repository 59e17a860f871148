/**
 * The evaluation protocol (issue 4): each photo scaled so its shorter side is
 * 192 px, cut into 96x96 tiles with stride 48, detections mapped back to the
 * photo and merged; a detection matches a face when its center lies in the
 * face's box (greedy, one-to-one, by descending confidence); faces under 8 px
 * wide at that scale are ignored (neither found nor missed, and a detection on
 * one is not a false positive).
 */
import type { Detection } from "../../src/detect/detection.js";
import type { FaceClass } from "../data/voc.js";

/** The protocol's scale: each photo's shorter side becomes this many pixels. */
export const EVAL_SHORT_SIDE = 192;
/** The protocol's tile stride, in scaled pixels. */
export const EVAL_STRIDE = 48;
export const MIN_FACE_WIDTH_AT_EVAL_SCALE = 8;

/** A detection as --detections writes it, in original-photo pixels. */
export interface DetectionRecord {
  readonly box: readonly [number, number, number, number];
  readonly score: number;
  readonly class: FaceClass;
}

export interface TruthFace {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly cls: FaceClass;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

/**
 * A detection's record: a box centred on the detection, as wide as the face
 * when the model gives a size, else `fallbackWidth` (one grid cell in photo
 * pixels) wide.
 */
export function detectionRecord(d: Detection, fallbackWidth: number): DetectionRecord {
  const half = (d.size ?? fallbackWidth) / 2;
  return {
    box: [round1(d.x - half), round1(d.y - half), round1(d.x + half), round1(d.y + half)],
    score: Math.round(d.confidence * 1e4) / 1e4,
    class: d.cls,
  };
}

/** What one photo contributes to the counts. */
export interface PhotoResult {
  /** Matched pairs: detection class, face class. */
  readonly matches: readonly { readonly predicted: FaceClass; readonly truth: FaceClass }[];
  /** Unmatched detections that are not on an ignored face. */
  readonly falsePositives: readonly FaceClass[];
  /** Faces (not ignored) left unmatched. */
  readonly missed: readonly FaceClass[];
  /** Detections dropped because they lie on an ignored (too small) face. */
  readonly ignoredDetections: number;
  readonly ignoredFaces: number;
  /** Widths at the protocol scale of the faces found and of those missed. */
  readonly foundWidths: readonly number[];
  readonly missedWidths: readonly number[];
}

function contains(face: TruthFace, x: number, y: number): boolean {
  return x >= face.x0 && x <= face.x1 && y >= face.y0 && y <= face.y1;
}

/**
 * Matches one photo's detections to its faces. `photoShortSide` sets the
 * protocol scale for the "too small" rule. Greedy by descending score; a
 * detection whose center lies in several free faces takes the one whose
 * center is nearest.
 */
export function matchPhoto(detections: readonly Detection[], faces: readonly TruthFace[], photoShortSide: number): PhotoResult {
  const scale = EVAL_SHORT_SIDE / photoShortSide;
  const ignored = faces.map((f) => (f.x1 - f.x0) * scale < MIN_FACE_WIDTH_AT_EVAL_SCALE);
  const taken = faces.map(() => false);
  const order = detections.map((_, i) => i).sort((a, b) => detections[b].confidence - detections[a].confidence || a - b);
  const matches: { predicted: FaceClass; truth: FaceClass }[] = [];
  const falsePositives: FaceClass[] = [];
  let ignoredDetections = 0;
  for (const i of order) {
    const d = detections[i];
    const { x, y } = d;
    let best = -1;
    let bestDistance = Infinity;
    faces.forEach((face, j) => {
      if (ignored[j] || taken[j] || !contains(face, x, y)) return;
      const distance = Math.hypot(x - (face.x0 + face.x1) / 2, y - (face.y0 + face.y1) / 2);
      if (distance < bestDistance) [best, bestDistance] = [j, distance];
    });
    if (best >= 0) {
      taken[best] = true;
      matches.push({ predicted: d.cls, truth: faces[best].cls });
    } else if (faces.some((face, j) => ignored[j] && contains(face, x, y))) {
      ignoredDetections++;
    } else {
      falsePositives.push(d.cls);
    }
  }
  const missed = faces.filter((_, j) => !ignored[j] && !taken[j]).map((f) => f.cls);
  const widths = faces.map((f) => (f.x1 - f.x0) * scale);
  return {
    matches,
    falsePositives,
    missed,
    ignoredDetections,
    ignoredFaces: ignored.filter(Boolean).length,
    foundWidths: widths.filter((_, j) => taken[j]),
    missedWidths: widths.filter((_, j) => !ignored[j] && !taken[j]),
  };
}

export interface PrecisionRecall {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export function precisionRecall(tp: number, fp: number, fn: number): PrecisionRecall {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision, recall, f1 };
}

export interface Metrics {
  readonly photos: number;
  readonly faces: number;
  readonly ignoredFaces: number;
  readonly face: PrecisionRecall;
  readonly mask: PrecisionRecall;
  readonly noMask: PrecisionRecall;
  /** Share of matched faces whose class is right. */
  readonly maskAccuracy: number;
  /** Mean over photos of |detections - faces| (ignored ones left out on both sides). */
  readonly countMae: number;
  /** Masked share of all faces vs of all detections, in percentage points (true, predicted, |error|). */
  readonly maskedShareTrue: number;
  readonly maskedSharePredicted: number;
  readonly maskedShareError: number;
  /** Recall by face width at the protocol scale: [from, to) px, faces, found. */
  readonly recallBySize: readonly { readonly from: number; readonly to: number; readonly faces: number; readonly found: number }[];
}

/** Face-width bands (px at the protocol scale) for recall by size. */
export const SIZE_BANDS: readonly (readonly [number, number])[] = Object.freeze([[8, 16], [16, 32], [32, 64], [64, Infinity]]);

/** Sums photo results into the metrics. */
export function summarize(results: readonly PhotoResult[]): Metrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let correct = 0;
  let faces = 0;
  let ignoredFaces = 0;
  let countError = 0;
  let maskFaces = 0;
  let maskDetections = 0;
  let detections = 0;
  const perClass = { mask: { tp: 0, fp: 0, fn: 0 }, no_mask: { tp: 0, fp: 0, fn: 0 } };
  for (const r of results) {
    tp += r.matches.length;
    fp += r.falsePositives.length;
    fn += r.missed.length;
    ignoredFaces += r.ignoredFaces;
    const photoFaces = r.matches.length + r.missed.length;
    const photoDetections = r.matches.length + r.falsePositives.length;
    faces += photoFaces;
    detections += photoDetections;
    countError += Math.abs(photoDetections - photoFaces);
    for (const m of r.matches) {
      if (m.predicted === m.truth) {
        correct++;
        perClass[m.truth].tp++;
      } else {
        perClass[m.predicted].fp++;
        perClass[m.truth].fn++;
      }
      if (m.truth === "mask") maskFaces++;
      if (m.predicted === "mask") maskDetections++;
    }
    for (const c of r.falsePositives) {
      perClass[c].fp++;
      if (c === "mask") maskDetections++;
    }
    for (const c of r.missed) {
      perClass[c].fn++;
      if (c === "mask") maskFaces++;
    }
  }
  const maskedShareTrue = faces > 0 ? (100 * maskFaces) / faces : 0;
  const maskedSharePredicted = detections > 0 ? (100 * maskDetections) / detections : 0;
  const recallBySize = SIZE_BANDS.map(([from, to]) => {
    const inBand = (w: number): boolean => w >= from && w < to;
    const found = results.reduce((sum, r) => sum + r.foundWidths.filter(inBand).length, 0);
    const missedCount = results.reduce((sum, r) => sum + r.missedWidths.filter(inBand).length, 0);
    return { from, to, faces: found + missedCount, found };
  });
  return {
    photos: results.length,
    faces,
    recallBySize,
    ignoredFaces,
    face: precisionRecall(tp, fp, fn),
    mask: precisionRecall(perClass.mask.tp, perClass.mask.fp, perClass.mask.fn),
    noMask: precisionRecall(perClass.no_mask.tp, perClass.no_mask.fp, perClass.no_mask.fn),
    maskAccuracy: tp > 0 ? correct / tp : 0,
    countMae: results.length > 0 ? countError / results.length : 0,
    maskedShareTrue,
    maskedSharePredicted,
    maskedShareError: Math.abs(maskedSharePredicted - maskedShareTrue),
  };
}

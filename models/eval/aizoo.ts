/**
 * The AIZOO face-mask detector's post-processing (../shared/models/aizoo-face-mask):
 * its SSD anchors, box decoding and single-class non-maximum suppression, as
 * its README describes them. The float model itself runs in real TensorFlow
 * Lite (hosts/node/tflite).
 */

export const AIZOO_INPUT_SIZE = 260;
const FEATURE_MAPS = [33, 17, 9, 5, 3];
const ANCHOR_SIZES = [
  [0.04, 0.056],
  [0.08, 0.11],
  [0.16, 0.22],
  [0.32, 0.45],
  [0.64, 0.72],
];
const ANCHOR_RATIOS = [1, 0.62, 0.42];
const VARIANCES = [0.1, 0.1, 0.2, 0.2];
/** AIZOO's own inference defaults. */
export const AIZOO_CONFIDENCE = 0.5;
export const AIZOO_NMS_IOU = 0.4;

/** Anchors as [xmin, ymin, xmax, ymax] in 0..1, 4 per cell, cells row by row, maps in order: 5972 in all. */
export function aizooAnchors(): Float64Array {
  const boxes: number[] = [];
  FEATURE_MAPS.forEach((size, m) => {
    const shapes: [number, number][] = [];
    for (const scale of ANCHOR_SIZES[m]) shapes.push([scale * Math.sqrt(ANCHOR_RATIOS[0]), scale / Math.sqrt(ANCHOR_RATIOS[0])]);
    for (const ratio of ANCHOR_RATIOS.slice(1)) shapes.push([ANCHOR_SIZES[m][0] * Math.sqrt(ratio), ANCHOR_SIZES[m][0] / Math.sqrt(ratio)]);
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        const cx = (col + 0.5) / size;
        const cy = (row + 0.5) / size;
        for (const [w, h] of shapes) boxes.push(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
      }
    }
  });
  return Float64Array.from(boxes);
}

export interface AizooBox {
  /** 0..1 of the input image. */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly score: number;
  /** 0 = Mask, 1 = NoMask. */
  readonly classIndex: number;
}

function iou(a: AizooBox, b: AizooBox): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter);
}

/** Greedy non-maximum suppression over all classes together (AIZOO's single-class NMS). */
export function nonMaxSuppression(boxes: readonly AizooBox[], iouThreshold: number): AizooBox[] {
  const kept: AizooBox[] = [];
  for (const box of [...boxes].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => iou(k, box) <= iouThreshold)) kept.push(box);
  }
  return kept;
}

/** Decodes raw outputs (offsets [N*4], scores [N*2]) to boxes scoring at least `confidence`, after NMS. */
export function decodeAizoo(
  anchors: Float64Array,
  offsets: ArrayLike<number>,
  scores: ArrayLike<number>,
  confidence = AIZOO_CONFIDENCE,
  iouThreshold = AIZOO_NMS_IOU,
): AizooBox[] {
  const count = anchors.length / 4;
  if (offsets.length !== count * 4 || scores.length !== count * 2) {
    throw new Error(`AIZOO outputs: expected ${count * 4} offsets and ${count * 2} scores, got ${offsets.length} and ${scores.length}`);
  }
  const candidates: AizooBox[] = [];
  for (let i = 0; i < count; i++) {
    const mask = scores[i * 2];
    const noMask = scores[i * 2 + 1];
    const score = Math.max(mask, noMask);
    if (score < confidence) continue;
    const [ax0, ay0, ax1, ay1] = [anchors[i * 4], anchors[i * 4 + 1], anchors[i * 4 + 2], anchors[i * 4 + 3]];
    const aw = ax1 - ax0;
    const ah = ay1 - ay0;
    const cx = offsets[i * 4] * VARIANCES[0] * aw + (ax0 + ax1) / 2;
    const cy = offsets[i * 4 + 1] * VARIANCES[1] * ah + (ay0 + ay1) / 2;
    const w = Math.exp(offsets[i * 4 + 2] * VARIANCES[2]) * aw;
    const h = Math.exp(offsets[i * 4 + 3] * VARIANCES[3]) * ah;
    candidates.push({ x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2, score, classIndex: mask >= noMask ? 0 : 1 });
  }
  return nonMaxSuppression(candidates, iouThreshold);
}

/**
 * Operating-point calibration on validation photos, folded into the head's
 * biases: the device decodes with a fixed face threshold (0.5 on
 * 1 - P(background), src/detect), so an offset on the background logit moves
 * the operating point exactly (1 - p_bg >= t  <=>  log(e^m + e^n) - b >= logit(t)),
 * and an offset on the mask logit trades mask against no_mask calls.
 */
import * as tf from "@tensorflow/tfjs";
import { DEFAULT_FACE_THRESHOLD } from "../../src/detect/grid-decoder.js";
import { GRID_SIZE, INPUT_SIZE } from "../train/architecture.js";
import type { Network } from "../train/network.js";
import { type ValidationSet, metricsAt, quantizeUnit } from "../train/validation.js";
import type { Metrics } from "../eval/protocol.js";

const CELLS = GRID_SIZE * GRID_SIZE;

/** The float network's class logits on the set's tiles, and its sizes quantized as the int8 model gives them. */
export interface FloatHeads {
  readonly logits: Float32Array;
  readonly sizes: Int8Array | null;
}

export function floatHeads(network: Network, set: ValidationSet, batchSize = 64): FloatHeads {
  const logits = new Float32Array(set.tileCount * CELLS * 3);
  const sizes = network.architecture.sizeHead ? new Int8Array(set.tileCount * CELLS) : null;
  const tilePixels = INPUT_SIZE * INPUT_SIZE;
  for (let start = 0; start < set.tileCount; start += batchSize) {
    const n = Math.min(batchSize, set.tileCount - start);
    tf.tidy(() => {
      const x = tf.tensor4d(set.pixels.subarray(start * tilePixels, (start + n) * tilePixels), [n, INPUT_SIZE, INPUT_SIZE, 1]);
      const heads = network.heads(x);
      logits.set(heads.logits.dataSync(), start * CELLS * 3);
      if (sizes && heads.sizes) heads.sizes.dataSync().forEach((v, i) => (sizes[start * CELLS + i] = quantizeUnit(v)));
    });
  }
  return { logits, sizes };
}

/** Softmax of logits + offsets per cell, quantized as the int8 model's output. */
export function quantizedProbabilities(logits: Float32Array, offsets: readonly number[]): Int8Array {
  const out = new Int8Array(logits.length);
  for (let i = 0; i < logits.length; i += 3) {
    const a = logits[i] + offsets[0];
    const b = logits[i + 1] + offsets[1];
    const c = logits[i + 2] + offsets[2];
    const m = Math.max(a, b, c);
    const ea = Math.exp(a - m);
    const eb = Math.exp(b - m);
    const ec = Math.exp(c - m);
    const sum = ea + eb + ec;
    out[i] = quantizeUnit(ea / sum);
    out[i + 1] = quantizeUnit(eb / sum);
    out[i + 2] = quantizeUnit(ec / sum);
  }
  return out;
}

/** Where the device's fixed face threshold should act, as a float network's threshold and a mask-logit shift. */
export interface OperatingPoint {
  /** Face threshold on the float network's 1 - P(background) that the device's fixed threshold takes the place of. */
  readonly threshold: number;
  /** Added to the mask logit (negative: fewer mask calls). */
  readonly maskOffset: number;
}

export interface HeadCalibration {
  /** Added to the head's biases [background, mask, no_mask]. */
  readonly offsets: readonly [number, number, number];
  /** The face threshold that was best before the shift. */
  readonly threshold: number;
  readonly before: Metrics;
  readonly after: Metrics;
}

const logit = (p: number): number => Math.log(p / (1 - p));

/** The head's bias offsets [background, mask, no_mask] that put the device's fixed threshold at `point`. */
export function operatingPointOffsets(point: OperatingPoint): [number, number, number] {
  if (!(point.threshold > 0 && point.threshold < 1) || !Number.isFinite(point.maskOffset)) {
    throw new RangeError(`operating point: threshold in (0, 1) and a finite mask offset, got ${point.threshold} and ${point.maskOffset}`);
  }
  return [logit(point.threshold) - logit(DEFAULT_FACE_THRESHOLD), point.maskOffset, 0];
}

/** Face thresholds the operating point is searched over (the weighted loss makes the best one high, hence the fine steps there). */
const OPERATING_THRESHOLDS: readonly number[] = Object.freeze([
  ...Array.from({ length: 25 }, (_, i) => 0.3 + 0.025 * i), // 0.3 .. 0.9
  ...Array.from({ length: 9 }, (_, i) => 0.91 + 0.01 * i), // 0.91 .. 0.99
]);

/** Validation F1 may drop this much (relative) to buy a smaller masked-share error. */
export const F1_TOLERANCE = 0.02;

/**
 * Searches the background and mask offsets together: for each mask offset,
 * the background offset with the best validation face F1 at the device's
 * threshold; then, among those within F1_TOLERANCE of the best F1, the one
 * with the smallest validation masked-share error. (A mask offset also moves
 * 1 - P(background), hence the joint search.)
 */
export function calibrateHead(heads: FloatHeads, set: ValidationSet): HeadCalibration {
  const atOffsets = (offsets: readonly number[]): Metrics =>
    metricsAt(set, { probabilities: quantizedProbabilities(heads.logits, offsets), sizes: heads.sizes }, DEFAULT_FACE_THRESHOLD);
  const before = atOffsets([0, 0, 0]);
  const candidates: { offsets: [number, number, number]; threshold: number; metrics: Metrics }[] = [];
  for (let mask = -1.5; mask <= 1.501; mask += 0.25) {
    let best: (typeof candidates)[number] | null = null;
    for (const t of OPERATING_THRESHOLDS) {
      const offsets = operatingPointOffsets({ threshold: t, maskOffset: mask });
      const metrics = atOffsets(offsets);
      if (!best || metrics.face.f1 > best.metrics.face.f1) best = { offsets, threshold: Math.round(t * 1000) / 1000, metrics };
    }
    if (best) candidates.push(best);
  }
  const topF1 = Math.max(...candidates.map((c) => c.metrics.face.f1));
  const eligible = candidates.filter((c) => c.metrics.face.f1 >= topF1 * (1 - F1_TOLERANCE));
  eligible.sort((a, b) => a.metrics.maskedShareError - b.metrics.maskedShareError || b.metrics.face.f1 - a.metrics.face.f1);
  const chosen = eligible[0];
  return { offsets: chosen.offsets, threshold: chosen.threshold, before, after: chosen.metrics };
}

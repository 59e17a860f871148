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
import { type ValidationSet, metricsAt } from "../train/validation.js";
import type { Metrics } from "../eval/protocol.js";
import { SOFTMAX_SCALE, SOFTMAX_ZERO_POINT } from "./quantize.js";

const CELLS = GRID_SIZE * GRID_SIZE;

export function floatLogits(network: Network, set: ValidationSet, batchSize = 64): Float32Array {
  const logits = new Float32Array(set.tileCount * CELLS * 3);
  const tilePixels = INPUT_SIZE * INPUT_SIZE;
  for (let start = 0; start < set.tileCount; start += batchSize) {
    const n = Math.min(batchSize, set.tileCount - start);
    tf.tidy(() => {
      const x = tf.tensor4d(set.pixels.subarray(start * tilePixels, (start + n) * tilePixels), [n, INPUT_SIZE, INPUT_SIZE, 1]);
      logits.set(network.logits(x).dataSync(), start * CELLS * 3);
    });
  }
  return logits;
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
    [ea, eb, ec].forEach((e, k) => {
      const q = Math.round(e / sum / SOFTMAX_SCALE) + SOFTMAX_ZERO_POINT;
      out[i + k] = q < -128 ? -128 : q > 127 ? 127 : q;
    });
  }
  return out;
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

/**
 * Picks the background offset that maximizes validation face F1 at the
 * device's threshold, then the mask offset that minimizes the validation
 * masked-share error (ties: better mask accuracy).
 */
export function calibrateHead(logits: Float32Array, set: ValidationSet): HeadCalibration {
  const atOffsets = (offsets: readonly number[]): Metrics => metricsAt(set, quantizedProbabilities(logits, offsets), DEFAULT_FACE_THRESHOLD);
  const before = atOffsets([0, 0, 0]);
  let best = { f1: -1, threshold: DEFAULT_FACE_THRESHOLD, background: 0 };
  for (let t = 0.3; t <= 0.975; t += 0.025) {
    const background = logit(t) - logit(DEFAULT_FACE_THRESHOLD);
    const f1 = atOffsets([background, 0, 0]).face.f1;
    if (f1 > best.f1) best = { f1, threshold: Math.round(t * 1000) / 1000, background };
  }
  let chosen = { mask: 0, metrics: atOffsets([best.background, 0, 0]) };
  for (let mask = -2; mask <= 2.001; mask += 0.1) {
    const metrics = atOffsets([best.background, mask, 0]);
    const better =
      metrics.maskedShareError < chosen.metrics.maskedShareError - 1e-9 ||
      (Math.abs(metrics.maskedShareError - chosen.metrics.maskedShareError) < 1e-9 && metrics.maskAccuracy > chosen.metrics.maskAccuracy);
    if (better) chosen = { mask: Math.round(mask * 10) / 10, metrics };
  }
  return { offsets: [best.background, chosen.mask, 0], threshold: best.threshold, before, after: chosen.metrics };
}

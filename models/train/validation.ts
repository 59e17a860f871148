/**
 * Validation during training: held-out photos through the evaluation
 * protocol, the float network standing in for the int8 model. Tiles come
 * from the device's own tiler (src/frame) and outputs are decoded and merged
 * by the device's own code (src/detect), as FaceDetector.detect does, only
 * batched.
 */
import * as tf from "@tensorflow/tfjs";
import type { Detection } from "../../src/detect/detection.js";
import { GridDecoder } from "../../src/detect/grid-decoder.js";
import { mergeDetections } from "../../src/detect/merge.js";
import { FrameTiler } from "../../src/frame/frame-tiler.js";
import { type TilePlan, tileToFrame } from "../../src/frame/tile-plan.js";
import type { TensorSpec } from "../../src/interfaces/index.js";
import { GRID_SIZE, INPUT_SIZE } from "./architecture.js";
import { type LabelledPhoto, facesInTile, writeTargets } from "../data/samples.js";
import { INPUT_SCALE, INPUT_ZERO_POINT, SOFTMAX_SCALE, SOFTMAX_ZERO_POINT } from "../export/quantize.js";
import { EVAL_SHORT_SIDE, EVAL_STRIDE, type Metrics, matchPhoto, summarize } from "../eval/protocol.js";
import type { Network } from "./network.js";

const TILE_PIXELS = INPUT_SIZE * INPUT_SIZE;
const CELLS = GRID_SIZE * GRID_SIZE;

/** The int8 model's output spec, which the float network's probabilities are quantized to for decoding. */
export const PROBABILITIES_SPEC: TensorSpec = Object.freeze({
  shape: Object.freeze([1, GRID_SIZE, GRID_SIZE, 3]),
  scale: SOFTMAX_SCALE,
  zeroPoint: SOFTMAX_ZERO_POINT,
});

/** The device's tiler configured for the evaluation protocol. */
export function protocolTiler(): FrameTiler {
  return new FrameTiler({ input: { scale: INPUT_SCALE, zeroPoint: INPUT_ZERO_POINT }, scaledShortSide: EVAL_SHORT_SIDE, stride: EVAL_STRIDE });
}

export interface ValidationSet {
  readonly photos: readonly LabelledPhoto[];
  readonly plans: readonly TilePlan[];
  readonly tileCount: number;
  readonly pixels: Float32Array;
  readonly classes: Int32Array;
  readonly weights: Float32Array;
  /** Per tile: photo index and tile index in that photo's plan. */
  readonly tiles: readonly { readonly photo: number; readonly index: number }[];
}

export function buildValidationSet(photos: readonly LabelledPhoto[]): ValidationSet {
  const tiler = protocolTiler();
  const plans = photos.map((photo) => tiler.plan(photo.image));
  const tiles = plans.flatMap((plan, photo) => plan.origins.map((_, index) => ({ photo, index })));
  const pixels = new Float32Array(tiles.length * TILE_PIXELS);
  const classes = new Int32Array(tiles.length * CELLS);
  const weights = new Float32Array(tiles.length * CELLS);
  const tile = new Int8Array(TILE_PIXELS);
  tiles.forEach(({ photo, index }, t) => {
    const { image, faces } = photos[photo];
    const plan = plans[photo];
    tiler.writeTile(image, plan, index, tile);
    for (let i = 0; i < TILE_PIXELS; i++) pixels[t * TILE_PIXELS + i] = (tile[i] - INPUT_ZERO_POINT) * INPUT_SCALE;
    const { x: ox, y: oy } = plan.origins[index];
    const scale = plan.sw / plan.rw;
    const tileFaces = facesInTile(faces, plan.rx, plan.ry, scale).map((f) => ({ ...f, x0: f.x0 - ox, x1: f.x1 - ox, y0: f.y0 - oy, y1: f.y1 - oy }));
    writeTargets(tileFaces, classes, weights, t * CELLS);
  });
  return { photos, plans, tileCount: tiles.length, pixels, classes, weights, tiles };
}

/** Mean weighted cross-entropy of logits [n,12,12,3] against class ids and weights. */
export function weightedLoss(logits: tf.Tensor4D, classes: tf.Tensor, weights: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const oneHot = tf.oneHot(classes.flatten(), 3).reshape(logits.shape);
    const ce = tf.neg(tf.sum(tf.mul(oneHot, logProbs), -1));
    return tf.div(tf.sum(tf.mul(ce, weights)), tf.maximum(tf.sum(weights), 1)) as tf.Scalar;
  });
}

export interface ValidationResult {
  readonly loss: number;
  /** Metrics at each threshold tried. */
  readonly byThreshold: readonly { readonly threshold: number; readonly metrics: Metrics }[];
}

export const VALIDATION_THRESHOLDS: readonly number[] = Object.freeze([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95]);

/** Probabilities quantized as the int8 model outputs them ([tiles, 12, 12, 3]), and the weighted loss. */
export function predict(network: Network, set: ValidationSet, batchSize = 64): { outputs: Int8Array; loss: number } {
  const outputs = new Int8Array(set.tileCount * CELLS * 3);
  let lossSum = 0;
  let weightSum = 0;
  for (let start = 0; start < set.tileCount; start += batchSize) {
    const n = Math.min(batchSize, set.tileCount - start);
    tf.tidy(() => {
      const x = tf.tensor4d(set.pixels.subarray(start * TILE_PIXELS, (start + n) * TILE_PIXELS), [n, INPUT_SIZE, INPUT_SIZE, 1]);
      const logits = network.logits(x);
      const classes = tf.tensor3d(set.classes.subarray(start * CELLS, (start + n) * CELLS), [n, GRID_SIZE, GRID_SIZE], "int32");
      const w = set.weights.subarray(start * CELLS, (start + n) * CELLS);
      const batchWeight = w.reduce((a, b) => a + b, 0);
      lossSum += weightedLoss(logits, classes, tf.tensor3d(w, [n, GRID_SIZE, GRID_SIZE])).dataSync()[0] * batchWeight;
      weightSum += batchWeight;
      const probs = tf.softmax(logits).dataSync();
      const base = start * CELLS * 3;
      for (let i = 0; i < probs.length; i++) {
        const q = Math.round(probs[i] / SOFTMAX_SCALE) + SOFTMAX_ZERO_POINT;
        outputs[base + i] = q < -128 ? -128 : q > 127 ? 127 : q;
      }
    });
  }
  return { outputs, loss: weightSum > 0 ? lossSum / weightSum : 0 };
}

/** Per photo, the merged detections of per-tile outputs at `threshold` (as FaceDetector.detect, batched). */
export function detectionsAt(set: ValidationSet, outputs: Int8Array, threshold: number): Detection[][] {
  const decoder = new GridDecoder({ outputs: [PROBABILITIES_SPEC], tileSide: INPUT_SIZE, threshold });
  const found: Detection[][] = set.photos.map(() => []);
  set.tiles.forEach(({ photo, index }, t) => {
    const plan = set.plans[photo];
    for (const face of decoder.decode([outputs.subarray(t * CELLS * 3, (t + 1) * CELLS * 3)])) {
      const [x, y] = tileToFrame(plan, index, face.x, face.y);
      found[photo].push({ x, y, cls: face.cls, confidence: face.confidence });
    }
  });
  return found.map((detections, photo) => {
    const plan = set.plans[photo];
    const cellSize = (decoder.cellSize * (plan.rw / plan.sw + plan.rh / plan.sh)) / 2;
    return mergeDetections(detections, { cellSize });
  });
}

export function metricsAt(set: ValidationSet, outputs: Int8Array, threshold: number): Metrics {
  const detections = detectionsAt(set, outputs, threshold);
  return summarize(
    set.photos.map((photo, i) => matchPhoto(detections[i], photo.faces, Math.min(photo.image.width, photo.image.height))),
  );
}

export function validate(network: Network, set: ValidationSet): ValidationResult {
  const { outputs, loss } = predict(network, set);
  return { loss, byThreshold: VALIDATION_THRESHOLDS.map((threshold) => ({ threshold, metrics: metricsAt(set, outputs, threshold) })) };
}

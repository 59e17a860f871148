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
import { type LabelledPhoto, type TargetArrays, facesInTile, writeTargets } from "../data/samples.js";
import { INPUT_SCALE, INPUT_ZERO_POINT, SOFTMAX_SCALE, SOFTMAX_ZERO_POINT } from "../export/quantize.js";
import { EVAL_SHORT_SIDE, EVAL_STRIDE, type Metrics, matchPhoto, summarize } from "../eval/protocol.js";
import type { Network } from "./network.js";

const TILE_PIXELS = INPUT_SIZE * INPUT_SIZE;
const CELLS = GRID_SIZE * GRID_SIZE;

/** The int8 model's output specs, which the float network's outputs are quantized to for decoding. */
export const PROBABILITIES_SPEC: TensorSpec = Object.freeze({
  shape: Object.freeze([1, GRID_SIZE, GRID_SIZE, 3]),
  scale: SOFTMAX_SCALE,
  zeroPoint: SOFTMAX_ZERO_POINT,
});
export const SIZES_SPEC: TensorSpec = Object.freeze({
  shape: Object.freeze([1, GRID_SIZE, GRID_SIZE, 1]),
  scale: SOFTMAX_SCALE,
  zeroPoint: SOFTMAX_ZERO_POINT,
});

/** A probability (0..1) as the int8 model writes it: scale 1/256, zero point -128. */
export function quantizeUnit(p: number): number {
  const q = Math.round(p / SOFTMAX_SCALE) + SOFTMAX_ZERO_POINT;
  return q < -128 ? -128 : q > 127 ? 127 : q;
}

/** The device's tiler configured for the evaluation protocol (or another scale, for mining). */
export function protocolTiler(shortSide = EVAL_SHORT_SIDE): FrameTiler {
  return new FrameTiler({ input: { scale: INPUT_SCALE, zeroPoint: INPUT_ZERO_POINT }, scaledShortSide: shortSide, stride: EVAL_STRIDE });
}

export interface ValidationSet extends TargetArrays {
  readonly photos: readonly LabelledPhoto[];
  readonly plans: readonly TilePlan[];
  readonly tileCount: number;
  readonly pixels: Float32Array;
  /** Per tile: photo index and tile index in that photo's plan. */
  readonly tiles: readonly { readonly photo: number; readonly index: number }[];
}

/** The protocol's tiles of `photos` with their targets (at another scale than the protocol's when `shortSide` is given). */
export function buildValidationSet(photos: readonly LabelledPhoto[], shortSide = EVAL_SHORT_SIDE): ValidationSet {
  const tiler = protocolTiler(shortSide);
  const plans = photos.map((photo) => tiler.plan(photo.image));
  const tiles = plans.flatMap((plan, photo) => plan.origins.map((_, index) => ({ photo, index })));
  const pixels = new Float32Array(tiles.length * TILE_PIXELS);
  const targets: TargetArrays = {
    classes: new Int32Array(tiles.length * CELLS),
    weights: new Float32Array(tiles.length * CELLS),
    sizes: new Float32Array(tiles.length * CELLS),
    sizeWeights: new Float32Array(tiles.length * CELLS),
  };
  const tile = new Int8Array(TILE_PIXELS);
  tiles.forEach(({ photo, index }, t) => {
    const { image, faces } = photos[photo];
    const plan = plans[photo];
    tiler.writeTile(image, plan, index, tile);
    for (let i = 0; i < TILE_PIXELS; i++) pixels[t * TILE_PIXELS + i] = (tile[i] - INPUT_ZERO_POINT) * INPUT_SCALE;
    const { x: ox, y: oy } = plan.origins[index];
    const scale = plan.sw / plan.rw;
    const tileFaces = facesInTile(faces, plan.rx, plan.ry, scale).map((f) => ({ ...f, x0: f.x0 - ox, x1: f.x1 - ox, y0: f.y0 - oy, y1: f.y1 - oy }));
    writeTargets(tileFaces, targets, t * CELLS);
  });
  return { photos, plans, tileCount: tiles.length, pixels, ...targets, tiles };
}

/** Weight of the size loss (mean absolute error of width / tile width) beside the class loss. */
export const SIZE_LOSS_WEIGHT = 4;

/** How the class loss weighs each cell's error. */
export interface LossOptions {
  /** Focal exponent on the face-or-background term (0: plain cross-entropy). */
  readonly focalGamma: number;
  /**
   * Weight of a face cell's mask / no_mask term beside its face-or-background
   * term (1: plain 3-class cross-entropy).
   */
  readonly classWeight: number;
}

export const PLAIN_CROSS_ENTROPY: LossOptions = Object.freeze({ focalGamma: 0, classWeight: 1 });

/** Per cell: the face-or-background term (focal when asked) plus classWeight x the mask / no_mask term. */
function splitLoss(logProbs: tf.Tensor4D, classes: tf.Tensor, logPClass: tf.Tensor, loss: LossOptions): tf.Tensor {
  const logPBackground = tf.squeeze(tf.slice(logProbs, [0, 0, 0, 0], [-1, -1, -1, 1]), [3]);
  const logPFace = tf.logSumExp(tf.slice(logProbs, [0, 0, 0, 1], [-1, -1, -1, 2]), -1);
  const isFace = tf.cast(tf.greater(classes, 0), "float32");
  const logPPresence = tf.add(tf.mul(isFace, logPFace), tf.mul(tf.sub(1, isFace), logPBackground));
  const presence = loss.focalGamma > 0 ? tf.mul(tf.neg(logPPresence), tf.pow(tf.sub(1, tf.exp(logPPresence)), loss.focalGamma)) : tf.neg(logPPresence);
  const kind = tf.mul(isFace, tf.sub(logPFace, logPClass));
  return tf.add(presence, tf.mul(kind, loss.classWeight));
}

/**
 * Mean weighted class loss of logits [n,12,12,3] against class ids and
 * weights, plus SIZE_LOSS_WEIGHT x the weighted mean absolute size error when
 * the network has a size head. A cell's 3-class cross-entropy is split into
 * two terms that add up to it: face or background, -log P(face) (P(face) =
 * 1 - P(background), what detection thresholds) or -log P(background); and
 * on face cells, which kind of face, -log P(class | face). `classWeight`
 * scales the second term: the protocol's face F1 depends only on the first.
 * With `focalGamma` > 0 the first term is scaled by (1 - p)^gamma, p its
 * probability of the right answer (focal loss: easy background cells count less).
 */
export function weightedLoss(
  heads: { logits: tf.Tensor4D; sizes: tf.Tensor4D | null },
  targets: { classes: tf.Tensor; weights: tf.Tensor; sizes: tf.Tensor; sizeWeights: tf.Tensor },
  loss: LossOptions = PLAIN_CROSS_ENTROPY,
  denominators?: LossDenominators,
): tf.Scalar {
  return tf.tidy(() => {
    const { logits } = heads;
    const logProbs = tf.logSoftmax(logits);
    const oneHot = tf.reshape(tf.oneHot(tf.reshape(targets.classes, [-1]) as tf.Tensor1D, 3), logits.shape);
    const logPClass = tf.sum(tf.mul(oneHot, logProbs), -1);
    // The plain loss keeps the exact ops the shipped model was trained with (same float rounding, same model from the recipe).
    const ce = loss.classWeight === 1 && loss.focalGamma === 0 ? tf.neg(logPClass) : splitLoss(logProbs, tf.reshape(targets.classes, logPClass.shape), logPClass, loss);
    const classLoss = tf.div(tf.sum(tf.mul(ce, targets.weights)), denominators?.classes ?? tf.maximum(tf.sum(targets.weights), 1));
    if (!heads.sizes) return classLoss as tf.Scalar;
    const error = tf.abs(tf.sub(tf.reshape(heads.sizes, targets.sizes.shape), targets.sizes));
    const sizeLoss = tf.div(tf.sum(tf.mul(error, targets.sizeWeights)), denominators?.sizes ?? tf.maximum(tf.sum(targets.sizeWeights), 1));
    return tf.add(classLoss, tf.mul(sizeLoss, SIZE_LOSS_WEIGHT)) as tf.Scalar;
  });
}

/**
 * The loss's normalisers (sums of cell weights) of a whole batch: a part of
 * the batch divided by these gives a loss whose gradients, summed over the
 * parts, are the whole batch's.
 */
export interface LossDenominators {
  readonly classes: number;
  readonly sizes: number;
}

export function lossDenominators(targets: TargetArrays, start: number, n: number, grid = GRID_SIZE): LossDenominators {
  let classes = 0;
  let sizes = 0;
  const cells = grid * grid;
  for (let i = start * cells; i < (start + n) * cells; i++) {
    classes += targets.weights[i];
    sizes += targets.sizeWeights[i];
  }
  return { classes: Math.max(classes, 1), sizes: Math.max(sizes, 1) };
}

/** Target tensors [n, grid, grid] of samples [start, start + n) of `targets`. */
export function targetTensors(
  targets: TargetArrays,
  start: number,
  n: number,
  grid = GRID_SIZE,
): { classes: tf.Tensor; weights: tf.Tensor; sizes: tf.Tensor; sizeWeights: tf.Tensor } {
  const shape: [number, number, number] = [n, grid, grid];
  const cells = grid * grid;
  const range = [start * cells, (start + n) * cells] as const;
  return {
    classes: tf.tensor3d(targets.classes.subarray(...range), shape, "int32"),
    weights: tf.tensor3d(targets.weights.subarray(...range), shape),
    sizes: tf.tensor3d(targets.sizes.subarray(...range), shape),
    sizeWeights: tf.tensor3d(targets.sizeWeights.subarray(...range), shape),
  };
}

export interface ValidationResult {
  readonly loss: number;
  /** Metrics at each threshold tried. */
  readonly byThreshold: readonly { readonly threshold: number; readonly metrics: Metrics }[];
}

export const VALIDATION_THRESHOLDS: readonly number[] = Object.freeze([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98]);

/** The model's outputs as the int8 model gives them, per tile. */
export interface TileOutputs {
  /** [tiles, 12, 12, 3] probabilities. */
  readonly probabilities: Int8Array;
  /** [tiles, 12, 12] widths, when the network has a size head. */
  readonly sizes: Int8Array | null;
}

/** Outputs quantized as the int8 model gives them, and the mean loss (weighted by batch). */
export function predict(network: Network, set: ValidationSet, batchSize = 64): { outputs: TileOutputs; loss: number } {
  const probabilities = new Int8Array(set.tileCount * CELLS * 3);
  const sizes = network.architecture.sizeHead ? new Int8Array(set.tileCount * CELLS) : null;
  let lossSum = 0;
  for (let start = 0; start < set.tileCount; start += batchSize) {
    const n = Math.min(batchSize, set.tileCount - start);
    tf.tidy(() => {
      const x = tf.tensor4d(set.pixels.subarray(start * TILE_PIXELS, (start + n) * TILE_PIXELS), [n, INPUT_SIZE, INPUT_SIZE, 1]);
      const heads = network.heads(x);
      lossSum += weightedLoss(heads, targetTensors(set, start, n)).dataSync()[0] * n;
      const probs = tf.softmax(heads.logits).dataSync();
      for (let i = 0; i < probs.length; i++) probabilities[start * CELLS * 3 + i] = quantizeUnit(probs[i]);
      if (sizes && heads.sizes) {
        const widths = heads.sizes.dataSync();
        for (let i = 0; i < widths.length; i++) sizes[start * CELLS + i] = quantizeUnit(widths[i]);
      }
    });
  }
  return { outputs: { probabilities, sizes }, loss: set.tileCount > 0 ? lossSum / set.tileCount : 0 };
}

/** Per photo, the merged detections of per-tile outputs at `threshold` (as FaceDetector.detect, batched). */
export function detectionsAt(set: ValidationSet, outputs: TileOutputs, threshold: number): Detection[][] {
  const { probabilities, sizes } = outputs;
  const decoder = new GridDecoder({ outputs: sizes ? [PROBABILITIES_SPEC, SIZES_SPEC] : [PROBABILITIES_SPEC], tileSide: INPUT_SIZE, threshold });
  const found: Detection[][] = set.photos.map(() => []);
  set.tiles.forEach(({ photo, index }, t) => {
    const plan = set.plans[photo];
    const tileOutputs = [probabilities.subarray(t * CELLS * 3, (t + 1) * CELLS * 3)];
    if (sizes) tileOutputs.push(sizes.subarray(t * CELLS, (t + 1) * CELLS));
    const scale = (plan.rw / plan.sw + plan.rh / plan.sh) / 2;
    for (const face of decoder.decode(tileOutputs)) {
      const [x, y] = tileToFrame(plan, index, face.x, face.y);
      const mapped: Detection = { x, y, cls: face.cls, confidence: face.confidence };
      found[photo].push(face.size === undefined ? mapped : { ...mapped, size: face.size * scale });
    }
  });
  return found.map((detections, photo) => {
    const plan = set.plans[photo];
    const cellSize = (decoder.cellSize * (plan.rw / plan.sw + plan.rh / plan.sh)) / 2;
    return mergeDetections(detections, { cellSize });
  });
}

export function metricsAt(set: ValidationSet, outputs: TileOutputs, threshold: number): Metrics {
  const detections = detectionsAt(set, outputs, threshold);
  return summarize(
    set.photos.map((photo, i) => matchPhoto(detections[i], photo.faces, Math.min(photo.image.width, photo.image.height))),
  );
}

export function validate(network: Network, set: ValidationSet): ValidationResult {
  const { outputs, loss } = predict(network, set);
  return { loss, byThreshold: VALIDATION_THRESHOLDS.map((threshold) => ({ threshold, metrics: metricsAt(set, outputs, threshold) })) };
}

/**
 * Full int8 post-training quantization of the float model, as TFLite and
 * TFLite Micro expect it: per-channel symmetric int8 weights, int32 biases at
 * input scale x weight scale, asymmetric int8 activations from ranges
 * calibrated on training tiles, softmax output at scale 1/256, zero point -128.
 */
import { layerShapes } from "../train/architecture.js";
import type { FloatModel } from "../train/network.js";

export type QuantType = "int8" | "int32";

export interface QuantTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: QuantType;
  readonly scales: readonly number[];
  readonly zeroPoints: readonly number[];
  /** The axis the per-channel scales run along (0 for per-tensor). */
  readonly quantizedDimension: number;
  /** Constant data (weights, biases); activations have none. */
  readonly data?: Int8Array | Int32Array;
}

export type QuantOp =
  | {
      readonly kind: "conv" | "depthwise";
      readonly input: number;
      readonly weights: number;
      readonly bias: number;
      readonly output: number;
      readonly stride: number;
      readonly activation: "relu6" | "none";
    }
  | { readonly kind: "add"; readonly inputs: readonly [number, number]; readonly output: number }
  | { readonly kind: "softmax"; readonly input: number; readonly output: number }
  | { readonly kind: "logistic"; readonly input: number; readonly output: number };

export interface QuantModel {
  readonly description: string;
  readonly tensors: readonly QuantTensor[];
  readonly ops: readonly QuantOp[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
}

/** Observed range of one layer's float output. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/** The model's input: pixel / 255 as int8, i.e. q = pixel - 128. */
export const INPUT_SCALE = 1 / 255;
export const INPUT_ZERO_POINT = -128;
/** TFLite's int8 softmax output quantization. */
export const SOFTMAX_SCALE = 1 / 256;
export const SOFTMAX_ZERO_POINT = -128;

/** Asymmetric int8 parameters covering [min, max] (widened to include 0, as TFLite requires). */
export function activationQuantization(range: Range): { scale: number; zeroPoint: number } {
  const min = Math.min(0, range.min);
  const max = Math.max(0, range.max, min + 1e-6);
  const scale = Math.fround((max - min) / 255);
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - min / scale)));
  return { scale, zeroPoint };
}

/** Symmetric per-channel int8 weights: channel c holds every `stride`-th value starting at c (channels last). */
export function quantizeWeightsChannelsLast(values: Float32Array, channels: number): { q: Int8Array; scales: number[] } {
  const scales: number[] = [];
  for (let c = 0; c < channels; c++) {
    let max = 0;
    for (let i = c; i < values.length; i += channels) max = Math.max(max, Math.abs(values[i]));
    scales.push(Math.fround(max > 0 ? max / 127 : 1 / 127));
  }
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(values[i] / scales[i % channels])));
  return { q, scales };
}

/** [kh, kw, ci, co] (tfjs) to [co, kh, kw, ci] (TFLite CONV_2D). */
function convKernelToOhwi(kernel: Int8Array, kh: number, kw: number, ci: number, co: number): Int8Array {
  const out = new Int8Array(kernel.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * kh + y) * kw + x) * ci + i] = kernel[((y * kw + x) * ci + i) * co + o];
  return out;
}

export interface QuantizeOptions {
  /** Added to the head's float biases before quantization (e.g. a calibrated class offset). */
  readonly headBiasOffset?: readonly number[];
  readonly description?: string;
}

/** Quantizes `model` given the calibrated output range of every layer (head logits last). */
export function quantizeModel(model: FloatModel, ranges: readonly Range[], options: QuantizeOptions = {}): QuantModel {
  const shapes = layerShapes(model.architecture);
  if (ranges.length !== shapes.length) throw new Error(`quantize: ${ranges.length} ranges for ${shapes.length} layers`);
  const tensors: QuantTensor[] = [];
  const ops: QuantOp[] = [];
  const add = (tensor: QuantTensor): number => tensors.push(tensor) - 1;
  const size = model.architecture.inputSize;
  let current = add({
    name: "input",
    shape: [1, size, size, 1],
    type: "int8",
    scales: [INPUT_SCALE],
    zeroPoints: [INPUT_ZERO_POINT],
    quantizedDimension: 0,
  });
  let inputScale = INPUT_SCALE;
  // Both heads read the last hidden layer's output.
  let hidden = current;
  let hiddenScale = inputScale;
  const outputs: number[] = [];
  // Each hidden layer's input tensor: a residual block adds its first layer's input.
  const hiddenInputs: number[] = [];
  shapes.forEach((shape, i) => {
    const { layer, role } = shape;
    const floats = model.layers[i];
    const k = layer.kernel;
    const channels = shape.outChannels;
    const source = role === "hidden" ? current : hidden;
    const sourceScale = role === "hidden" ? inputScale : hiddenScale;
    if (role === "hidden") hiddenInputs.push(source);
    const residualSource = layer.residualFrom === undefined ? undefined : hiddenInputs[layer.residualFrom];
    const { q, scales } = quantizeWeightsChannelsLast(floats.kernel, channels);
    const weights =
      layer.kind === "conv"
        ? add({
            name: `layer${i}/weights`,
            shape: [channels, k, k, shape.inChannels],
            type: "int8",
            scales,
            zeroPoints: scales.map(() => 0),
            quantizedDimension: 0,
            data: convKernelToOhwi(q, k, k, shape.inChannels, channels),
          })
        : add({
            name: `layer${i}/weights`,
            shape: [1, k, k, channels],
            type: "int8",
            scales,
            zeroPoints: scales.map(() => 0),
            quantizedDimension: 3,
            data: q,
          });
    const biasScales = scales.map((s) => Math.fround(sourceScale * s));
    const offsets = role === "classes" ? (options.headBiasOffset ?? []) : [];
    const biasData = Int32Array.from(floats.bias, (b, c) => Math.round((b + (offsets[c] ?? 0)) / biasScales[c]));
    const bias = add({
      name: `layer${i}/bias`,
      shape: [channels],
      type: "int32",
      scales: biasScales,
      zeroPoints: biasScales.map(() => 0),
      quantizedDimension: 0,
      data: biasData,
    });
    // Hidden layers clip at 6 (ReLU6); the heads' logits keep their calibrated range.
    // A layer that closes a residual block was calibrated after the sum: its own
    // output keeps ReLU6's whole range, the sum gets the calibrated one.
    const reluMax = residualSource === undefined ? Math.min(6, ranges[i].max) : 6;
    const range = layer.activation === "relu6" ? { min: 0, max: reluMax } : ranges[i];
    let { scale, zeroPoint } = activationQuantization(range);
    const grid = [1, shape.outSize, shape.outSize, channels];
    let output = add({
      name: role === "hidden" ? `layer${i}/output` : role === "classes" ? "class_logits" : "size_logits",
      shape: grid,
      type: "int8",
      scales: [scale],
      zeroPoints: [zeroPoint],
      quantizedDimension: 0,
    });
    const activation = layer.activation === "relu6" ? "relu6" : "none";
    ops.push({ kind: layer.kind, input: source, weights, bias, output, stride: layer.stride, activation });
    if (residualSource !== undefined) {
      ({ scale, zeroPoint } = activationQuantization(ranges[i]));
      const sum = add({ name: `layer${i}/residual_sum`, shape: grid, type: "int8", scales: [scale], zeroPoints: [zeroPoint], quantizedDimension: 0 });
      ops.push({ kind: "add", inputs: [output, residualSource], output: sum });
      output = sum;
    }
    if (role === "hidden") {
      current = output;
      inputScale = scale;
      hidden = output;
      hiddenScale = scale;
      return;
    }
    // Softmax and logistic outputs: TFLite's int8 convention, scale 1/256, zero point -128.
    const final = add({
      name: role === "classes" ? "probabilities" : "sizes",
      shape: grid,
      type: "int8",
      scales: [SOFTMAX_SCALE],
      zeroPoints: [SOFTMAX_ZERO_POINT],
      quantizedDimension: 0,
    });
    ops.push({ kind: role === "classes" ? "softmax" : "logistic", input: output, output: final });
    outputs.push(final);
  });
  return {
    description: options.description ?? model.architecture.name,
    tensors,
    ops,
    inputs: [0],
    outputs,
  };
}

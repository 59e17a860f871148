import { activationRange } from "../quantize.js";
import {
  BuiltinOptions,
  Conv2DOptionsField,
  DepthwiseConv2DOptionsField,
  FullyConnectedOptionsField,
  FullyConnectedWeightsFormat,
  TensorType,
} from "../schema.js";
import type { ParsedTensor } from "../parse.js";
import { KERNEL_CONV_2D, KERNEL_DEPTHWISE_CONV_2D, KERNEL_FULLY_CONNECTED } from "../assembly/opcodes.js";
import type { OpContext, PreparedOp } from "./op.js";
import { windowAxis } from "./window.js";

/** Per-channel multipliers and shifts (TensorFlow Lite's PopulateConvolutionQuantizationParams, int8). */
function perChannelRequantization(
  context: OpContext,
  input: ParsedTensor,
  filter: ParsedTensor,
  output: ParsedTensor,
  channels: number,
  channelAxis: number,
): { multipliers: Int32Array; shifts: Int32Array } {
  const inputScale = context.int8(input).scale;
  const outputScale = context.int8(output).scale;
  const scales = filter.scales;
  if (scales.length !== 1 && scales.length !== channels) context.fail(`filter has ${scales.length} scales, expected 1 or ${channels}`);
  if (scales.length > 1 && filter.shape[filter.quantizedDimension] !== channels) {
    context.fail(`filter quantized_dimension ${filter.quantizedDimension} is not the channel axis ${channelAxis}`);
  }
  const multipliers = new Int32Array(channels);
  const shifts = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const filterScale = scales.length > 1 ? scales[c] : scales[0];
    const { multiplier, shift } = context.multiplier((inputScale * filterScale) / outputScale, `channel ${c}`);
    multipliers[c] = multiplier;
    shifts[c] = shift;
  }
  return { multipliers, shifts };
}

/**
 * The table of the kernels' four-lane requantization (assembly/requantize.ts):
 * for n channels rounded up to a multiple of 4, i32 multiplier[n], i32 2^left[n],
 * i64 half[n], i64 negativeAdjust[n], i64 2^(32 - right)[n].
 */
export function requantizationTable(multipliers: Int32Array, shifts: Int32Array): Uint8Array {
  const n = Math.ceil(multipliers.length / 4) * 4;
  const bytes = new Uint8Array(n * (4 + 4 + 8 + 8 + 8));
  const view = new DataView(bytes.buffer);
  for (let c = 0; c < n; c++) {
    const multiplier = c < multipliers.length ? multipliers[c] : 0;
    const shift = c < shifts.length ? shifts[c] : 0;
    const left = Math.max(shift, 0);
    const right = Math.max(-shift, 0);
    view.setInt32(4 * c, multiplier, true);
    view.setInt32(4 * n + 4 * c, 2 ** left | 0, true);
    view.setBigInt64(8 * n + 8 * c, right > 0 ? 1n << BigInt(right - 1) : 0n, true);
    view.setBigInt64(16 * n + 8 * c, right > 0 ? 1n : 0n, true);
    view.setBigInt64(24 * n + 8 * c, 1n << BigInt(32 - right), true);
  }
  return bytes;
}

function int8ActivationRange(context: OpContext, activation: number, output: ParsedTensor): { min: number; max: number } {
  const { scale, zeroPoint } = context.int8(output);
  const range = activationRange(activation, scale, zeroPoint, -128, 127);
  if (range === undefined) context.fail(`fused activation ${activation} is not supported for int8 output with scale ${scale}`);
  return range;
}

function bias(context: OpContext, channels: number): ParsedTensor | null {
  const tensor = context.optionalInput(2);
  if (tensor === null) return null;
  context.type(tensor, TensorType.INT32);
  if (tensor.elements !== channels) context.fail(`bias has ${tensor.elements} elements, expected ${channels}`);
  return tensor;
}

export function prepareConv2d(context: OpContext): PreparedOp {
  context.arity(2, 3, 1);
  const input = context.input(0);
  const filter = context.input(1);
  const output = context.output(0);
  context.rank(input, 4);
  context.rank(filter, 4);
  context.rank(output, 4);
  context.type(filter, TensorType.INT8);
  context.activation(output);
  const options = context.options(BuiltinOptions.Conv2DOptions);
  const padding = options?.int8(Conv2DOptionsField.padding, 0) ?? 0;
  const activation = options?.int8(Conv2DOptionsField.fused_activation_function, 0) ?? 0;
  const [batches, inH, inW, inC] = input.shape;
  const [outC, filterH, filterW, filterInC] = filter.shape;
  if (inC % filterInC !== 0) context.fail(`input depth ${inC} is not a multiple of the filter depth ${filterInC}`);
  const groups = inC / filterInC;
  if (outC % groups !== 0) context.fail(`${outC} filters do not split into ${groups} groups`);
  if (output.shape[0] !== batches || output.shape[3] !== outC) context.fail(`output shape [${output.shape.join(", ")}] does not match ${batches} batches of ${outC} channels`);
  const [, outH, outW] = output.shape;
  const y = windowAxis(context, "height", padding, inH, filterH, options?.int32(Conv2DOptionsField.stride_h, 0) ?? 0, options?.int32(Conv2DOptionsField.dilation_h_factor, 1) ?? 1, outH);
  const x = windowAxis(context, "width", padding, inW, filterW, options?.int32(Conv2DOptionsField.stride_w, 0) ?? 0, options?.int32(Conv2DOptionsField.dilation_w_factor, 1) ?? 1, outW);
  const biasTensor = bias(context, outC);
  const { multipliers, shifts } = perChannelRequantization(context, input, filter, output, outC, 0);
  const range = int8ActivationRange(context, activation, output);
  const inputZeroPoint = context.int8(input).zeroPoint;
  const outputZeroPoint = context.int8(output).zeroPoint;
  return {
    kernel: KERNEL_CONV_2D,
    words: [
      { tensor: input.index }, batches, inH, inW, inC,
      { tensor: filter.index }, filterH, filterW, filterInC, outC,
      biasTensor === null ? 0 : { tensor: biasTensor.index },
      { tensor: output.index }, outH, outW,
      y.stride, x.stride, y.dilation, x.dilation, y.padding, x.padding,
      -inputZeroPoint, outputZeroPoint,
      { table: multipliers }, { table: shifts }, range.min, range.max,
      { table: requantizationTable(multipliers, shifts) },
    ],
    macs: output.elements * filterH * filterW * filterInC,
    scratchBytes: 0,
  };
}

export function prepareDepthwiseConv2d(context: OpContext): PreparedOp {
  context.arity(2, 3, 1);
  const input = context.input(0);
  const filter = context.input(1);
  const output = context.output(0);
  context.rank(input, 4);
  context.rank(filter, 4);
  context.rank(output, 4);
  context.type(filter, TensorType.INT8);
  context.activation(output);
  const options = context.options(BuiltinOptions.DepthwiseConv2DOptions);
  const padding = options?.int8(DepthwiseConv2DOptionsField.padding, 0) ?? 0;
  const activation = options?.int8(DepthwiseConv2DOptionsField.fused_activation_function, 0) ?? 0;
  const [batches, inH, inW, inC] = input.shape;
  const [filterBatch, filterH, filterW, outC] = filter.shape;
  if (filterBatch !== 1) context.fail(`filter shape [${filter.shape.join(", ")}] must start with 1`);
  if (outC % inC !== 0) context.fail(`filter depth ${outC} is not a multiple of the input depth ${inC}`);
  const depthMultiplier = outC / inC;
  const declared = options?.int32(DepthwiseConv2DOptionsField.depth_multiplier, 0) ?? 0;
  if (declared !== 0 && declared !== depthMultiplier) context.fail(`depth_multiplier ${declared} disagrees with the shapes (${depthMultiplier})`);
  if (output.shape[0] !== batches || output.shape[3] !== outC) context.fail(`output shape [${output.shape.join(", ")}] does not match ${batches} batches of ${outC} channels`);
  const [, outH, outW] = output.shape;
  const y = windowAxis(context, "height", padding, inH, filterH, options?.int32(DepthwiseConv2DOptionsField.stride_h, 0) ?? 0, options?.int32(DepthwiseConv2DOptionsField.dilation_h_factor, 1) ?? 1, outH);
  const x = windowAxis(context, "width", padding, inW, filterW, options?.int32(DepthwiseConv2DOptionsField.stride_w, 0) ?? 0, options?.int32(DepthwiseConv2DOptionsField.dilation_w_factor, 1) ?? 1, outW);
  const biasTensor = bias(context, outC);
  const { multipliers, shifts } = perChannelRequantization(context, input, filter, output, outC, 3);
  const range = int8ActivationRange(context, activation, output);
  return {
    kernel: KERNEL_DEPTHWISE_CONV_2D,
    words: [
      { tensor: input.index }, batches, inH, inW, inC,
      { tensor: filter.index }, filterH, filterW, outC, depthMultiplier,
      biasTensor === null ? 0 : { tensor: biasTensor.index },
      { tensor: output.index }, outH, outW,
      y.stride, x.stride, y.dilation, x.dilation, y.padding, x.padding,
      -context.int8(input).zeroPoint, context.int8(output).zeroPoint,
      { table: multipliers }, { table: shifts }, range.min, range.max,
      { table: requantizationTable(multipliers, shifts) },
    ],
    macs: output.elements * filterH * filterW,
    scratchBytes: 0,
  };
}

export function prepareFullyConnected(context: OpContext): PreparedOp {
  context.arity(2, 3, 1);
  const input = context.input(0);
  const filter = context.input(1);
  const output = context.output(0);
  context.rank(filter, 2);
  context.type(filter, TensorType.INT8);
  context.activation(output);
  const options = context.options(BuiltinOptions.FullyConnectedOptions);
  const activation = options?.int8(FullyConnectedOptionsField.fused_activation_function, 0) ?? 0;
  const format = options?.int8(FullyConnectedOptionsField.weights_format, 0) ?? 0;
  if (format !== FullyConnectedWeightsFormat.DEFAULT) context.fail(`weights format ${format} is not supported`);
  const [outDepth, accumDepth] = filter.shape;
  if (input.elements % accumDepth !== 0) context.fail(`input of ${input.elements} elements does not split into rows of ${accumDepth}`);
  const batches = input.elements / accumDepth;
  if (output.shape.length < 1 || output.shape[output.shape.length - 1] !== outDepth || output.elements !== batches * outDepth) {
    context.fail(`output shape [${output.shape.join(", ")}] does not match ${batches} rows of ${outDepth}`);
  }
  const biasTensor = bias(context, outDepth);
  const inputQuantization = context.int8(input);
  const outputQuantization = context.int8(output);
  let multipliers: Int32Array;
  let shifts: Int32Array;
  let filterOffset = 0;
  if (filter.scales.length > 1) {
    ({ multipliers, shifts } = perChannelRequantization(context, input, filter, output, outDepth, 0));
  } else {
    const filterQuantization = context.quantization(filter);
    // Per-tensor: TensorFlow Lite multiplies the two scales in float, and checks the bias scale.
    if (biasTensor !== null) {
      const productScale = inputQuantization.scale * filterQuantization.scale;
      const biasScale = biasTensor.scales[0] ?? 0;
      if (Math.abs(productScale - biasScale) / outputQuantization.scale > 0.02) {
        context.fail(`bias scale ${biasScale} differs from input scale x filter scale ${productScale}`);
      }
    }
    const { multiplier, shift } = context.multiplier(Math.fround(inputQuantization.scale * filterQuantization.scale) / outputQuantization.scale, "output");
    multipliers = new Int32Array(outDepth).fill(multiplier);
    shifts = new Int32Array(outDepth).fill(shift);
    filterOffset = -filterQuantization.zeroPoint;
  }
  const range = int8ActivationRange(context, activation, output);
  return {
    kernel: KERNEL_FULLY_CONNECTED,
    words: [
      { tensor: input.index }, batches, accumDepth,
      { tensor: filter.index }, outDepth,
      biasTensor === null ? 0 : { tensor: biasTensor.index },
      { tensor: output.index },
      -inputQuantization.zeroPoint, filterOffset, outputQuantization.zeroPoint,
      { table: multipliers }, { table: shifts }, range.min, range.max,
    ],
    macs: batches * outDepth * accumDepth,
    scratchBytes: 0,
  };
}

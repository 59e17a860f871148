import { activationRange } from "../quantize.js";
import { BuiltinOptions, Pool2DOptionsField } from "../schema.js";
import { KERNEL_AVERAGE_POOL_2D, KERNEL_MAX_POOL_2D } from "../assembly/opcodes.js";
import type { OpContext, PreparedOp } from "./op.js";
import { windowAxis } from "./window.js";

/** AVERAGE_POOL_2D and MAX_POOL_2D, int8 (TensorFlow Lite Micro requires equal input and output quantization). */
export function preparePool2d(context: OpContext, average: boolean): PreparedOp {
  context.arity(1, 1, 1);
  const input = context.input(0);
  const output = context.output(0);
  context.rank(input, 4);
  context.rank(output, 4);
  context.activation(output);
  const inputQuantization = context.int8(input);
  const outputQuantization = context.int8(output);
  if (Math.abs(Math.fround(inputQuantization.scale - outputQuantization.scale)) > 1.0e-6 || inputQuantization.zeroPoint !== outputQuantization.zeroPoint) {
    context.fail("input and output quantization differ");
  }
  const options = context.options(BuiltinOptions.Pool2DOptions);
  if (options === null) context.fail("Pool2DOptions are missing");
  const padding = options.int8(Pool2DOptionsField.padding, 0);
  const [batches, inH, inW, channels] = input.shape;
  if (output.shape[0] !== batches || output.shape[3] !== channels) context.fail(`output shape [${output.shape.join(", ")}] does not match the input's batches and channels`);
  const [, outH, outW] = output.shape;
  const filterH = options.int32(Pool2DOptionsField.filter_height, 0);
  const filterW = options.int32(Pool2DOptionsField.filter_width, 0);
  const y = windowAxis(context, "height", padding, inH, filterH, options.int32(Pool2DOptionsField.stride_h, 0), 1, outH);
  const x = windowAxis(context, "width", padding, inW, filterW, options.int32(Pool2DOptionsField.stride_w, 0), 1, outW);
  const activation = options.int8(Pool2DOptionsField.fused_activation_function, 0);
  const range = activationRange(activation, outputQuantization.scale, outputQuantization.zeroPoint, -128, 127);
  if (range === undefined) context.fail(`fused activation ${activation} is not supported`);
  return {
    kernel: average ? KERNEL_AVERAGE_POOL_2D : KERNEL_MAX_POOL_2D,
    words: [
      { tensor: input.index }, batches, inH, inW, channels,
      { tensor: output.index }, outH, outW,
      y.stride, x.stride, filterH, filterW, y.padding, x.padding,
      range.min, range.max,
    ],
    macs: 0,
    work: output.elements * Math.min(filterH, inH) * Math.min(filterW, inW),
    scratchBytes: 0,
  };
}

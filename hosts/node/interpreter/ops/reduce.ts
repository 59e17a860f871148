import { BuiltinOptions } from "../schema.js";
import { KERNEL_MAX_RANK, KERNEL_MEAN } from "../assembly/opcodes.js";
import { type OpContext, padShape, type PreparedOp } from "./op.js";

/** MEAN, int8, over constant axes (TensorFlow Lite Micro's QuantizedMeanOrSum). */
export function prepareMean(context: OpContext): PreparedOp {
  context.arity(2, 2, 1);
  const input = context.input(0);
  const output = context.output(0);
  context.activation(output);
  const qi = context.int8(input);
  const qo = context.int8(output);
  context.options(BuiltinOptions.ReducerOptions);
  const rank = input.shape.length;
  if (rank > KERNEL_MAX_RANK) context.fail(`rank ${rank} exceeds ${KERNEL_MAX_RANK}`);
  const axes = new Set<number>();
  for (const axis of context.constantInt32s(context.input(1))) {
    const resolved = axis < 0 ? axis + rank : axis;
    if (resolved < 0 || resolved >= rank) context.fail(`axis ${axis} out of range for rank ${rank}`);
    axes.add(resolved);
  }
  const kept = input.shape.filter((_, i) => !axes.has(i));
  const outputs = kept.reduce((a, b) => a * b, 1);
  if (output.elements !== outputs) context.fail(`output has ${output.elements} elements, expected ${outputs}`);
  const perOutput = input.elements / outputs;

  // Output stride of each input dimension (0 along a reduced axis).
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    if (axes.has(i)) continue;
    strides[i] = stride;
    stride *= input.shape[i];
  }

  // Fold 1 / perOutput into the multiplier, as the reference kernel does.
  const base = context.multiplier(qi.scale / qo.scale, "output");
  const shift = Math.min(31 - Math.clz32(perOutput), 32, 31 + base.shift);
  const multiplier = Number((BigInt(base.multiplier) << BigInt(shift)) / BigInt(perOutput));
  return {
    kernel: KERNEL_MEAN,
    words: [
      { tensor: input.index }, { tensor: output.index }, { scratch: true }, outputs,
      ...padShape(input.shape, KERNEL_MAX_RANK), ...new Array<number>(KERNEL_MAX_RANK - rank).fill(0), ...strides,
      qi.zeroPoint, perOutput, multiplier, base.shift - shift, qo.zeroPoint,
    ],
    macs: 0,
    work: input.elements,
    scratchBytes: 4 * outputs,
  };
}

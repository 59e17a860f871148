import { BuiltinOptions, ConcatenationOptionsField, TensorType } from "../schema.js";
import { elementBytes, type ParsedTensor } from "../parse.js";
import { KERNEL_CONCATENATION, KERNEL_COPY, KERNEL_MAX_RANK, KERNEL_PAD } from "../assembly/opcodes.js";
import { type OpContext, padShape, type PreparedOp, type Word } from "./op.js";

const DATA_TYPES = [TensorType.INT8, TensorType.INT32, TensorType.FLOAT32];

/** RESHAPE: the bytes stay in order, so a copy into the output tensor. */
export function prepareReshape(context: OpContext): PreparedOp {
  context.arity(1, 2, 1);
  const input = context.input(0);
  const output = context.output(0);
  context.activation(output);
  context.type(input, ...DATA_TYPES);
  context.type(output, input.type);
  if (input.elements !== output.elements) context.fail(`cannot reshape [${input.shape.join(", ")}] into [${output.shape.join(", ")}]`);
  return { kernel: KERNEL_COPY, words: [{ tensor: input.index }, { tensor: output.index }, input.bytes], macs: 0, scratchBytes: 0 };
}

/** PAD and PADV2 with constant paddings; the pad value is the output zero point (PAD) or the constant_values scalar (PADV2). */
export function preparePad(context: OpContext, withValue: boolean): PreparedOp {
  context.arity(2, withValue ? 3 : 2, 1);
  const input = context.input(0);
  const output = context.output(0);
  context.activation(output);
  context.type(input, ...DATA_TYPES);
  context.type(output, input.type);
  const rank = input.shape.length;
  if (rank > 5) context.fail(`rank ${rank} exceeds 5`);
  context.rank(output, rank);
  const paddings = context.constantInt32s(context.input(1));
  if (paddings.length !== 2 * rank) context.fail(`paddings have ${paddings.length} values, expected ${2 * rank}`);
  for (let i = 0; i < rank; i++) {
    const [before, after] = [paddings[2 * i], paddings[2 * i + 1]];
    if (before < 0 || after < 0) context.fail(`negative padding in dimension ${i}`);
    if (input.shape[i] + before + after !== output.shape[i]) context.fail(`output dimension ${i} is ${output.shape[i]}, expected ${input.shape[i] + before + after}`);
  }
  let padValue = 0;
  const constant = withValue ? context.optionalInput(2) : null;
  if (constant !== null) {
    context.type(constant, input.type);
    if (constant.elements !== 1 || constant.data === null) context.fail("constant_values must be a constant scalar");
    if (input.type === TensorType.INT8) {
      const qc = context.quantization(constant);
      const qo = context.quantization(output);
      if (qc.scale !== qo.scale || qc.zeroPoint !== qo.zeroPoint) context.fail("constant_values quantization differs from the output's");
    }
    const view = new DataView(constant.data.buffer, constant.data.byteOffset, constant.data.byteLength);
    padValue = input.type === TensorType.INT8 ? view.getInt8(0) : view.getInt32(0, true);
  } else if (input.type === TensorType.INT8) {
    padValue = context.int8(output).zeroPoint;
  }
  const left = new Array<number>(KERNEL_MAX_RANK - rank).fill(0);
  for (let i = 0; i < rank; i++) left.push(paddings[2 * i]);
  return {
    kernel: KERNEL_PAD,
    words: [
      { tensor: input.index }, { tensor: output.index }, elementBytes(input.type) ?? 1, padValue,
      ...padShape(output.shape, KERNEL_MAX_RANK), ...left, ...padShape(input.shape, KERNEL_MAX_RANK),
    ],
    macs: 0,
    scratchBytes: 0,
  };
}

/** Concatenation limit of TensorFlow Lite Micro. */
const MAX_CONCATENATION_INPUTS = 10;

/** CONCATENATION; int8 inputs must share the output's quantization, as TensorFlow Lite Micro requires. */
export function prepareConcatenation(context: OpContext): PreparedOp {
  context.arity(1, MAX_CONCATENATION_INPUTS, 1);
  const output = context.output(0);
  context.activation(output);
  context.type(output, ...DATA_TYPES);
  const options = context.options(BuiltinOptions.ConcatenationOptions);
  if ((options?.int8(ConcatenationOptionsField.fused_activation_function, 0) ?? 0) !== 0) context.fail("fused activations are not supported");
  const rank = output.shape.length;
  let axis = options?.int32(ConcatenationOptionsField.axis, 0) ?? 0;
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) context.fail(`axis ${axis} out of range for rank ${rank}`);
  const inputs: ParsedTensor[] = context.op.inputs.map((_, i) => context.input(i));
  let total = 0;
  for (const input of inputs) {
    context.type(input, output.type);
    context.rank(input, rank);
    if (input.shape.some((dim, i) => i !== axis && dim !== output.shape[i])) context.fail(`${context.label(input)} shape [${input.shape.join(", ")}] does not fit output [${output.shape.join(", ")}]`);
    if (output.type === TensorType.INT8) {
      const qi = context.quantization(input);
      const qo = context.quantization(output);
      if (qi.scale !== qo.scale || qi.zeroPoint !== qo.zeroPoint) context.fail(`${context.label(input)} quantization differs from the output's (TensorFlow Lite Micro does not rescale)`);
    }
    total += input.shape[axis];
  }
  if (total !== output.shape[axis]) context.fail(`inputs add up to ${total} along axis ${axis}, output has ${output.shape[axis]}`);
  const outer = output.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = output.shape.slice(axis + 1).reduce((a, b) => a * b, 1) * (elementBytes(output.type) ?? 1);
  const pairs: Word[] = inputs.flatMap((input) => [{ tensor: input.index }, input.shape[axis] * inner]);
  return { kernel: KERNEL_CONCATENATION, words: [{ tensor: output.index }, outer, inputs.length, ...pairs], macs: 0, scratchBytes: 0 };
}

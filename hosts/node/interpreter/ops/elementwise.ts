import { activationRange } from "../quantize.js";
import { AddOptionsField, BuiltinOptions, MulOptionsField } from "../schema.js";
import { KERNEL_ADD, KERNEL_MAX_RANK, KERNEL_MUL } from "../assembly/opcodes.js";
import type { ParsedTensor } from "../parse.js";
import { type OpContext, padShape, type PreparedOp, type Word } from "./op.js";

/** Output dims and the two inputs' strides (0 along broadcast dimensions), padded to KERNEL_MAX_RANK. */
function broadcast(context: OpContext, a: ParsedTensor, b: ParsedTensor, output: ParsedTensor): number[] {
  for (const tensor of [a, b, output]) {
    if (tensor.shape.length > KERNEL_MAX_RANK) context.fail(`${context.label(tensor)} has rank ${tensor.shape.length}, at most ${KERNEL_MAX_RANK} is supported`);
  }
  const shapeA = padShape(a.shape, KERNEL_MAX_RANK);
  const shapeB = padShape(b.shape, KERNEL_MAX_RANK);
  const dims = shapeA.map((dimA, i) => {
    const dimB = shapeB[i];
    if (dimA !== dimB && dimA !== 1 && dimB !== 1) context.fail(`shapes [${a.shape.join(", ")}] and [${b.shape.join(", ")}] do not broadcast`);
    return Math.max(dimA, dimB);
  });
  const expected = padShape(output.shape, KERNEL_MAX_RANK);
  if (dims.some((dim, i) => dim !== expected[i]) || output.shape.length !== Math.max(a.shape.length, b.shape.length)) {
    context.fail(`output shape [${output.shape.join(", ")}] is not the broadcast shape [${dims.slice(KERNEL_MAX_RANK - Math.max(a.shape.length, b.shape.length)).join(", ")}]`);
  }
  const strides = (shape: number[]): number[] => {
    const result = new Array<number>(KERNEL_MAX_RANK);
    let stride = 1;
    for (let i = KERNEL_MAX_RANK - 1; i >= 0; i--) {
      result[i] = shape[i] === 1 && dims[i] !== 1 ? 0 : stride;
      stride *= shape[i];
    }
    return result;
  };
  return [...dims, ...strides(shapeA), ...strides(shapeB)];
}

function int8Range(context: OpContext, activation: number, scale: number, zeroPoint: number): { min: number; max: number } {
  const range = activationRange(activation, scale, zeroPoint, -128, 127);
  if (range === undefined) context.fail(`fused activation ${activation} is not supported`);
  return range;
}

/** ADD and MUL, int8, with broadcasting. */
export function prepareBinary(context: OpContext, isAdd: boolean): PreparedOp {
  context.arity(2, 2, 1);
  const a = context.input(0);
  const b = context.input(1);
  const output = context.output(0);
  context.activation(output);
  const qa = context.int8(a);
  const qb = context.int8(b);
  const qo = context.int8(output);
  const layout = broadcast(context, a, b, output);
  const head: Word[] = [{ tensor: a.index }, { tensor: b.index }, { tensor: output.index }, ...layout];
  if (isAdd) {
    const options = context.options(BuiltinOptions.AddOptions);
    const range = int8Range(context, options?.int8(AddOptionsField.fused_activation_function, 0) ?? 0, qo.scale, qo.zeroPoint);
    const leftShift = 20;
    const twiceMaxInputScale = 2 * Math.max(qa.scale, qb.scale);
    const smallerThanOne = (real: number, what: string) => {
      if (!(real > 0 && real < 1)) context.fail(`${what}: effective scale ${real} must be in (0, 1)`);
      return context.multiplier(real, what);
    };
    const m1 = smallerThanOne(qa.scale / twiceMaxInputScale, "input 1");
    const m2 = smallerThanOne(qb.scale / twiceMaxInputScale, "input 2");
    const mo = smallerThanOne(twiceMaxInputScale / ((1 << leftShift) * qo.scale), "output");
    return {
      kernel: KERNEL_ADD,
      words: [...head, leftShift, -qa.zeroPoint, m1.multiplier, m1.shift, -qb.zeroPoint, m2.multiplier, m2.shift, mo.multiplier, mo.shift, qo.zeroPoint, range.min, range.max],
      macs: 0,
      scratchBytes: 0,
    };
  }
  const options = context.options(BuiltinOptions.MulOptions);
  const range = int8Range(context, options?.int8(MulOptionsField.fused_activation_function, 0) ?? 0, qo.scale, qo.zeroPoint);
  const m = context.multiplier((qa.scale * qb.scale) / qo.scale, "output");
  return {
    kernel: KERNEL_MUL,
    words: [...head, -qa.zeroPoint, -qb.zeroPoint, m.multiplier, m.shift, qo.zeroPoint, range.min, range.max],
    macs: 0,
    scratchBytes: 0,
  };
}

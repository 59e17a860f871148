import { calculateInputRadius, frexp, preprocessSoftmaxScaling, roundHalfAway } from "../quantize.js";
import { BuiltinOptions, SoftmaxOptionsField } from "../schema.js";
import { KERNEL_LOGISTIC, KERNEL_SOFTMAX } from "../assembly/opcodes.js";
import type { OpContext, PreparedOp } from "./op.js";

const SCALED_DIFF_INTEGER_BITS = 5;
/** Each exp adds up to 2^19 to an int32 sum (Q12.19): more than 4095 terms could overflow it. */
const MAX_SOFTMAX_DEPTH = 4095;

/** SOFTMAX, int8 in, int8 out (zero point -128, scale 1/256), over the last dimension. */
export function prepareSoftmax(context: OpContext): PreparedOp {
  context.arity(1, 1, 1);
  const input = context.input(0);
  const output = context.output(0);
  context.activation(output);
  const qi = context.int8(input);
  const qo = context.int8(output);
  if (qo.zeroPoint !== -128 || qo.scale !== 1 / 256) context.fail(`output quantization must be scale 1/256, zero point -128 (is ${qo.scale}, ${qo.zeroPoint})`);
  context.sameShape(input, output);
  if (input.shape.length < 1) context.fail("input must have at least one dimension");
  const depth = input.shape[input.shape.length - 1];
  if (depth > MAX_SOFTMAX_DEPTH) context.fail(`depth ${depth} exceeds ${MAX_SOFTMAX_DEPTH}`);
  const beta = context.options(BuiltinOptions.SoftmaxOptions)?.float32(SoftmaxOptionsField.beta, 0) ?? 0;
  const real = Math.min(beta * qi.scale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)), 2 ** 31 - 1);
  if (!(real > 1)) context.fail(`beta ${beta} times input scale ${qi.scale} is too small`);
  const { multiplier, shift } = preprocessSoftmaxScaling(beta, qi.scale, SCALED_DIFF_INTEGER_BITS);
  if (shift < 0 || shift > 30) context.fail(`input scaling shift ${shift} out of range`);
  const diffMin = -calculateInputRadius(SCALED_DIFF_INTEGER_BITS, shift);
  return {
    kernel: KERNEL_SOFTMAX,
    words: [{ tensor: input.index }, { tensor: output.index }, input.elements / depth, depth, multiplier, shift, diffMin],
    macs: 0,
    scratchBytes: 0,
  };
}

const LOGISTIC_INPUT_INTEGER_BITS = 4;

/** LOGISTIC, int8 in, int8 out (zero point -128). */
export function prepareLogistic(context: OpContext): PreparedOp {
  context.arity(1, 1, 1);
  const input = context.input(0);
  const output = context.output(0);
  context.activation(output);
  const qi = context.int8(input);
  const qo = context.int8(output);
  if (qo.zeroPoint !== -128) context.fail(`output zero point must be -128 (is ${qo.zeroPoint})`);
  context.sameShape(input, output);
  // TensorFlow Lite Micro: frexp of scale * 2^27, without QuantizeMultiplier's renormalisation.
  const { fraction, exponent } = frexp(qi.scale * 2 ** (31 - LOGISTIC_INPUT_INTEGER_BITS));
  const multiplier = roundHalfAway(fraction * 2 ** 31);
  if (qi.scale <= 0 || exponent > 30 || exponent < 0 || multiplier >= 2 ** 31) context.fail(`input scale ${qi.scale} out of range`);
  const radius = calculateInputRadius(LOGISTIC_INPUT_INTEGER_BITS, exponent, 31);
  return {
    kernel: KERNEL_LOGISTIC,
    words: [{ tensor: input.index }, { tensor: output.index }, input.elements, qi.zeroPoint, radius, multiplier, exponent],
    macs: 0,
    scratchBytes: 0,
  };
}

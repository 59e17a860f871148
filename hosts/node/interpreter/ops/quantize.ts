import { TensorType } from "../schema.js";
import { KERNEL_DEQUANTIZE, KERNEL_QUANTIZE_FLOAT, KERNEL_REQUANTIZE } from "../assembly/opcodes.js";
import type { OpContext, PreparedOp } from "./op.js";

/** QUANTIZE: float32 -> int8, or int8 -> int8 requantization. */
export function prepareQuantize(context: OpContext): PreparedOp {
  context.arity(1, 1, 1);
  const input = context.input(0);
  const output = context.output(0);
  context.activation(output);
  context.type(input, TensorType.FLOAT32, TensorType.INT8);
  const qo = context.int8(output);
  context.sameShape(input, output);
  if (input.type === TensorType.FLOAT32) {
    if (!(qo.scale > 0)) context.fail(`output scale ${qo.scale} must be positive`);
    const bits = new DataView(new ArrayBuffer(4));
    bits.setFloat32(0, qo.scale);
    return {
      kernel: KERNEL_QUANTIZE_FLOAT,
      words: [{ tensor: input.index }, { tensor: output.index }, input.elements, bits.getInt32(0), qo.zeroPoint],
      macs: 0,
      scratchBytes: 0,
    };
  }
  const qi = context.int8(input);
  const m = context.multiplier(qi.scale / qo.scale, "output");
  return {
    kernel: KERNEL_REQUANTIZE,
    words: [{ tensor: input.index }, { tensor: output.index }, input.elements, qi.zeroPoint, qo.zeroPoint, m.multiplier, m.shift],
    macs: 0,
    scratchBytes: 0,
  };
}

/** DEQUANTIZE: int8 -> float32. */
export function prepareDequantize(context: OpContext): PreparedOp {
  context.arity(1, 1, 1);
  const input = context.input(0);
  const output = context.output(0);
  context.activation(output);
  context.type(output, TensorType.FLOAT32);
  const qi = context.int8(input);
  context.sameShape(input, output);
  const scale = new Int32Array(new Float64Array([qi.scale]).buffer);
  return {
    kernel: KERNEL_DEQUANTIZE,
    words: [{ tensor: input.index }, { tensor: output.index }, input.elements, qi.zeroPoint, scale[0], scale[1]],
    macs: 0,
    scratchBytes: 0,
  };
}

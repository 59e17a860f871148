import { Padding } from "../schema.js";
import type { OpContext } from "./op.js";

/** Stride, dilation and padding of a sliding window along one spatial axis. */
export interface WindowAxis {
  readonly stride: number;
  readonly dilation: number;
  readonly padding: number;
}

/**
 * TensorFlow Lite's output size and padding for one axis (ComputeOutSizeChecked,
 * ComputePaddingWithOffset): checks the output tensor's size against it and
 * returns the leading padding.
 */
export function windowAxis(
  context: OpContext,
  axis: string,
  padding: number,
  inSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
  outSize: number,
): WindowAxis {
  if (padding !== Padding.SAME && padding !== Padding.VALID) context.fail(`unknown padding ${padding}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > 65535) context.fail(`${axis} stride ${stride} out of range`);
  if (!Number.isInteger(dilation) || dilation < 1 || dilation > 65535) context.fail(`${axis} dilation ${dilation} out of range`);
  if (filterSize < 1 || filterSize > 65535) context.fail(`${axis} filter size ${filterSize} out of range`);
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  const expected =
    padding === Padding.SAME ? Math.floor((inSize + stride - 1) / stride) : Math.floor((inSize + stride - effectiveFilter) / stride);
  if (expected < 1) context.fail(`${axis}: a ${effectiveFilter}-wide window does not fit an input of ${inSize}`);
  if (outSize !== expected) context.fail(`output ${axis} is ${outSize}, expected ${expected} (${padding === Padding.SAME ? "SAME" : "VALID"} padding)`);
  const total = Math.max((outSize - 1) * stride + effectiveFilter - inSize, 0);
  return { stride, dilation, padding: Math.floor(total / 2) };
}

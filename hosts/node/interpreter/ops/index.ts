import { BuiltinOperator } from "../schema.js";
import { prepareLogistic, prepareSoftmax } from "./activations.js";
import { prepareConv2d, prepareDepthwiseConv2d, prepareFullyConnected } from "./conv.js";
import { prepareBinary } from "./elementwise.js";
import type { OpContext, PreparedOp } from "./op.js";
import { preparePool2d } from "./pool.js";
import { prepareDequantize, prepareQuantize } from "./quantize.js";
import { prepareMean } from "./reduce.js";
import { prepareConcatenation, preparePad, prepareReshape } from "./shape.js";

type Prepare = (context: OpContext) => PreparedOp;

/** The operators this interpreter runs, by BuiltinOperator code. */
export const SUPPORTED_OPERATORS: ReadonlyMap<number, Prepare> = new Map<number, Prepare>([
  [BuiltinOperator.CONV_2D, prepareConv2d],
  [BuiltinOperator.DEPTHWISE_CONV_2D, prepareDepthwiseConv2d],
  [BuiltinOperator.FULLY_CONNECTED, prepareFullyConnected],
  [BuiltinOperator.AVERAGE_POOL_2D, (context) => preparePool2d(context, true)],
  [BuiltinOperator.MAX_POOL_2D, (context) => preparePool2d(context, false)],
  [BuiltinOperator.ADD, (context) => prepareBinary(context, true)],
  [BuiltinOperator.MUL, (context) => prepareBinary(context, false)],
  [BuiltinOperator.SOFTMAX, prepareSoftmax],
  [BuiltinOperator.LOGISTIC, prepareLogistic],
  [BuiltinOperator.RESHAPE, prepareReshape],
  [BuiltinOperator.PAD, (context) => preparePad(context, false)],
  [BuiltinOperator.PADV2, (context) => preparePad(context, true)],
  [BuiltinOperator.CONCATENATION, prepareConcatenation],
  [BuiltinOperator.QUANTIZE, prepareQuantize],
  [BuiltinOperator.DEQUANTIZE, prepareDequantize],
  [BuiltinOperator.MEAN, prepareMean],
]);

export { OpContext, type PreparedOp, type Word } from "./op.js";

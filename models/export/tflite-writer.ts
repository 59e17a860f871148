/**
 * Writes a QuantModel as a standard .tflite flatbuffer (schema version 3,
 * identifier "TFL3") with the flatbuffers runtime; the format constants come
 * from the interpreter's schema module.
 */
import { Builder } from "flatbuffers";
import {
  ActivationFunctionType,
  AddOptionsField,
  BufferField,
  BuiltinOperator,
  BuiltinOptions,
  Conv2DOptionsField,
  DepthwiseConv2DOptionsField,
  FILE_IDENTIFIER,
  ModelField,
  OperatorCodeField,
  OperatorField,
  Padding,
  QuantizationParametersField,
  SCHEMA_VERSION,
  SoftmaxOptionsField,
  SubGraphField,
  TensorField,
  TensorType,
} from "../../hosts/node/interpreter/schema.js";
import type { QuantModel, QuantOp, QuantTensor } from "./quantize.js";

/** Operator code and version (the versions TFLite's converter gives int8 per-channel kernels). */
const OPERATORS: Readonly<Record<QuantOp["kind"], { code: number; version: number }>> = Object.freeze({
  conv: { code: BuiltinOperator.CONV_2D, version: 3 },
  depthwise: { code: BuiltinOperator.DEPTHWISE_CONV_2D, version: 3 },
  add: { code: BuiltinOperator.ADD, version: 2 },
  softmax: { code: BuiltinOperator.SOFTMAX, version: 2 },
  logistic: { code: BuiltinOperator.LOGISTIC, version: 2 },
});

const BUFFER_ALIGNMENT = 16;

function intVector(builder: Builder, values: readonly number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt32(values[i]);
  return builder.endVector();
}

function floatVector(builder: Builder, values: readonly number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addFloat32(values[i]);
  return builder.endVector();
}

function longVector(builder: Builder, values: readonly number[]): number {
  builder.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt64(BigInt(values[i]));
  return builder.endVector();
}

function offsetVector(builder: Builder, offsets: readonly number[]): number {
  builder.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) builder.addOffset(offsets[i]);
  return builder.endVector();
}

function bytesOf(data: Int8Array | Int32Array): Uint8Array {
  // Little-endian, as the format requires (x86 and the ESP32 are little-endian too).
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  if (data instanceof Int8Array) bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  else data.forEach((v, i) => view.setInt32(i * 4, v, true));
  return bytes;
}

function writeBuffer(builder: Builder, data: Uint8Array | null): number {
  let vector = 0;
  if (data) {
    builder.startVector(1, data.length, BUFFER_ALIGNMENT);
    for (let i = data.length - 1; i >= 0; i--) builder.addInt8(data[i]);
    vector = builder.endVector();
  }
  builder.startObject(3);
  if (data) builder.addFieldOffset(BufferField.data, vector, 0);
  return builder.endObject();
}

function writeTensor(builder: Builder, tensor: QuantTensor, buffer: number): number {
  const name = builder.createString(tensor.name);
  const shape = intVector(builder, tensor.shape);
  const scale = floatVector(builder, tensor.scales);
  const zeroPoint = longVector(builder, tensor.zeroPoints);
  builder.startObject(7);
  builder.addFieldOffset(QuantizationParametersField.scale, scale, 0);
  builder.addFieldOffset(QuantizationParametersField.zero_point, zeroPoint, 0);
  builder.addFieldInt32(QuantizationParametersField.quantized_dimension, tensor.quantizedDimension, 0);
  const quantization = builder.endObject();
  builder.startObject(8);
  builder.addFieldOffset(TensorField.shape, shape, 0);
  builder.addFieldInt8(TensorField.type, tensor.type === "int8" ? TensorType.INT8 : TensorType.INT32, 0);
  builder.addFieldInt32(TensorField.buffer, buffer, 0);
  builder.addFieldOffset(TensorField.name, name, 0);
  builder.addFieldOffset(TensorField.quantization, quantization, 0);
  return builder.endObject();
}

function writeOptions(builder: Builder, op: QuantOp): { type: number; table: number } {
  if (op.kind === "logistic") return { type: BuiltinOptions.NONE, table: 0 };
  if (op.kind === "add") {
    builder.startObject(2);
    builder.addFieldInt8(AddOptionsField.fused_activation_function, ActivationFunctionType.NONE, -1);
    return { type: BuiltinOptions.AddOptions, table: builder.endObject() };
  }
  if (op.kind === "softmax") {
    builder.startObject(1);
    builder.addFieldFloat32(SoftmaxOptionsField.beta, 1, 0);
    return { type: BuiltinOptions.SoftmaxOptions, table: builder.endObject() };
  }
  const activation = op.activation === "relu6" ? ActivationFunctionType.RELU6 : ActivationFunctionType.NONE;
  if (op.kind === "conv") {
    builder.startObject(7);
    builder.addFieldInt8(Conv2DOptionsField.padding, Padding.SAME, -1);
    builder.addFieldInt32(Conv2DOptionsField.stride_w, op.stride, 0);
    builder.addFieldInt32(Conv2DOptionsField.stride_h, op.stride, 0);
    builder.addFieldInt8(Conv2DOptionsField.fused_activation_function, activation, -1);
    builder.addFieldInt32(Conv2DOptionsField.dilation_w_factor, 1, 0);
    builder.addFieldInt32(Conv2DOptionsField.dilation_h_factor, 1, 0);
    return { type: BuiltinOptions.Conv2DOptions, table: builder.endObject() };
  }
  builder.startObject(7);
  builder.addFieldInt8(DepthwiseConv2DOptionsField.padding, Padding.SAME, -1);
  builder.addFieldInt32(DepthwiseConv2DOptionsField.stride_w, op.stride, 0);
  builder.addFieldInt32(DepthwiseConv2DOptionsField.stride_h, op.stride, 0);
  builder.addFieldInt32(DepthwiseConv2DOptionsField.depth_multiplier, 1, 0);
  builder.addFieldInt8(DepthwiseConv2DOptionsField.fused_activation_function, activation, -1);
  builder.addFieldInt32(DepthwiseConv2DOptionsField.dilation_w_factor, 1, 0);
  builder.addFieldInt32(DepthwiseConv2DOptionsField.dilation_h_factor, 1, 0);
  return { type: BuiltinOptions.DepthwiseConv2DOptions, table: builder.endObject() };
}

/** The .tflite bytes of `model`. Constant tensors get a buffer each; buffer 0 is the empty sentinel. */
export function writeTflite(model: QuantModel): Uint8Array {
  const builder = new Builder(64 * 1024);
  const kinds = [...new Set(model.ops.map((op) => op.kind))];

  // Buffers: [empty, then one per constant tensor in tensor order].
  const bufferOfTensor = model.tensors.map(() => 0);
  const bufferTables = [writeBuffer(builder, null)];
  model.tensors.forEach((tensor, i) => {
    if (!tensor.data) return;
    bufferOfTensor[i] = bufferTables.length;
    bufferTables.push(writeBuffer(builder, bytesOf(tensor.data)));
  });

  const tensors = model.tensors.map((tensor, i) => writeTensor(builder, tensor, bufferOfTensor[i]));
  const operators = model.ops.map((op) => {
    const inputs = intVector(builder, op.kind === "conv" || op.kind === "depthwise" ? [op.input, op.weights, op.bias] : op.kind === "add" ? op.inputs : [op.input]);
    const outputs = intVector(builder, [op.output]);
    const options = writeOptions(builder, op);
    builder.startObject(14);
    builder.addFieldInt32(OperatorField.opcode_index, kinds.indexOf(op.kind), 0);
    builder.addFieldOffset(OperatorField.inputs, inputs, 0);
    builder.addFieldOffset(OperatorField.outputs, outputs, 0);
    builder.addFieldInt8(OperatorField.builtin_options_type, options.type, 0);
    if (options.table !== 0) builder.addFieldOffset(OperatorField.builtin_options, options.table, 0);
    return builder.endObject();
  });

  const subgraphName = builder.createString("main");
  const tensorVector = offsetVector(builder, tensors);
  const inputVector = intVector(builder, model.inputs);
  const outputVector = intVector(builder, model.outputs);
  const operatorVector = offsetVector(builder, operators);
  builder.startObject(5);
  builder.addFieldOffset(SubGraphField.tensors, tensorVector, 0);
  builder.addFieldOffset(SubGraphField.inputs, inputVector, 0);
  builder.addFieldOffset(SubGraphField.outputs, outputVector, 0);
  builder.addFieldOffset(SubGraphField.operators, operatorVector, 0);
  builder.addFieldOffset(SubGraphField.name, subgraphName, 0);
  const subgraph = builder.endObject();

  const codes = kinds.map((kind) => {
    const { code, version } = OPERATORS[kind];
    builder.startObject(4);
    builder.addFieldInt8(OperatorCodeField.deprecated_builtin_code, code, -1);
    builder.addFieldInt32(OperatorCodeField.version, version, 1);
    builder.addFieldInt32(OperatorCodeField.builtin_code, code, -1);
    return builder.endObject();
  });

  const codeVector = offsetVector(builder, codes);
  const subgraphVector = offsetVector(builder, [subgraph]);
  const description = builder.createString(model.description);
  const bufferVector = offsetVector(builder, bufferTables);
  builder.startObject(8);
  builder.addFieldInt32(ModelField.version, SCHEMA_VERSION, 0);
  builder.addFieldOffset(ModelField.operator_codes, codeVector, 0);
  builder.addFieldOffset(ModelField.subgraphs, subgraphVector, 0);
  builder.addFieldOffset(ModelField.description, description, 0);
  builder.addFieldOffset(ModelField.buffers, bufferVector, 0);
  const root = builder.endObject();
  builder.finish(root, FILE_IDENTIFIER);
  return builder.asUint8Array().slice();
}

/** The C source of `bytes` as a 16-byte aligned array, for the device build. */
export function cArray(bytes: Uint8Array, symbol: string, note: string): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(`  ${Array.from(bytes.subarray(i, i + 16), (b) => `0x${b.toString(16).padStart(2, "0")}`).join(", ")},`);
  }
  return (
    `/* ${note} */\n` +
    `#include <stdalign.h>\n\n` +
    `const unsigned int ${symbol}_len = ${bytes.length};\n` +
    `alignas(16) const unsigned char ${symbol}[${bytes.length}] = {\n${lines.join("\n")}\n};\n`
  );
}

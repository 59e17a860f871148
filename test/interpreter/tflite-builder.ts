/**
 * Builds small .tflite files for tests with the flatbuffers Builder and the
 * interpreter's schema constants.
 */
import { Builder } from "flatbuffers";
import {
  BufferField,
  FILE_IDENTIFIER,
  ModelField,
  OperatorCodeField,
  OperatorField,
  PLACEHOLDER_FOR_GREATER_OP_CODES,
  QuantizationParametersField,
  SCHEMA_VERSION,
  SubGraphField,
  TensorField,
  TensorType,
} from "../../hosts/node/interpreter/schema.js";

export interface TensorDef {
  readonly shape: readonly number[];
  /** TensorType code; default INT8. */
  readonly type?: number;
  readonly name?: string;
  readonly scale?: number | readonly number[];
  readonly zeroPoint?: number | readonly number[];
  readonly quantizedDimension?: number;
  /** Constant data. */
  readonly data?: Int8Array | Int32Array | Float32Array | Uint8Array;
}

/** One field of an options table: [field id, kind, value]. */
export type OptionField = readonly [number, "int8" | "int32" | "float32" | "bool", number | boolean] | readonly [number, "int32s", readonly number[]];

export interface OperatorDef {
  /** BuiltinOperator code. */
  readonly code: number;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** BuiltinOptions union type id and fields. */
  readonly options?: { readonly type: number; readonly fields: readonly OptionField[] };
  readonly customCode?: string;
}

export interface ModelDef {
  readonly tensors: readonly TensorDef[];
  readonly operators: readonly OperatorDef[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly version?: number;
  readonly identifier?: string;
}

function int32Vector(builder: Builder, values: readonly number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt32(values[i]);
  return builder.endVector();
}

function bytesOf(data: Int8Array | Int32Array | Float32Array | Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function optionsTable(builder: Builder, fields: readonly OptionField[]): number {
  const vectors = new Map<number, number>();
  for (const field of fields) if (field[1] === "int32s") vectors.set(field[0], int32Vector(builder, field[2]));
  builder.startObject(16);
  for (const field of fields) {
    const [id, kind, value] = field;
    if (kind === "int32s") builder.addFieldOffset(id, vectors.get(id) as number, 0);
    else if (kind === "int8") builder.addFieldInt8(id, value as number, null);
    else if (kind === "bool") builder.addFieldInt8(id, value ? 1 : 0, null);
    else if (kind === "int32") builder.addFieldInt32(id, value as number, null);
    else builder.addFieldFloat32(id, value as number, null);
  }
  return builder.endObject();
}

/** A .tflite file of one subgraph. */
export function buildModel(def: ModelDef): Uint8Array {
  const builder = new Builder(1024);

  // Buffers: 0 is the empty sentinel, then one per constant tensor.
  const bufferOffsets: number[] = [];
  builder.startObject(3);
  bufferOffsets.push(builder.endObject());
  const tensorBuffer: number[] = [];
  for (const tensor of def.tensors) {
    if (tensor.data === undefined) {
      tensorBuffer.push(0);
      continue;
    }
    const bytes = bytesOf(tensor.data);
    builder.startVector(1, bytes.length, 16);
    for (let i = bytes.length - 1; i >= 0; i--) builder.addInt8(bytes[i]);
    const vector = builder.endVector();
    builder.startObject(3);
    builder.addFieldOffset(BufferField.data, vector, 0);
    tensorBuffer.push(bufferOffsets.length);
    bufferOffsets.push(builder.endObject());
  }

  const tensorOffsets = def.tensors.map((tensor, index) => {
    const name = builder.createString(tensor.name ?? `t${index}`);
    const shape = int32Vector(builder, tensor.shape);
    let quantization = 0;
    if (tensor.scale !== undefined) {
      const scales = typeof tensor.scale === "number" ? [tensor.scale] : tensor.scale;
      const zeroPoints = tensor.zeroPoint === undefined ? scales.map(() => 0) : typeof tensor.zeroPoint === "number" ? [tensor.zeroPoint] : tensor.zeroPoint;
      builder.startVector(4, scales.length, 4);
      for (let i = scales.length - 1; i >= 0; i--) builder.addFloat32(scales[i]);
      const scaleVector = builder.endVector();
      builder.startVector(8, zeroPoints.length, 8);
      for (let i = zeroPoints.length - 1; i >= 0; i--) builder.addInt64(BigInt(zeroPoints[i]));
      const zeroPointVector = builder.endVector();
      builder.startObject(7);
      builder.addFieldOffset(QuantizationParametersField.scale, scaleVector, 0);
      builder.addFieldOffset(QuantizationParametersField.zero_point, zeroPointVector, 0);
      builder.addFieldInt32(QuantizationParametersField.quantized_dimension, tensor.quantizedDimension ?? 0, 0);
      quantization = builder.endObject();
    }
    builder.startObject(11);
    builder.addFieldOffset(TensorField.shape, shape, 0);
    builder.addFieldInt8(TensorField.type, tensor.type ?? TensorType.INT8, null);
    builder.addFieldInt32(TensorField.buffer, tensorBuffer[index], null);
    builder.addFieldOffset(TensorField.name, name, 0);
    if (quantization !== 0) builder.addFieldOffset(TensorField.quantization, quantization, 0);
    return builder.endObject();
  });

  // Operator codes: one per distinct (code, custom name).
  const codeKeys: string[] = [];
  const codeOffsets: number[] = [];
  const codeIndex = def.operators.map((op) => {
    const key = `${op.code}/${op.customCode ?? ""}`;
    let index = codeKeys.indexOf(key);
    if (index < 0) {
      const custom = op.customCode === undefined ? 0 : builder.createString(op.customCode);
      builder.startObject(4);
      builder.addFieldInt8(OperatorCodeField.deprecated_builtin_code, Math.min(op.code, PLACEHOLDER_FOR_GREATER_OP_CODES), null);
      if (custom !== 0) builder.addFieldOffset(OperatorCodeField.custom_code, custom, 0);
      builder.addFieldInt32(OperatorCodeField.version, 1, null);
      builder.addFieldInt32(OperatorCodeField.builtin_code, op.code, null);
      codeOffsets.push(builder.endObject());
      codeKeys.push(key);
      index = codeKeys.length - 1;
    }
    return index;
  });

  const operatorOffsets = def.operators.map((op, i) => {
    const inputs = int32Vector(builder, op.inputs);
    const outputs = int32Vector(builder, op.outputs);
    const options = op.options === undefined ? 0 : optionsTable(builder, op.options.fields);
    builder.startObject(14);
    builder.addFieldInt32(OperatorField.opcode_index, codeIndex[i], null);
    builder.addFieldOffset(OperatorField.inputs, inputs, 0);
    builder.addFieldOffset(OperatorField.outputs, outputs, 0);
    if (op.options !== undefined) {
      builder.addFieldInt8(OperatorField.builtin_options_type, op.options.type, null);
      builder.addFieldOffset(OperatorField.builtin_options, options, 0);
    }
    return builder.endObject();
  });

  const vectorOf = (offsets: number[]) => {
    builder.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) builder.addOffset(offsets[i]);
    return builder.endVector();
  };
  const tensors = vectorOf(tensorOffsets);
  const operators = vectorOf(operatorOffsets);
  const subgraphInputs = int32Vector(builder, def.inputs);
  const subgraphOutputs = int32Vector(builder, def.outputs);
  const subgraphName = builder.createString("main");
  builder.startObject(6);
  builder.addFieldOffset(SubGraphField.tensors, tensors, 0);
  builder.addFieldOffset(SubGraphField.inputs, subgraphInputs, 0);
  builder.addFieldOffset(SubGraphField.outputs, subgraphOutputs, 0);
  builder.addFieldOffset(SubGraphField.operators, operators, 0);
  builder.addFieldOffset(SubGraphField.name, subgraphName, 0);
  const subgraph = builder.endObject();

  const codes = vectorOf(codeOffsets);
  const subgraphs = vectorOf([subgraph]);
  const buffers = vectorOf(bufferOffsets);
  const description = builder.createString("test model");
  builder.startObject(8);
  builder.addFieldInt32(ModelField.version, def.version ?? SCHEMA_VERSION, null);
  builder.addFieldOffset(ModelField.operator_codes, codes, 0);
  builder.addFieldOffset(ModelField.subgraphs, subgraphs, 0);
  builder.addFieldOffset(ModelField.description, description, 0);
  builder.addFieldOffset(ModelField.buffers, buffers, 0);
  const model = builder.endObject();
  builder.finish(model, def.identifier ?? FILE_IDENTIFIER);
  return builder.asUint8Array().slice();
}

import { FlatbufferReader, ModelFormatError, type Table } from "./flatbuffer.js";
import {
  BufferField,
  BuiltinOperator,
  builtinOperatorName,
  FILE_IDENTIFIER,
  ModelField,
  OperatorCodeField,
  OperatorField,
  QuantizationParametersField,
  SCHEMA_VERSION,
  SubGraphField,
  TensorField,
  TensorType,
  tensorTypeName,
} from "./schema.js";

/** Limits that keep a hostile file from asking for unbounded work or memory. */
export interface ParseLimits {
  /** Largest tensor, in bytes. */
  readonly maxTensorBytes: number;
  /** Largest rank. */
  readonly maxRank: number;
  /** Most tensors in the subgraph. */
  readonly maxTensors: number;
  /** Most operators in the subgraph. */
  readonly maxOperators: number;
}

export interface ParsedTensor {
  readonly index: number;
  readonly name: string;
  /** TensorType code. */
  readonly type: number;
  readonly shape: readonly number[];
  readonly elements: number;
  readonly bytes: number;
  /** Constant data (a view into the file), or null for an activation. */
  readonly data: Uint8Array | null;
  readonly scales: readonly number[];
  readonly zeroPoints: readonly number[];
  readonly quantizedDimension: number;
}

export interface ParsedOperator {
  readonly index: number;
  /** BuiltinOperator code. */
  readonly code: number;
  readonly name: string;
  readonly version: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** BuiltinOptions union type id and table (null when absent). */
  readonly optionsType: number;
  readonly options: Table | null;
}

export interface ParsedModel {
  readonly description: string;
  readonly tensors: readonly ParsedTensor[];
  readonly operators: readonly ParsedOperator[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
}

const ELEMENT_BYTES: ReadonlyMap<number, number> = new Map([
  [TensorType.INT8, 1],
  [TensorType.INT32, 4],
  [TensorType.FLOAT32, 4],
]);

/** Bytes per element of a tensor type this interpreter supports; undefined otherwise. */
export function elementBytes(type: number): number | undefined {
  return ELEMENT_BYTES.get(type);
}

/**
 * Reads a .tflite file into plain records, checking every offset, size and
 * index on the way. Does not judge operators beyond their codes and tensor
 * indices: that is the job of each operator's prepare step.
 */
export function parseModel(bytes: Uint8Array, limits: ParseLimits): ParsedModel {
  if (bytes.length < 8) throw new ModelFormatError(`not a .tflite file: only ${bytes.length} bytes`);
  const identifier = String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]);
  if (identifier !== FILE_IDENTIFIER) {
    throw new ModelFormatError(`not a .tflite file: file identifier is ${JSON.stringify(identifier)}, expected "${FILE_IDENTIFIER}"`);
  }
  const reader = new FlatbufferReader(bytes);
  const model = reader.root("model");
  const version = model.uint32(ModelField.version, 0);
  if (version !== SCHEMA_VERSION) throw new ModelFormatError(`unsupported schema version ${version} (expected ${SCHEMA_VERSION})`);

  const buffers = readBuffers(model);
  const codes = readOperatorCodes(model);

  const subgraphs = model.tables(ModelField.subgraphs, "subgraphs");
  if (subgraphs.length !== 1) throw new ModelFormatError(`models with ${subgraphs.length} subgraphs are not supported (need exactly 1)`);
  const subgraph = subgraphs.at(0);

  const tensorTables = subgraph.tables(SubGraphField.tensors, "tensors");
  if (tensorTables.length > limits.maxTensors) throw new ModelFormatError(`${tensorTables.length} tensors exceed the limit of ${limits.maxTensors}`);
  const tensors: ParsedTensor[] = [];
  for (let i = 0; i < tensorTables.length; i++) tensors.push(readTensor(tensorTables.at(i), i, buffers, limits));

  const checkIndex = (index: number, what: string, optional: boolean): void => {
    if (optional && index === -1) return;
    if (!Number.isInteger(index) || index < 0 || index >= tensors.length) {
      throw new ModelFormatError(`${what}: tensor index ${index} out of range (${tensors.length} tensors)`);
    }
  };
  const inputs = subgraph.int32s(SubGraphField.inputs, "subgraph inputs");
  const outputs = subgraph.int32s(SubGraphField.outputs, "subgraph outputs");
  inputs.forEach((index) => checkIndex(index, "subgraph input", false));
  outputs.forEach((index) => checkIndex(index, "subgraph output", false));

  const operatorTables = subgraph.tables(SubGraphField.operators, "operators");
  if (operatorTables.length > limits.maxOperators) throw new ModelFormatError(`${operatorTables.length} operators exceed the limit of ${limits.maxOperators}`);
  const operators: ParsedOperator[] = [];
  for (let i = 0; i < operatorTables.length; i++) {
    const table = operatorTables.at(i);
    const opcodeIndex = table.uint32(OperatorField.opcode_index, 0);
    if (opcodeIndex >= codes.length) throw new ModelFormatError(`operator ${i}: opcode index ${opcodeIndex} out of range (${codes.length} codes)`);
    const code = codes[opcodeIndex];
    const name = code.code === BuiltinOperator.CUSTOM ? `CUSTOM(${code.custom})` : builtinOperatorName(code.code);
    const opInputs = table.int32s(OperatorField.inputs, `operator ${i} inputs`);
    const opOutputs = table.int32s(OperatorField.outputs, `operator ${i} outputs`);
    opInputs.forEach((index) => checkIndex(index, `operator ${i} (${name}) input`, true));
    opOutputs.forEach((index) => checkIndex(index, `operator ${i} (${name}) output`, false));
    if (table.has(OperatorField.builtin_options_2_type) && table.uint8(OperatorField.builtin_options_2_type, 0) !== 0) {
      throw new ModelFormatError(`operator ${i} (${name}): builtin_options_2 is not supported`);
    }
    operators.push({
      index: i,
      code: code.code,
      name,
      version: code.version,
      inputs: opInputs,
      outputs: opOutputs,
      optionsType: table.uint8(OperatorField.builtin_options_type, 0),
      options: table.table(OperatorField.builtin_options, `operator ${i} (${name}) options`),
    });
  }

  return { description: model.string(ModelField.description, "description"), tensors, operators, inputs, outputs };
}

function readBuffers(model: Table): (Uint8Array | null)[] {
  const tables = model.tables(ModelField.buffers, "buffers");
  const buffers: (Uint8Array | null)[] = [];
  for (let i = 0; i < tables.length; i++) {
    const table = tables.at(i);
    if (table.uint64(BufferField.offset, 0n) > 1n) throw new ModelFormatError(`buffer ${i}: data outside the flatbuffer (models over 2 GB) is not supported`);
    const data = table.bytes(BufferField.data, `buffer ${i} data`);
    buffers.push(data !== null && data.length > 0 ? data : null);
  }
  return buffers;
}

function readOperatorCodes(model: Table): { code: number; version: number; custom: string }[] {
  const tables = model.tables(ModelField.operator_codes, "operator codes");
  const codes: { code: number; version: number; custom: string }[] = [];
  for (let i = 0; i < tables.length; i++) {
    const table = tables.at(i);
    // As TensorFlow Lite does: the larger of the old byte field and the int32 field.
    const code = Math.max(table.int8(OperatorCodeField.deprecated_builtin_code, 0), table.int32(OperatorCodeField.builtin_code, 0));
    codes.push({ code, version: table.int32(OperatorCodeField.version, 1), custom: table.string(OperatorCodeField.custom_code, `operator code ${i} custom name`) });
  }
  return codes;
}

function readTensor(table: Table, index: number, buffers: readonly (Uint8Array | null)[], limits: ParseLimits): ParsedTensor {
  const name = table.string(TensorField.name, `tensor ${index} name`);
  const label = `tensor ${index} (${JSON.stringify(name)})`;
  const type = table.int8(TensorField.type, TensorType.FLOAT32);
  const size = elementBytes(type);
  if (size === undefined) throw new ModelFormatError(`${label}: tensor type ${tensorTypeName(type)} is not supported (supported: INT8, INT32, FLOAT32)`);
  if (table.has(TensorField.sparsity)) throw new ModelFormatError(`${label}: sparse tensors are not supported`);
  if (table.bool(TensorField.is_variable, false)) throw new ModelFormatError(`${label}: variable tensors are not supported`);
  if (table.uint32(TensorField.external_buffer, 0) !== 0) throw new ModelFormatError(`${label}: external buffers are not supported`);

  const shape = table.int32s(TensorField.shape, `${label} shape`);
  if (shape.length > limits.maxRank) throw new ModelFormatError(`${label}: rank ${shape.length} exceeds ${limits.maxRank}`);
  const maxElements = Math.floor(limits.maxTensorBytes / size);
  let elements = 1;
  for (const dim of shape) {
    if (dim < 1) throw new ModelFormatError(`${label}: dimension ${dim} in shape [${shape.join(", ")}] (dimensions must be >= 1)`);
    elements *= dim;
    if (elements > maxElements) throw new ModelFormatError(`${label}: shape [${shape.join(", ")}] exceeds the limit of ${limits.maxTensorBytes} bytes per tensor`);
  }

  const bufferIndex = table.uint32(TensorField.buffer, 0);
  if (bufferIndex >= buffers.length && bufferIndex !== 0) throw new ModelFormatError(`${label}: buffer index ${bufferIndex} out of range (${buffers.length} buffers)`);
  const data = bufferIndex < buffers.length ? buffers[bufferIndex] : null;
  if (data !== null && data.length !== elements * size) {
    throw new ModelFormatError(`${label}: constant data has ${data.length} bytes, shape [${shape.join(", ")}] of ${tensorTypeName(type)} needs ${elements * size}`);
  }

  let scales: number[] = [];
  let zeroPoints: number[] = [];
  let quantizedDimension = 0;
  const quantization = table.table(TensorField.quantization, `${label} quantization`);
  if (quantization !== null) {
    if (quantization.uint8(QuantizationParametersField.details_type, 0) !== 0) throw new ModelFormatError(`${label}: custom quantization details are not supported`);
    scales = quantization.float32s(QuantizationParametersField.scale, `${label} scales`);
    const points = quantization.int64s(QuantizationParametersField.zero_point, `${label} zero points`);
    zeroPoints = points.map((point) => {
      if (point < -2147483648n || point > 2147483647n) throw new ModelFormatError(`${label}: zero point ${point} out of int32 range`);
      return Number(point);
    });
    quantizedDimension = quantization.int32(QuantizationParametersField.quantized_dimension, 0);
    if (zeroPoints.length !== 0 && zeroPoints.length !== scales.length) {
      throw new ModelFormatError(`${label}: ${scales.length} scales but ${zeroPoints.length} zero points`);
    }
    for (const scale of scales) {
      if (!Number.isFinite(scale) || scale < 0) throw new ModelFormatError(`${label}: bad quantization scale ${scale}`);
    }
    if (scales.length > 1 && (quantizedDimension < 0 || quantizedDimension >= shape.length || shape[quantizedDimension] !== scales.length)) {
      // TensorFlow Lite Micro checks per-channel scales against the operator's own channel axis (see prepare);
      // only the count is checked here, as it ignores a bias tensor's quantized_dimension.
      if (!shape.some((dim) => dim === scales.length)) {
        throw new ModelFormatError(`${label}: ${scales.length} scales match no dimension of shape [${shape.join(", ")}]`);
      }
    }
    if (zeroPoints.length === 0 && scales.length > 0) zeroPoints = scales.map(() => 0);
  }

  return { index, name, type, shape, elements, bytes: elements * size, data, scales, zeroPoints, quantizedDimension };
}

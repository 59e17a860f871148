/**
 * Constants of the TensorFlow Lite flatbuffer format (schema.fbs, schema
 * version 3, file identifier "TFL3"): enum codes, union type ids and table
 * field ids. Field ids are the slot numbers flatbuffers uses: the vtable entry
 * of field id n sits at byte 4 + 2n, and `Builder.addField*(id, ...)` takes the
 * id directly. A union field takes two ids: `<name>_type` then `<name>`.
 *
 * Shared by the interpreter's reader and the model exporter in models/.
 */

export const FILE_IDENTIFIER = "TFL3";
export const SCHEMA_VERSION = 3;

/** TensorType enum (byte). */
export const TensorType = Object.freeze({
  FLOAT32: 0,
  FLOAT16: 1,
  INT32: 2,
  UINT8: 3,
  INT64: 4,
  STRING: 5,
  BOOL: 6,
  INT16: 7,
  COMPLEX64: 8,
  INT8: 9,
  FLOAT64: 10,
  COMPLEX128: 11,
  UINT64: 12,
  RESOURCE: 13,
  VARIANT: 14,
  UINT32: 15,
  UINT16: 16,
  INT4: 17,
  BFLOAT16: 18,
  INT2: 19,
  UINT4: 20,
  FLOAT8_E4M3FN: 21,
  FLOAT8_E5M2: 22,
} as const);

/** BuiltinOperator enum (int32; codes below 127 are also in OperatorCode.deprecated_builtin_code). */
export const BuiltinOperator = Object.freeze({
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEPTH_TO_SPACE: 5,
  DEQUANTIZE: 6,
  EMBEDDING_LOOKUP: 7,
  FLOOR: 8,
  FULLY_CONNECTED: 9,
  HASHTABLE_LOOKUP: 10,
  L2_NORMALIZATION: 11,
  L2_POOL_2D: 12,
  LOCAL_RESPONSE_NORMALIZATION: 13,
  LOGISTIC: 14,
  LSH_PROJECTION: 15,
  LSTM: 16,
  MAX_POOL_2D: 17,
  MUL: 18,
  RELU: 19,
  RELU_N1_TO_1: 20,
  RELU6: 21,
  RESHAPE: 22,
  RESIZE_BILINEAR: 23,
  RNN: 24,
  SOFTMAX: 25,
  SPACE_TO_DEPTH: 26,
  SVDF: 27,
  TANH: 28,
  CONCAT_EMBEDDINGS: 29,
  SKIP_GRAM: 30,
  CALL: 31,
  CUSTOM: 32,
  EMBEDDING_LOOKUP_SPARSE: 33,
  PAD: 34,
  UNIDIRECTIONAL_SEQUENCE_RNN: 35,
  GATHER: 36,
  BATCH_TO_SPACE_ND: 37,
  SPACE_TO_BATCH_ND: 38,
  TRANSPOSE: 39,
  MEAN: 40,
  SUB: 41,
  DIV: 42,
  SQUEEZE: 43,
  UNIDIRECTIONAL_SEQUENCE_LSTM: 44,
  STRIDED_SLICE: 45,
  BIDIRECTIONAL_SEQUENCE_RNN: 46,
  EXP: 47,
  TOPK_V2: 48,
  SPLIT: 49,
  LOG_SOFTMAX: 50,
  DELEGATE: 51,
  BIDIRECTIONAL_SEQUENCE_LSTM: 52,
  CAST: 53,
  PRELU: 54,
  MAXIMUM: 55,
  ARG_MAX: 56,
  MINIMUM: 57,
  LESS: 58,
  NEG: 59,
  PADV2: 60,
  GREATER: 61,
  GREATER_EQUAL: 62,
  LESS_EQUAL: 63,
  SELECT: 64,
  SLICE: 65,
  SIN: 66,
  TRANSPOSE_CONV: 67,
  SPARSE_TO_DENSE: 68,
  TILE: 69,
  EXPAND_DIMS: 70,
  EQUAL: 71,
  NOT_EQUAL: 72,
  LOG: 73,
  SUM: 74,
  SQRT: 75,
  RSQRT: 76,
  SHAPE: 77,
  POW: 78,
  ARG_MIN: 79,
  FAKE_QUANT: 80,
  REDUCE_PROD: 81,
  REDUCE_MAX: 82,
  PACK: 83,
  LOGICAL_OR: 84,
  ONE_HOT: 85,
  LOGICAL_AND: 86,
  LOGICAL_NOT: 87,
  UNPACK: 88,
  REDUCE_MIN: 89,
  FLOOR_DIV: 90,
  REDUCE_ANY: 91,
  SQUARE: 92,
  ZEROS_LIKE: 93,
  FILL: 94,
  FLOOR_MOD: 95,
  RANGE: 96,
  RESIZE_NEAREST_NEIGHBOR: 97,
  LEAKY_RELU: 98,
  SQUARED_DIFFERENCE: 99,
  MIRROR_PAD: 100,
  ABS: 101,
  SPLIT_V: 102,
  UNIQUE: 103,
  CEIL: 104,
  REVERSE_V2: 105,
  ADD_N: 106,
  GATHER_ND: 107,
  COS: 108,
  WHERE: 109,
  RANK: 110,
  ELU: 111,
  REVERSE_SEQUENCE: 112,
  MATRIX_DIAG: 113,
  QUANTIZE: 114,
  MATRIX_SET_DIAG: 115,
  ROUND: 116,
  HARD_SWISH: 117,
  IF: 118,
  WHILE: 119,
  NON_MAX_SUPPRESSION_V4: 120,
  NON_MAX_SUPPRESSION_V5: 121,
  SCATTER_ND: 122,
  SELECT_V2: 123,
  DENSIFY: 124,
  SEGMENT_SUM: 125,
  BATCH_MATMUL: 126,
  PLACEHOLDER_FOR_GREATER_OP_CODES: 127,
  CUMSUM: 128,
  CALL_ONCE: 129,
  BROADCAST_TO: 130,
  RFFT2D: 131,
  CONV_3D: 132,
  HASHTABLE: 136,
  HASHTABLE_FIND: 137,
  HASHTABLE_IMPORT: 138,
  HASHTABLE_SIZE: 139,
  REDUCE_ALL: 140,
  CONV_3D_TRANSPOSE: 141,
  VAR_HANDLE: 142,
  READ_VARIABLE: 143,
  ASSIGN_VARIABLE: 144,
  BROADCAST_ARGS: 145,
  RANDOM_STANDARD_NORMAL: 146,
  BUCKETIZE: 147,
  RANDOM_UNIFORM: 148,
  MULTINOMIAL: 149,
  GELU: 150,
  DYNAMIC_UPDATE_SLICE: 151,
  RELU_0_TO_1: 152,
  UNSORTED_SEGMENT_PROD: 153,
  UNSORTED_SEGMENT_MAX: 154,
  UNSORTED_SEGMENT_SUM: 155,
  ATAN2: 156,
  UNSORTED_SEGMENT_MIN: 157,
  SIGN: 158,
  BITCAST: 159,
  BITWISE_XOR: 160,
  RIGHT_SHIFT: 161,
  STABLEHLO_LOGISTIC: 162,
  STABLEHLO_ADD: 163,
  STABLEHLO_DIVIDE: 164,
  STABLEHLO_MULTIPLY: 165,
  STABLEHLO_MAXIMUM: 166,
  STABLEHLO_RESHAPE: 167,
  STABLEHLO_CLAMP: 168,
  STABLEHLO_CONCATENATE: 169,
  STABLEHLO_BROADCAST_IN_DIM: 170,
  STABLEHLO_CONVOLUTION: 171,
  STABLEHLO_SLICE: 172,
  STABLEHLO_CUSTOM_CALL: 173,
  STABLEHLO_REDUCE: 174,
  STABLEHLO_ABS: 175,
  STABLEHLO_AND: 176,
  STABLEHLO_COSINE: 177,
  STABLEHLO_EXPONENTIAL: 178,
  STABLEHLO_FLOOR: 179,
  STABLEHLO_LOG: 180,
  STABLEHLO_MINIMUM: 181,
  STABLEHLO_NEGATE: 182,
  STABLEHLO_OR: 183,
  STABLEHLO_POWER: 184,
  STABLEHLO_REMAINDER: 185,
  STABLEHLO_RSQRT: 186,
  STABLEHLO_SELECT: 187,
  STABLEHLO_SUBTRACT: 188,
  STABLEHLO_TANH: 189,
  STABLEHLO_SCATTER: 190,
  STABLEHLO_COMPARE: 191,
  STABLEHLO_CONVERT: 192,
  STABLEHLO_DYNAMIC_SLICE: 193,
  STABLEHLO_DYNAMIC_UPDATE_SLICE: 194,
  STABLEHLO_PAD: 195,
  STABLEHLO_IOTA: 196,
  STABLEHLO_DOT_GENERAL: 197,
  STABLEHLO_REDUCE_WINDOW: 198,
  STABLEHLO_SORT: 199,
  STABLEHLO_WHILE: 200,
  STABLEHLO_GATHER: 201,
  STABLEHLO_TRANSPOSE: 202,
  DILATE: 203,
  STABLEHLO_RNG_BIT_GENERATOR: 204,
  REDUCE_WINDOW: 205,
  STABLEHLO_COMPOSITE: 206,
  STABLEHLO_SHIFT_LEFT: 207,
  STABLEHLO_CBRT: 208,
  STABLEHLO_CASE: 209,
} as const);

/** OperatorCode.deprecated_builtin_code holds this when the real code is in builtin_code. */
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/** Type ids of the BuiltinOptions union (Operator.builtin_options_type); only those we read or write. */
export const BuiltinOptions = Object.freeze({
  NONE: 0,
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  FullyConnectedOptions: 8,
  SoftmaxOptions: 9,
  ConcatenationOptions: 10,
  AddOptions: 11,
  ResizeBilinearOptions: 15,
  ReshapeOptions: 17,
  MulOptions: 21,
  PadOptions: 22,
  TransposeOptions: 26,
  ReducerOptions: 27,
  SubOptions: 28,
  SqueezeOptions: 30,
  StridedSliceOptions: 32,
  SplitOptions: 35,
  DequantizeOptions: 38,
  MaximumMinimumOptions: 39,
  PadV2Options: 43,
  PackOptions: 59,
  ResizeNearestNeighborOptions: 74,
  LeakyReluOptions: 75,
  QuantizeOptions: 89,
  HardSwishOptions: 91,
} as const);

/** Padding enum (byte). */
export const Padding = Object.freeze({ SAME: 0, VALID: 1 } as const);

/** ActivationFunctionType enum (byte). */
export const ActivationFunctionType = Object.freeze({
  NONE: 0,
  RELU: 1,
  RELU_N1_TO_1: 2,
  RELU6: 3,
  TANH: 4,
  SIGN_BIT: 5,
} as const);

/** FullyConnectedOptionsWeightsFormat enum (byte). */
export const FullyConnectedWeightsFormat = Object.freeze({ DEFAULT: 0, SHUFFLED4x16INT8: 1 } as const);

/** Table field ids, by table. */
export const ModelField = Object.freeze({
  version: 0,
  operator_codes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadata_buffer: 5,
  metadata: 6,
  signature_defs: 7,
} as const);

export const OperatorCodeField = Object.freeze({
  deprecated_builtin_code: 0,
  custom_code: 1,
  version: 2,
  builtin_code: 3,
} as const);

export const SubGraphField = Object.freeze({
  tensors: 0,
  inputs: 1,
  outputs: 2,
  operators: 3,
  name: 4,
} as const);

export const BufferField = Object.freeze({
  data: 0,
  offset: 1,
  size: 2,
} as const);

export const TensorField = Object.freeze({
  shape: 0,
  type: 1,
  buffer: 2,
  name: 3,
  quantization: 4,
  is_variable: 5,
  sparsity: 6,
  shape_signature: 7,
  has_rank: 8,
  variant_tensors: 9,
  external_buffer: 10,
} as const);

export const QuantizationParametersField = Object.freeze({
  min: 0,
  max: 1,
  scale: 2,
  zero_point: 3,
  details_type: 4,
  details: 5,
  quantized_dimension: 6,
} as const);

export const OperatorField = Object.freeze({
  opcode_index: 0,
  inputs: 1,
  outputs: 2,
  builtin_options_type: 3,
  builtin_options: 4,
  custom_options: 5,
  custom_options_format: 6,
  mutating_variable_inputs: 7,
  intermediates: 8,
  large_custom_options_offset: 9,
  large_custom_options_size: 10,
  builtin_options_2_type: 11,
  builtin_options_2: 12,
  debug_metadata_index: 13,
} as const);

export const MetadataField = Object.freeze({ name: 0, buffer: 1 } as const);

/** Option tables' field ids, with their schema defaults where not zero. */
export const Conv2DOptionsField = Object.freeze({
  padding: 0,
  stride_w: 1,
  stride_h: 2,
  fused_activation_function: 3,
  dilation_w_factor: 4, // default 1
  dilation_h_factor: 5, // default 1
  quantized_bias_type: 6,
} as const);

export const DepthwiseConv2DOptionsField = Object.freeze({
  padding: 0,
  stride_w: 1,
  stride_h: 2,
  depth_multiplier: 3,
  fused_activation_function: 4,
  dilation_w_factor: 5, // default 1
  dilation_h_factor: 6, // default 1
} as const);

export const Pool2DOptionsField = Object.freeze({
  padding: 0,
  stride_w: 1,
  stride_h: 2,
  filter_width: 3,
  filter_height: 4,
  fused_activation_function: 5,
} as const);

export const FullyConnectedOptionsField = Object.freeze({
  fused_activation_function: 0,
  weights_format: 1,
  keep_num_dims: 2,
  asymmetric_quantize_inputs: 3,
  quantized_bias_type: 4,
} as const);

export const SoftmaxOptionsField = Object.freeze({ beta: 0 } as const);

export const ConcatenationOptionsField = Object.freeze({ axis: 0, fused_activation_function: 1 } as const);

export const AddOptionsField = Object.freeze({ fused_activation_function: 0, pot_scale_int16: 1 /* default true */ } as const);

export const SubOptionsField = Object.freeze({ fused_activation_function: 0, pot_scale_int16: 1 /* default true */ } as const);

export const MulOptionsField = Object.freeze({ fused_activation_function: 0 } as const);

export const ReshapeOptionsField = Object.freeze({ new_shape: 0 } as const);

export const ReducerOptionsField = Object.freeze({ keep_dims: 0 } as const);

export const ResizeNearestNeighborOptionsField = Object.freeze({ align_corners: 0, half_pixel_centers: 1 } as const);

export const LeakyReluOptionsField = Object.freeze({ alpha: 0 } as const);

export type TensorTypeCode = (typeof TensorType)[keyof typeof TensorType];
export type BuiltinOperatorCode = (typeof BuiltinOperator)[keyof typeof BuiltinOperator];

function nameOf(table: Readonly<Record<string, number>>, code: number): string | undefined {
  for (const [name, value] of Object.entries(table)) if (value === code) return name;
  return undefined;
}

/** "CONV_2D" for 3; "BUILTIN_OPERATOR_<code>" for a code the schema does not know. */
export function builtinOperatorName(code: number): string {
  return nameOf(BuiltinOperator, code) ?? `BUILTIN_OPERATOR_${code}`;
}

/** "INT8" for 9; "TENSOR_TYPE_<code>" for a code the schema does not know. */
export function tensorTypeName(code: number): string {
  return nameOf(TensorType, code) ?? `TENSOR_TYPE_${code}`;
}

import { createHash } from "node:crypto";
import type { Model, TensorSpec } from "../../../src/interfaces/index.js";
import { ModelFormatError } from "./flatbuffer.js";
import { OpContext, SUPPORTED_OPERATORS, type PreparedOp } from "./ops/index.js";
import { parseModel, type ParsedModel, type ParsedTensor } from "./parse.js";
import { tensorLifetimes } from "./plan.js";
import { compileKernels, KernelRuntime, type WasmMemory } from "./runtime.js";
import { TensorType, tensorTypeName } from "./schema.js";

export { ModelFormatError } from "./flatbuffer.js";

export interface LoadOptions {
  /** Name used in the model id; default "model". */
  readonly name?: string;
  /** Largest tensor arena, in bytes; default 64 MiB. */
  readonly maxArenaBytes?: number;
  /** Largest single tensor, in bytes; default 16 MiB. */
  readonly maxTensorBytes?: number;
  /** Largest linear memory of the instance, in bytes; default 256 MiB. */
  readonly maxMemoryBytes?: number;
  /** Most element operations (multiply-accumulates, window reads, element copies) per invoke; default 10^10. */
  readonly maxOperations?: number;
}

const DEFAULT_LIMITS = Object.freeze({
  maxArenaBytes: 64 * 1024 * 1024,
  maxTensorBytes: 16 * 1024 * 1024,
  maxMemoryBytes: 256 * 1024 * 1024,
  maxOperations: 1e10,
  maxRank: 6,
  maxTensors: 16384,
  maxOperators: 4096,
});

/** A graph input or output as `info` reports it. */
export interface TensorInfo {
  readonly name: string;
  readonly type: string;
  readonly shape: readonly number[];
  readonly scale: number;
  readonly zero_point: number;
}

/** Figures about a loaded model (printed by `ephemera-model info`). */
export interface ModelInfo {
  readonly name: string;
  readonly id: string;
  readonly bytes: number;
  /** Operator name -> count. */
  readonly ops: Readonly<Record<string, number>>;
  readonly operators: number;
  /** Elements of all constant tensors (weights, biases, shape constants). */
  readonly parameters: number;
  /** Bytes of all constant tensors. */
  readonly weight_bytes: number;
  /** Multiply-accumulates per invoke (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED). */
  readonly macs: number;
  /** Bytes of the tensor arena (activations and scratch, shared by lifetime). */
  readonly arena_bytes: number;
  /** Bytes of the WebAssembly instance's linear memory. */
  readonly memory_bytes: number;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

export type TensorData = Int8Array | Int32Array | Float32Array;

/** A loaded model: the desktop host's Model, plus its figures and raw tensor access. */
export interface InterpreterModel extends Model {
  readonly info: ModelInfo;
  /**
   * Views of the graph's input tensors in the instance's memory: write them, then run().
   * As in TensorFlow Lite Micro, the arena may reuse an input's memory for later
   * activations: write the inputs again before every run().
   */
  readonly inputTensors: readonly TensorData[];
  /** Views of the graph's output tensors, valid until the next run. */
  readonly outputTensors: readonly TensorData[];
  /** Runs the graph on the current contents of inputTensors. */
  run(): void;
  /** Runs the graph op by op and returns each op's name and time in milliseconds (for benchmarks). */
  profile(now: () => number): { op: string; ms: number }[];
}

function spec(tensor: ParsedTensor): TensorSpec {
  // A float tensor holds real values: scale 1, zero point 0 describes it exactly.
  const quantized = tensor.scales.length === 1;
  return Object.freeze({ shape: Object.freeze([...tensor.shape]), scale: quantized ? tensor.scales[0] : 1, zeroPoint: quantized ? tensor.zeroPoints[0] : 0 });
}

function tensorInfo(tensor: ParsedTensor): TensorInfo {
  const { shape, scale, zeroPoint } = spec(tensor);
  return { name: tensor.name, type: tensorTypeName(tensor.type).toLowerCase(), shape, scale, zero_point: zeroPoint };
}

function view(memory: WasmMemory, address: number, tensor: ParsedTensor): TensorData {
  switch (tensor.type) {
    case TensorType.INT8:
      return new Int8Array(memory.buffer, address, tensor.elements);
    case TensorType.INT32:
      return new Int32Array(memory.buffer, address, tensor.elements);
    default:
      return new Float32Array(memory.buffer, address, tensor.elements);
  }
}

function prepare(model: ParsedModel): PreparedOp[] {
  return model.operators.map((op) => {
    const prepareOp = SUPPORTED_OPERATORS.get(op.code);
    if (prepareOp === undefined) throw new ModelFormatError(`operator ${op.index}: ${op.name} is not supported`);
    return prepareOp(new OpContext(op, model.tensors));
  });
}

class LoadedModel implements InterpreterModel {
  readonly id: string;
  readonly input: TensorSpec;
  readonly outputs: readonly TensorSpec[];
  readonly info: ModelInfo;
  readonly inputTensors: readonly TensorData[];
  readonly outputTensors: readonly TensorData[];
  readonly #runtime: KernelRuntime;
  readonly #int8Outputs: readonly Int8Array[] | null;
  readonly #opNames: readonly string[];

  constructor(bytes: Uint8Array, options: LoadOptions) {
    const limits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
    const model = parseModel(bytes, limits);
    if (model.inputs.length === 0 || model.outputs.length === 0) throw new ModelFormatError("the subgraph has no inputs or no outputs");
    const prepared = prepare(model);
    const operations = prepared.reduce((sum, op, i) => sum + Math.max(op.macs, op.work ?? 0, model.operators[i].outputs.reduce((n, index) => n + model.tensors[index].elements, 0)), 0);
    if (operations > limits.maxOperations) throw new ModelFormatError(`the model needs ${operations} operations per invoke, over the limit of ${limits.maxOperations}`);
    const lifetimes = tensorLifetimes(model);
    this.#runtime = new KernelRuntime(model, prepared, lifetimes, limits);

    const name = options.name ?? "model";
    this.id = `${name}@${createHash("sha256").update(bytes).digest("hex").slice(0, 12)}`;
    const inputs = model.inputs.map((index) => model.tensors[index]);
    const outputs = model.outputs.map((index) => model.tensors[index]);
    this.input = spec(inputs[0]);
    this.outputs = Object.freeze(outputs.map(spec));
    this.inputTensors = Object.freeze(inputs.map((tensor) => view(this.#runtime.memory, this.#runtime.address(tensor.index), tensor)));
    this.outputTensors = Object.freeze(outputs.map((tensor) => view(this.#runtime.memory, this.#runtime.address(tensor.index), tensor)));
    this.#int8Outputs = this.outputTensors.every((tensor) => tensor instanceof Int8Array) ? (this.outputTensors as readonly Int8Array[]) : null;

    this.#opNames = model.operators.map((op) => op.name);
    const ops: Record<string, number> = {};
    for (const op of model.operators) ops[op.name] = (ops[op.name] ?? 0) + 1;
    const constants = new Set<number>();
    for (const op of model.operators) for (const index of op.inputs) if (index >= 0 && model.tensors[index].data !== null) constants.add(index);
    let parameters = 0;
    for (const index of constants) parameters += model.tensors[index].elements;
    this.info = Object.freeze({
      name,
      id: this.id,
      bytes: bytes.length,
      ops,
      operators: model.operators.length,
      parameters,
      weight_bytes: this.#runtime.layout.weightBytes,
      macs: prepared.reduce((sum, op) => sum + op.macs, 0),
      arena_bytes: this.#runtime.layout.arenaBytes,
      memory_bytes: this.#runtime.layout.memoryBytes,
      inputs: inputs.map(tensorInfo),
      outputs: outputs.map(tensorInfo),
    });
  }

  run(): void {
    this.#runtime.run();
  }

  profile(now: () => number): { op: string; ms: number }[] {
    return this.#opNames.map((op, index) => {
      const start = now();
      this.#runtime.runOp(index);
      return { op, ms: now() - start };
    });
  }

  invoke(input: Int8Array): readonly Int8Array[] {
    const target = this.inputTensors[0];
    if (this.inputTensors.length !== 1 || !(target instanceof Int8Array) || this.#int8Outputs === null) {
      throw new TypeError("invoke() needs a model with one int8 input and int8 outputs; use inputTensors and run()");
    }
    if (input.length !== target.length) throw new RangeError(`input has ${input.length} values, the model takes ${target.length}`);
    // The arena may reuse the input's memory for activations: write it on every call.
    target.set(input);
    this.#runtime.run();
    return this.#int8Outputs;
  }
}

type Limit = "maxArenaBytes" | "maxTensorBytes" | "maxMemoryBytes" | "maxOperations";

function definedOnly(options: LoadOptions): Partial<Record<Limit, number>> {
  const limits: Partial<Record<Limit, number>> = {};
  for (const key of ["maxArenaBytes", "maxTensorBytes", "maxMemoryBytes", "maxOperations"] as const) {
    const value = options[key];
    if (value !== undefined) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${key} must be a positive integer`);
      limits[key] = value;
    }
  }
  return limits;
}

/**
 * Loads a .tflite model for the TensorFlow Lite Micro–exact int8 interpreter.
 * Everything is checked here; an unsupported operator or tensor type, or a
 * malformed file, throws a ModelFormatError that says which and where.
 */
export function loadModel(bytes: Uint8Array, options: LoadOptions = {}): InterpreterModel {
  return new LoadedModel(bytes, options);
}

/** As loadModel, but compiles the kernels asynchronously first (once per process). invoke() stays synchronous. */
export async function loadModelAsync(bytes: Uint8Array, options: LoadOptions = {}): Promise<InterpreterModel> {
  await compileKernels();
  return new LoadedModel(bytes, options);
}

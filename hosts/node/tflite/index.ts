/**
 * Real TensorFlow Lite (the XNNPACK-backed wasm build shipped in
 * @tensorflow/tfjs-tflite), for comparisons only: it is not TensorFlow Lite
 * Micro and does not give its exact int8 results.
 *
 * The package's own loader expects a browser or a web worker; here its
 * single-threaded SIMD Emscripten module is instantiated directly, with the
 * wasm bytes handed over, so that no global shims are needed.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export type TfliteData = Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface TfliteTensorInfo {
  readonly name: string;
  /** "int8", "uint8", "int16", "int32", "uint32", "float32", "float64" or "bool". */
  readonly type: string;
  readonly shape: readonly number[];
}

export interface TfliteModel {
  readonly inputs: readonly TfliteTensorInfo[];
  readonly outputs: readonly TfliteTensorInfo[];
  /** The input tensor's buffer inside TensorFlow Lite; write it, then run(). Fetch it again after load or run. */
  input(index: number): TfliteData;
  /** The output tensor's buffer inside TensorFlow Lite, valid until the next run. */
  output(index: number): TfliteData;
  /** Runs one inference on the current inputs. */
  run(): void;
  /** Copies `inputs` in, runs, and returns copies of the outputs. */
  predict(inputs: readonly ArrayLike<number>[]): TfliteData[];
  /** Frees the interpreter. */
  close(): void;
}

export interface TfliteOptions {
  /** Interpreter threads; the single-threaded build ignores more than 1. */
  readonly threads?: number;
}

// The Emscripten module's embind surface, as far as it is used here.
interface CppVector<T> {
  size(): number;
  get(index: number): T;
  delete(): void;
}
interface CppTensorInfo {
  readonly name: string;
  readonly dataType: string;
  readonly shape: string;
  data(): TfliteData;
  delete?(): void;
}
interface CppRunner {
  GetInputs(): CppVector<CppTensorInfo>;
  GetOutputs(): CppVector<CppTensorInfo>;
  Infer(): boolean;
  delete(): void;
}
interface CppStatus {
  ok(): boolean;
  errorMessage(): string;
  value(): CppRunner;
}
interface EmscriptenModule {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  TFLiteWebModelRunner: {
    CreateFromBufferAndOptions(pointer: number, size: number, options: { numThreads: number; enableProfiling: boolean; maxProfilingBufferEntries: number }): CppStatus;
  };
}
type ModuleFactory = (overrides: Record<string, unknown>) => Promise<EmscriptenModule>;

let modulePromise: Promise<EmscriptenModule> | undefined;

/** One Emscripten instance per process; every model shares it. */
function emscriptenModule(): Promise<EmscriptenModule> {
  modulePromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const directory = join(dirname(require.resolve("@tensorflow/tfjs-tflite/package.json")), "wasm");
    const glue = readFileSync(join(directory, "tflite_web_api_cc_simd.js"), "utf8");
    // The glue declares `var tflite_web_api_ModuleFactory`; a function scope keeps it out of the globals.
    const factory = new Function(`${glue}\nreturn tflite_web_api_ModuleFactory;`)() as ModuleFactory;
    const errors: string[] = [];
    const module = await factory({
      wasmBinary: readFileSync(join(directory, "tflite_web_api_cc_simd.wasm")),
      print: () => undefined,
      printErr: (message: string) => {
        errors.push(message);
        if (errors.length > 20) errors.shift();
      },
    });
    lastErrors = errors;
    return module;
  })();
  return modulePromise;
}

let lastErrors: string[] = [];

function toArray<T>(vector: CppVector<T>): T[] {
  const items: T[] = [];
  for (let i = 0; i < vector.size(); i++) items.push(vector.get(i));
  vector.delete();
  return items;
}

function info(tensor: CppTensorInfo): TfliteTensorInfo {
  return { name: tensor.name, type: tensor.dataType, shape: tensor.shape === "" ? [] : tensor.shape.split(",").map(Number) };
}

/** Loads a .tflite model into real TensorFlow Lite. Rejects with TensorFlow Lite's own messages when it refuses the model. */
export async function loadTflite(bytes: Uint8Array, options: TfliteOptions = {}): Promise<TfliteModel> {
  const module = await emscriptenModule();
  const pointer = module._malloc(bytes.length);
  module.HEAPU8.set(bytes, pointer);
  lastErrors.length = 0;
  const status = module.TFLiteWebModelRunner.CreateFromBufferAndOptions(pointer, bytes.length, { numThreads: options.threads ?? 1, enableProfiling: false, maxProfilingBufferEntries: 1024 });
  if (!status.ok()) {
    module._free(pointer);
    throw new Error(`TensorFlow Lite refused the model: ${status.errorMessage()}${lastErrors.length > 0 ? ` (${lastErrors.join("; ")})` : ""}`);
  }
  const runner = status.value();
  const inputs = toArray(runner.GetInputs());
  const outputs = toArray(runner.GetOutputs());
  let open = true;
  const check = () => {
    if (!open) throw new Error("the TensorFlow Lite model is closed");
  };
  const model: TfliteModel = {
    inputs: inputs.map(info),
    outputs: outputs.map(info),
    input(index) {
      check();
      return inputs[index].data();
    },
    output(index) {
      check();
      return outputs[index].data();
    },
    run() {
      check();
      if (!runner.Infer()) throw new Error(`TensorFlow Lite inference failed${lastErrors.length > 0 ? `: ${lastErrors.join("; ")}` : ""}`);
    },
    predict(values) {
      if (values.length !== inputs.length) throw new Error(`the model has ${inputs.length} inputs, ${values.length} given`);
      values.forEach((value, i) => {
        const target = model.input(i);
        if (value.length !== target.length) throw new Error(`input ${i} takes ${target.length} values, ${value.length} given`);
        target.set(value);
      });
      model.run();
      return outputs.map((_, i) => model.output(i).slice());
    },
    close() {
      if (!open) return;
      open = false;
      for (const tensor of [...inputs, ...outputs]) tensor.delete?.();
      runner.delete();
      module._free(pointer);
    },
  };
  return model;
}

export { zeroBiasQuantizedDimension } from "./patch.js";

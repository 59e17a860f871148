/**
 * The core's Model on the board: the mask model (a flash resource) run by
 * TensorFlow Lite Micro with ESP-NN (native/model). The arena is allocated once
 * in internal RAM; invoke() copies the tile in and the outputs into arrays made
 * here once, so a frame allocates nothing.
 */
import Resource from "Resource";
import { Digest } from "crypt";
import type { Model, TensorSpec } from "../../src/interfaces/index.js";

interface TensorInfo {
  readonly shape: readonly number[];
  readonly scale: number;
  readonly zeroPoint: number;
}

/** The native runner. The SDK's xsc turns each method into a direct call of its C function. */
class TfliteRunner extends Native("xs_tflite_model_destructor") {
  constructor(model: HostBuffer, arenaBytes: number) {
    super();
    native("xs_tflite_model_constructor").call(this, model, arenaBytes);
  }
  close(): void {
    native("xs_tflite_model_close").call(this);
  }
  get arenaUsed(): number {
    return native("xs_tflite_model_get_arena_used").call(this);
  }
  get arenaSize(): number {
    return native("xs_tflite_model_get_arena_size").call(this);
  }
  get outputCount(): number {
    return native("xs_tflite_model_get_output_count").call(this);
  }
  tensor(index: number): TensorInfo {
    return native("xs_tflite_model_tensor").call(this, index);
  }
  invoke(input: Int8Array, outputs: readonly Int8Array[]): void {
    native("xs_tflite_model_invoke").call(this, input, outputs);
  }
}

export interface TfliteModelOptions {
  /** Resource name of the .tflite file (manifest.json "resources"). */
  readonly resource: string;
  /** Name in the model id, as the desktop interpreter names it. */
  readonly name: string;
  /** Tensor arena in internal RAM (hosts/moddable/README.md: where the number comes from). */
  readonly arenaBytes: number;
}

function hex(bytes: ArrayBuffer, count: number): string {
  const view = new Uint8Array(bytes, 0, count);
  let text = "";
  for (const byte of view) text += (byte < 16 ? "0" : "") + byte.toString(16);
  return text;
}

function spec(info: TensorInfo): TensorSpec {
  return Object.freeze({ shape: Object.freeze([...info.shape]), scale: info.scale, zeroPoint: info.zeroPoint });
}

export class TfliteModel implements Model {
  readonly id: string;
  readonly input: TensorSpec;
  readonly outputs: readonly TensorSpec[];
  readonly #runner: TfliteRunner;
  readonly #results: readonly Int8Array[];
  // Keeps the flash mapping alive for the runner, which reads the model in place.
  readonly #bytes: HostBuffer;

  /** Throws with the reason: missing resource, invalid model, arena allocation, unsupported operator. */
  constructor(options: TfliteModelOptions) {
    if (!Resource.exists(options.resource)) throw new Error(`model: resource ${options.resource} is not in the firmware`);
    const bytes = new Resource(options.resource);
    this.#bytes = bytes;
    // Same id as the desktop's: name@ the first 12 hex digits of the bytes' SHA-256.
    const digest = new Digest("SHA256");
    digest.write(bytes.slice(0, bytes.byteLength));
    this.id = `${options.name}@${hex(digest.close(), 6)}`;
    this.#runner = new TfliteRunner(bytes, options.arenaBytes);
    this.input = spec(this.#runner.tensor(-1));
    const outputs: TensorSpec[] = [];
    const results: Int8Array[] = [];
    for (let i = 0; i < this.#runner.outputCount; i++) {
      const output = spec(this.#runner.tensor(i));
      outputs.push(output);
      results.push(new Int8Array(output.shape.reduce((a, b) => a * b, 1)));
    }
    this.outputs = Object.freeze(outputs);
    this.#results = Object.freeze(results);
  }

  get arenaUsed(): number {
    return this.#runner.arenaUsed;
  }

  get arenaSize(): number {
    return this.#runner.arenaSize;
  }

  get modelBytes(): number {
    return this.#bytes.byteLength;
  }

  invoke(input: Int8Array): readonly Int8Array[] {
    this.#runner.invoke(input, this.#results);
    return this.#results;
  }

  close(): void {
    this.#runner.close();
  }
}

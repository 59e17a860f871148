import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { ModelFormatError } from "./flatbuffer.js";
import type { ParsedModel } from "./parse.js";
import type { PreparedOp, Word } from "./ops/index.js";
import { ARENA_ALIGNMENT, planArena, type BufferRequest, type Lifetimes } from "./plan.js";

const PAGE_BYTES = 65536;

/** The parts of the WebAssembly API used here (the project's TypeScript lib has no WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

const KERNELS = new URL("./kernels.wasm", import.meta.url);

/** The kernel module, compiled once per process (synchronously unless compileKernels ran first: it is small). */
function kernelModule(): object {
  compiled ??= new wasm.Module(readFileSync(KERNELS));
  return compiled;
}

/** Compiles the kernel module off the main thread's critical path; later loads reuse it. */
export async function compileKernels(): Promise<void> {
  if (compiled !== undefined) return;
  const module = await wasm.compile(await readFile(KERNELS));
  compiled ??= module;
}

interface KernelExports {
  heapBase(): number;
  run(program: number, count: number): number;
}

export interface RuntimeLimits {
  readonly maxArenaBytes: number;
  readonly maxMemoryBytes: number;
}

/** Where each part of a model lies in its instance's linear memory. */
export interface MemoryLayout {
  readonly weightBytes: number;
  readonly arenaBytes: number;
  readonly memoryBytes: number;
}

const align = (value: number) => Math.ceil(value / ARENA_ALIGNMENT) * ARENA_ALIGNMENT;

/**
 * One model's kernel instance: weights, parameter tables, op program and
 * tensor arena in its own linear memory. Lays memory out once; `run` then
 * executes the whole graph in one call into WebAssembly.
 */
export class KernelRuntime {
  readonly memory: WasmMemory;
  readonly layout: MemoryLayout;
  readonly #exports: KernelExports;
  readonly #addresses: ReadonlyMap<number, number>;
  readonly #program: number;
  readonly #count: number;
  /** Address of each op's entry in the program. */
  readonly #opAddresses: number[] = [];

  constructor(model: ParsedModel, prepared: readonly PreparedOp[], lifetimes: Lifetimes, limits: RuntimeLimits) {
    // Arena: activations by lifetime, plus each op's scratch during that op.
    const requests: BufferRequest[] = [];
    const tensorOfRequest: number[] = [];
    for (const [index, range] of lifetimes.ranges) {
      requests.push({ size: model.tensors[index].bytes, ...range });
      tensorOfRequest.push(index);
    }
    const scratchRequest = new Map<number, number>();
    prepared.forEach((op, i) => {
      if (op.scratchBytes > 0) {
        scratchRequest.set(i, requests.length);
        requests.push({ size: op.scratchBytes, first: i, last: i });
      }
    });
    const plan = planArena(requests);
    if (plan.size > limits.maxArenaBytes) throw new ModelFormatError(`the tensor arena needs ${plan.size} bytes, over the limit of ${limits.maxArenaBytes}`);

    const maxPages = Math.ceil(limits.maxMemoryBytes / PAGE_BYTES);
    this.memory = new wasm.Memory({ initial: 1, maximum: maxPages });
    const instance = new wasm.Instance(kernelModule(), { env: { memory: this.memory } });
    this.#exports = instance.exports as unknown as KernelExports;

    // Constants, then tables, then the program, then the arena.
    let cursor = align(this.#exports.heapBase());
    const addresses = new Map<number, number>();
    const constants: number[] = [];
    let weightBytes = 0;
    for (const op of model.operators) {
      for (const index of op.inputs) {
        if (index < 0 || addresses.has(index) || model.tensors[index].data === null) continue;
        addresses.set(index, cursor);
        constants.push(index);
        weightBytes += model.tensors[index].bytes;
        cursor = align(cursor + model.tensors[index].bytes);
      }
    }
    const tables = new Map<Word, number>();
    for (const op of prepared) {
      for (const word of op.words) {
        if (typeof word === "object" && "table" in word) {
          tables.set(word, cursor);
          cursor = align(cursor + word.table.byteLength);
        }
      }
    }
    this.#program = cursor;
    this.#count = prepared.length;
    cursor = align(cursor + 4 * prepared.reduce((sum, op) => sum + 2 + op.words.length, 0));
    const arena = cursor;
    const end = arena + plan.size;
    if (end > limits.maxMemoryBytes) throw new ModelFormatError(`the model needs ${end} bytes of memory, over the limit of ${limits.maxMemoryBytes}`);
    const pages = Math.ceil(end / PAGE_BYTES);
    if (pages > 1) this.memory.grow(pages - 1);

    requests.forEach((_, i) => {
      if (i < tensorOfRequest.length) addresses.set(tensorOfRequest[i], arena + plan.offsets[i]);
    });
    this.#addresses = addresses;

    const bytes = new Uint8Array(this.memory.buffer);
    for (const index of constants) bytes.set(model.tensors[index].data as Uint8Array, addresses.get(index));
    for (const [word, address] of tables) {
      const table = (word as { table: ArrayBufferView }).table;
      bytes.set(new Uint8Array(table.buffer, table.byteOffset, table.byteLength), address);
    }
    const program = new DataView(this.memory.buffer, this.#program);
    let at = 0;
    prepared.forEach((op, i) => {
      this.#opAddresses.push(this.#program + at);
      program.setInt32(at, op.kernel, true);
      program.setInt32(at + 4, op.words.length, true);
      at += 8;
      for (const word of op.words) {
        program.setInt32(at, this.#resolve(word, i, tables, arena, plan.offsets, scratchRequest), true);
        at += 4;
      }
    });
    this.layout = { weightBytes, arenaBytes: plan.size, memoryBytes: pages * PAGE_BYTES };
  }

  #resolve(word: Word, op: number, tables: ReadonlyMap<Word, number>, arena: number, offsets: readonly number[], scratch: ReadonlyMap<number, number>): number {
    if (typeof word === "number") {
      if (!Number.isInteger(word) || word < -(2 ** 31) || word >= 2 ** 32) throw new Error(`op ${op}: word ${word} is not a 32-bit integer`);
      return word | 0;
    }
    if ("tensor" in word) {
      const address = this.#addresses.get(word.tensor);
      if (address === undefined) throw new Error(`op ${op}: tensor ${word.tensor} has no memory`);
      return address;
    }
    if ("table" in word) return tables.get(word) as number;
    const request = scratch.get(op);
    if (request === undefined) throw new Error(`op ${op}: no scratch planned`);
    return arena + offsets[request];
  }

  /** Address of a tensor's data in linear memory. */
  address(tensor: number): number {
    const address = this.#addresses.get(tensor);
    if (address === undefined) throw new Error(`tensor ${tensor} has no memory`);
    return address;
  }

  /** Runs every op once. */
  run(): void {
    const status = this.#exports.run(this.#program, this.#count);
    if (status !== 0) throw new Error(`kernel program: op ${status - 1} has an unknown kernel code`);
  }

  /** Runs op `index` alone (for per-operator timing; the ops before it must have run). */
  runOp(index: number): void {
    const address = this.#opAddresses[index];
    if (address === undefined) throw new RangeError(`no op ${index}`);
    if (this.#exports.run(address, 1) !== 0) throw new Error(`kernel program: op ${index} has an unknown kernel code`);
  }
}

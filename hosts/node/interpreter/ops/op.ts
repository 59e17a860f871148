import { ModelFormatError, type Table } from "../flatbuffer.js";
import type { ParsedOperator, ParsedTensor } from "../parse.js";
import { MAX_LEFT_SHIFT, quantizeMultiplier, type QuantizedMultiplier } from "../quantize.js";
import { TensorType, tensorTypeName } from "../schema.js";

/** A word of an op's parameters: a number, or a pointer resolved once memory is laid out. */
export type Word =
  | number
  /** Address of a tensor's data. */
  | { readonly tensor: number }
  /** Address of a table of values the loader places in memory. */
  | { readonly table: Int32Array | Float64Array | Uint8Array }
  /** Address of this op's scratch buffer. */
  | { readonly scratch: true };

/** An operator ready to run: its kernel code, parameter words, and figures for `info`. */
export interface PreparedOp {
  readonly kernel: number;
  readonly words: readonly Word[];
  /** Multiply-accumulates per invoke. */
  readonly macs: number;
  /** Element operations per invoke, for the work limit (defaults to the output elements, or macs when larger). */
  readonly work?: number;
  /** Bytes of scratch the kernel needs while it runs (planned in the arena). */
  readonly scratchBytes: number;
}

/** Checks and reads one operator's tensors and options; every failure names the operator. */
export class OpContext {
  readonly op: ParsedOperator;
  readonly #tensors: readonly ParsedTensor[];

  constructor(op: ParsedOperator, tensors: readonly ParsedTensor[]) {
    this.op = op;
    this.#tensors = tensors;
  }

  fail(message: string): never {
    throw new ModelFormatError(`operator ${this.op.index} (${this.op.name}): ${message}`);
  }

  /** Requires between `min` and `max` inputs (counting omitted optional ones) and exactly `outputs` outputs. */
  arity(min: number, max: number, outputs: number): void {
    const count = this.op.inputs.length;
    if (count < min || count > max) this.fail(`has ${count} inputs, expected ${min === max ? min : `${min} to ${max}`}`);
    if (this.op.outputs.length !== outputs) this.fail(`has ${this.op.outputs.length} outputs, expected ${outputs}`);
  }

  input(index: number): ParsedTensor {
    const tensor = this.optionalInput(index);
    if (tensor === null) this.fail(`input ${index} is missing`);
    return tensor;
  }

  optionalInput(index: number): ParsedTensor | null {
    const tensorIndex = index < this.op.inputs.length ? this.op.inputs[index] : -1;
    return tensorIndex < 0 ? null : this.#tensors[tensorIndex];
  }

  output(index: number): ParsedTensor {
    return this.#tensors[this.op.outputs[index]];
  }

  label(tensor: ParsedTensor): string {
    return `tensor ${tensor.index} (${JSON.stringify(tensor.name)})`;
  }

  /** Requires the tensor's type to be one of `types`. */
  type(tensor: ParsedTensor, ...types: number[]): void {
    if (!types.includes(tensor.type)) {
      this.fail(`${this.label(tensor)} has type ${tensorTypeName(tensor.type)}, expected ${types.map(tensorTypeName).join(" or ")}`);
    }
  }

  rank(tensor: ParsedTensor, ...ranks: number[]): void {
    if (!ranks.includes(tensor.shape.length)) this.fail(`${this.label(tensor)} has rank ${tensor.shape.length}, expected ${ranks.join(" or ")}`);
  }

  /** Requires a per-tensor quantized tensor; returns its scale and zero point. */
  quantization(tensor: ParsedTensor): { scale: number; zeroPoint: number } {
    if (tensor.scales.length !== 1) this.fail(`${this.label(tensor)} needs per-tensor quantization (has ${tensor.scales.length} scales)`);
    return { scale: tensor.scales[0], zeroPoint: tensor.zeroPoints[0] };
  }

  /** Requires an int8 tensor with per-tensor quantization and a zero point in int8 range. */
  int8(tensor: ParsedTensor): { scale: number; zeroPoint: number } {
    this.type(tensor, TensorType.INT8);
    const quantization = this.quantization(tensor);
    if (quantization.zeroPoint < -128 || quantization.zeroPoint > 127) this.fail(`${this.label(tensor)} has zero point ${quantization.zeroPoint} outside int8`);
    return quantization;
  }

  /** The values of a constant INT32 tensor. */
  constantInt32s(tensor: ParsedTensor): number[] {
    this.type(tensor, TensorType.INT32);
    if (tensor.data === null) this.fail(`${this.label(tensor)} must be constant`);
    const view = new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    const values: number[] = [];
    for (let i = 0; i < tensor.elements; i++) values.push(view.getInt32(4 * i, true));
    return values;
  }

  /** The builtin options table, checked against the expected union type; null when absent. */
  options(unionType: number): Table | null {
    if (this.op.options === null) return null;
    if (this.op.optionsType !== unionType) this.fail(`options have union type ${this.op.optionsType}, expected ${unionType}`);
    return this.op.options;
  }

  /** Requires the tensor not to be constant (the interpreter writes it). */
  activation(tensor: ParsedTensor): void {
    if (tensor.data !== null) this.fail(`${this.label(tensor)} is constant but is written by this operator`);
  }

  /** QuantizeMultiplier, refusing results the integer kernels cannot apply. */
  multiplier(real: number, what: string): QuantizedMultiplier {
    if (!Number.isFinite(real) || real < 0) this.fail(`${what}: effective scale ${real} is not a finite non-negative number`);
    const quantized = quantizeMultiplier(real);
    if (quantized.shift > MAX_LEFT_SHIFT) this.fail(`${what}: effective scale ${real} is too large`);
    return quantized;
  }

  /** Requires two shapes to be equal. */
  sameShape(a: ParsedTensor, b: ParsedTensor): void {
    if (a.shape.length !== b.shape.length || a.shape.some((dim, i) => dim !== b.shape[i])) {
      this.fail(`${this.label(a)} shape [${a.shape.join(", ")}] differs from ${this.label(b)} shape [${b.shape.join(", ")}]`);
    }
  }
}

/** Shape padded with leading 1s to `rank` dimensions. */
export function padShape(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

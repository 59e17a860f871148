import { ModelFormatError } from "./flatbuffer.js";
import type { ParsedModel } from "./parse.js";

/** Arena buffers start on this boundary, as in TensorFlow Lite Micro. */
export const ARENA_ALIGNMENT = 16;

/** A buffer that lives in the arena from op `first` to op `last` (inclusive). */
export interface BufferRequest {
  readonly size: number;
  readonly first: number;
  readonly last: number;
}

export interface ArenaPlan {
  /** Offset of each request, in request order. */
  readonly offsets: readonly number[];
  /** Bytes the arena needs. */
  readonly size: number;
}

const align = (value: number) => Math.ceil(value / ARENA_ALIGNMENT) * ARENA_ALIGNMENT;

/**
 * Greedy placement by lifetime, like TensorFlow Lite Micro's
 * GreedyMemoryPlanner: largest buffers first, each at the lowest offset that
 * does not overlap, in space, a placed buffer whose lifetime overlaps its own.
 */
export function planArena(requests: readonly BufferRequest[]): ArenaPlan {
  const order = requests.map((_, index) => index).sort((a, b) => requests[b].size - requests[a].size || a - b);
  const offsets = new Array<number>(requests.length).fill(0);
  const placed: number[] = [];
  let size = 0;
  for (const index of order) {
    const wanted = requests[index];
    const wantedSize = align(wanted.size);
    const live = placed
      .filter((other) => requests[other].first <= wanted.last && wanted.first <= requests[other].last)
      .sort((a, b) => offsets[a] - offsets[b]);
    let candidate = 0;
    for (const other of live) {
      if (offsets[other] - candidate >= wantedSize) break;
      candidate = Math.max(candidate, offsets[other] + align(requests[other].size));
    }
    offsets[index] = candidate;
    placed.push(index);
    size = Math.max(size, candidate + wantedSize);
  }
  return { offsets, size };
}

/** Op indices that first write and last read each activation tensor. */
export interface Lifetimes {
  /** Tensor index -> [first, last] op index; only tensors that live in the arena. */
  readonly ranges: ReadonlyMap<number, { first: number; last: number }>;
}

/**
 * Checks the graph's order (each activation is written once, before any
 * read: this also rules out cycles) and returns each activation's lifetime.
 * Graph outputs live to the end so that they stay readable after invoke.
 */
export function tensorLifetimes(model: ParsedModel): Lifetimes {
  const end = model.operators.length;
  const ranges = new Map<number, { first: number; last: number }>();
  const inputs = new Set(model.inputs);
  for (const index of model.inputs) {
    if (model.tensors[index].data !== null) throw new ModelFormatError(`subgraph input tensor ${index} is constant`);
    ranges.set(index, { first: 0, last: 0 });
  }
  for (const op of model.operators) {
    for (const index of op.inputs) {
      if (index < 0 || model.tensors[index].data !== null) continue;
      const range = ranges.get(index);
      if (range === undefined) {
        throw new ModelFormatError(`operator ${op.index} (${op.name}) reads tensor ${index} before any operator writes it (operators out of order, or a cycle)`);
      }
      range.last = op.index;
    }
    for (const index of op.outputs) {
      if (model.tensors[index].data !== null) throw new ModelFormatError(`operator ${op.index} (${op.name}) writes constant tensor ${index}`);
      if (ranges.has(index)) {
        throw new ModelFormatError(`operator ${op.index} (${op.name}) writes tensor ${index}, which ${inputs.has(index) ? "is a subgraph input" : "an earlier operator already wrote"}`);
      }
      ranges.set(index, { first: op.index, last: op.index });
    }
  }
  for (const index of model.outputs) {
    const range = ranges.get(index);
    if (range === undefined) {
      if (model.tensors[index].data !== null) throw new ModelFormatError(`subgraph output tensor ${index} is constant`);
      throw new ModelFormatError(`subgraph output tensor ${index} is never written`);
    }
    range.last = end;
  }
  return { ranges };
}

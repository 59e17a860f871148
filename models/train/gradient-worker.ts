/**
 * A gradient worker (worker_threads): its own tfjs wasm backend and copy of
 * the network; per step it takes the current weights and a part of the
 * batch, and answers that part's gradients (see gradient-pool.ts).
 */
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { type Architecture, layerShapes } from "./architecture.js";
import { useWasmBackend } from "./backend.js";
import { type Distillation, type Teacher, teacherFor } from "./distillation.js";
import { partGradients } from "./gradients.js";
import { Network, kernelShapeOf } from "./network.js";
import type { LossDenominators, LossOptions } from "./validation.js";
import type { Batch } from "../data/samples.js";

/** What the pool sends for one step. */
export interface StepRequest {
  readonly architecture: Architecture;
  readonly loss: LossOptions;
  /** Every variable's values, in the order of Network.variables. */
  readonly weights: Float32Array[];
  readonly part: Batch;
  readonly denominators: LossDenominators;
  /** The teacher, in a worker's first request only (the worker keeps it). */
  readonly distillation?: Distillation;
}

export type StepAnswer = { readonly loss: number; readonly gradients: Float32Array[] } | { readonly error: string };

let network: Network | undefined;
let teacher: Teacher | undefined;

/** The worker's network with these weights (kernels, then biases, as Network.variables orders them). */
function networkWith(architecture: Architecture, weights: Float32Array[]): Network {
  if (!network) {
    const shapes = layerShapes(architecture);
    network = Network.fromWeights({
      architecture,
      layers: shapes.map((shape, i) => ({ kernelShape: kernelShapeOf(shape), kernel: weights[i], bias: weights[shapes.length + i] })),
    });
    return network;
  }
  const current = network;
  tf.tidy(() => current.variables.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape))));
  return current;
}

const port = parentPort;
if (!port) throw new Error("gradient-worker: not started as a worker thread");
const ready = useWasmBackend();
port.on("message", (request: StepRequest) => {
  ready
    .then(() => {
      const net = networkWith(request.architecture, request.weights);
      if (request.distillation) teacher = teacherFor(request.distillation, net);
      const { loss, gradients } = partGradients(net, request.part, 0, request.part.size, request.denominators, request.loss, teacher);
      port.postMessage({ loss, gradients } satisfies StepAnswer, gradients.map((g) => g.buffer as ArrayBuffer));
    })
    .catch((error: unknown) => port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies StepAnswer));
});

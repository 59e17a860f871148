/**
 * Data-parallel gradients on worker threads (one per core): each step the
 * batch is cut into equal parts, each worker computes its part's gradients
 * with the current weights, and the parts are summed in worker order, so a
 * run is reproducible. Each part's loss is divided by the whole batch's
 * normalisers, so the sum is the whole batch's gradient (up to float
 * rounding).
 */
import { Worker } from "node:worker_threads";
import type { Architecture } from "./architecture.js";
import type { Distillation } from "./distillation.js";
import type { PartGradients } from "./gradients.js";
import type { StepAnswer, StepRequest } from "./gradient-worker.js";
import type { Network } from "./network.js";
import type { LossDenominators, LossOptions } from "./validation.js";
import type { Batch } from "../data/samples.js";
import { CELL_SIZE } from "./architecture.js";

const WORKER = new URL("./gradient-worker.js", import.meta.url);

/** Samples [start, start + n) of a batch, copied. */
function part(batch: Batch, start: number, n: number): Batch {
  const side = batch.side;
  const tile = side * side;
  const cells = (side / CELL_SIZE) ** 2;
  return {
    size: n,
    side,
    pixels: batch.pixels.slice(start * tile, (start + n) * tile),
    classes: batch.classes.slice(start * cells, (start + n) * cells),
    weights: batch.weights.slice(start * cells, (start + n) * cells),
    sizes: batch.sizes.slice(start * cells, (start + n) * cells),
    sizeWeights: batch.sizeWeights.slice(start * cells, (start + n) * cells),
  };
}

export class GradientPool {
  readonly #workers: Worker[];
  readonly #architecture: Architecture;
  readonly #loss: LossOptions;
  /** Sent with each worker's first request, then dropped. */
  #distillation: Distillation | undefined;
  #failure: Error | null = null;

  constructor(count: number, architecture: Architecture, loss: LossOptions, distillation?: Distillation) {
    if (!(count >= 1)) throw new Error("gradient pool: at least one worker");
    this.#architecture = architecture;
    this.#loss = loss;
    this.#distillation = distillation;
    this.#workers = Array.from({ length: count }, () => {
      const worker = new Worker(WORKER);
      worker.on("error", (error) => (this.#failure ??= error));
      return worker;
    });
  }

  get size(): number {
    return this.#workers.length;
  }

  /**
   * Sends each worker its part of `batch` and the weights of `network` (both
   * copied before this returns, so the caller may refill the batch at once),
   * and resolves to the summed gradients.
   */
  gradients(network: Network, batch: Batch, denominators: LossDenominators): Promise<PartGradients> {
    if (this.#failure) return Promise.reject(this.#failure);
    const weights = network.variables.map((v) => v.dataSync() as Float32Array);
    const count = this.#workers.length;
    const distillation = this.#distillation;
    this.#distillation = undefined;
    const answers = this.#workers.map((worker, k) => {
      const start = Math.floor((k * batch.size) / count);
      const end = Math.floor(((k + 1) * batch.size) / count);
      const request: StepRequest = {
        architecture: this.#architecture,
        loss: this.#loss,
        weights,
        part: part(batch, start, end - start),
        denominators,
        ...(distillation ? { distillation } : {}),
      };
      return new Promise<{ loss: number; gradients: Float32Array[] }>((resolve, reject) => {
        const onExit = (code: number): void => reject(this.#failure ?? new Error(`gradient worker exited (code ${code})`));
        worker.once("exit", onExit);
        worker.once("message", (answer: StepAnswer) => {
          worker.off("exit", onExit);
          if ("error" in answer) reject(new Error(`gradient worker: ${answer.error}`));
          else resolve(answer);
        });
        worker.postMessage(request);
      });
    });
    return Promise.all(answers).then((parts) => {
      const gradients = parts[0].gradients;
      let loss = parts[0].loss;
      for (let k = 1; k < parts.length; k++) {
        loss += parts[k].loss;
        parts[k].gradients.forEach((g, i) => {
          const sum = gradients[i];
          for (let j = 0; j < g.length; j++) sum[j] += g[j];
        });
      }
      return { loss, gradients };
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/**
 * Stands in for the mask model while the real one cannot run (safe mode, a
 * model that failed to load): it lets the core keep its windows and send the
 * batches it holds. No frame reaches it; an invoke is a bug and throws.
 */
import type { Model, TensorSpec } from "../../src/interfaces/index.js";

export class IdleModel implements Model {
  readonly id: string;
  readonly input: TensorSpec = Object.freeze({ shape: Object.freeze([1, 96, 96, 1]), scale: 1 / 255, zeroPoint: -128 });
  readonly outputs: readonly TensorSpec[] = Object.freeze([Object.freeze({ shape: Object.freeze([1, 12, 12, 3]), scale: 1 / 256, zeroPoint: -128 })]);

  /** `why` goes into the id ("none@safe-mode"), which goes into any batch released meanwhile (with no people counted). */
  constructor(why: string) {
    this.id = `none@${why}`;
  }

  invoke(_input: Int8Array): readonly Int8Array[] {
    throw new Error(`model: not running (${this.id})`);
  }
}

/**
 * Test doubles for running the core inside XS without allocating per frame:
 * the steady-state spec and the per-frame bench share them, so both measure
 * the same core around the same doubles.
 */
import type { Cancel, Clock, Https, HttpsResponse, Log, Model, Store, TensorSpec } from "../../src/interfaces/index.js";

export const GRID = 12;

/**
 * A stand-in mask model whose [1,12,12,3] output a subclass scripts per call:
 * every cell background, then `face()` marks cells. Outputs are written in
 * place into one array made once.
 */
export abstract class ScriptedGridModel implements Model {
  abstract readonly id: string;
  readonly input: TensorSpec = Object.freeze({ shape: Object.freeze([1, 96, 96, 1]), scale: 1 / 255, zeroPoint: -128 });
  readonly outputs: readonly TensorSpec[] = Object.freeze([Object.freeze({ shape: Object.freeze([1, GRID, GRID, 3]), scale: 1 / 256, zeroPoint: -128 })]);
  readonly #classes = new Int8Array(GRID * GRID * 3);
  readonly #result: readonly Int8Array[] = Object.freeze([this.#classes]);

  invoke(input: Int8Array): readonly Int8Array[] {
    if (input.length !== 96 * 96) throw new RangeError("stand-in model: input must be 96*96");
    const classes = this.#classes;
    for (let cell = 0; cell < GRID * GRID; cell++) {
      classes[cell * 3] = 127;
      classes[cell * 3 + 1] = -128;
      classes[cell * 3 + 2] = -128;
    }
    this.script();
    return this.#result;
  }

  /** Marks this call's faces with face(). */
  protected abstract script(): void;

  /** A face at a cell: P(background) about 0.1, the channel's class about 0.9. */
  protected face(column: number, row: number, channel: number): void {
    const cell = (row * GRID + column) * 3;
    this.#classes[cell] = -103;
    this.#classes[cell + channel] = 102;
  }
}

export class MapStore implements Store {
  readonly #entries = new Map<string, string>();
  get(key: string): string | undefined {
    return this.#entries.get(key);
  }
  set(key: string, value: string): void {
    this.#entries.set(key, value);
  }
  delete(key: string): void {
    this.#entries.delete(key);
  }
  keys(): string[] {
    return [...this.#entries.keys()];
  }
}

/** Time moves only when told; timers never fire (windows are 20 min, a run is seconds). */
export class StepClock implements Clock {
  #now = Date.UTC(2026, 0, 5, 9, 0, 0);
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  schedule(_delayMs: number, _callback: () => void): Cancel {
    return () => undefined;
  }
}

export const offlineHttps: Https = { post: (): Promise<HttpsResponse> => Promise.reject(new Error("offline")) };
export const quietLog: Log = { write: () => undefined };

/** A textured frame that changes every frame, so the kernel does real work. */
export function textured(pixels: Uint8Array, frame: number): void {
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + frame * 13) & 0xff;
}

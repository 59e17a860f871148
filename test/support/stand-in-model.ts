import type { Model, TensorSpec } from "../../src/interfaces/index.js";

/** A face the stand-in model "sees" in a tile, in tile pixels. */
export interface StandInFace {
  readonly x: number;
  readonly y: number;
  readonly cls: "mask" | "no_mask";
  /** Face width in tile pixels (reported when the model has a size output). */
  readonly size?: number;
  /** 1 - P(background) at the face's cell (default 0.9). */
  readonly confidence?: number;
}

export interface StandInModelOptions {
  /** What the model finds in a tile; markerFaces when absent. */
  readonly see?: (tile: Int8Array, call: number) => readonly StandInFace[];
  /** Adds the [1,12,12,1] face-width output. */
  readonly withSize?: boolean;
  /** Grid side (default 12). */
  readonly grid?: number;
  /** Model id (default "stand-in-test-model@0"). */
  readonly id?: string;
}

/** Pixel values of the synthetic face markers that markerFaces recognises. */
export const MASK_MARKER = 255;
export const NO_MASK_MARKER = 160;

const OUTPUT_SCALE = 1 / 256;
const OUTPUT_ZERO = -128;

function quantize(probability: number): number {
  return Math.max(-128, Math.min(127, Math.round(probability / OUTPUT_SCALE) + OUTPUT_ZERO));
}

/**
 * FOR TESTS ONLY: a deterministic stand-in for the mask model. It implements
 * the Model interface with the real output contract ([1,G,G,3] softmax
 * probabilities, background / mask / no_mask; optional [1,G,G,1] face width
 * as a fraction of the tile) but finds "faces" with a scripted function or,
 * by default, as flat squares of the marker gray levels in the tile. It knows
 * nothing about real faces.
 */
export class StandInModel implements Model {
  readonly id: string;
  readonly input: TensorSpec = Object.freeze({ shape: Object.freeze([1, 96, 96, 1]), scale: 1 / 255, zeroPoint: -128 });
  readonly outputs: readonly TensorSpec[];
  readonly #see: (tile: Int8Array, call: number) => readonly StandInFace[];
  readonly #grid: number;
  readonly #classes: Int8Array;
  readonly #sizes: Int8Array | undefined;
  /** Calls to invoke so far. */
  calls = 0;
  /** A copy of the last input tile (for kernel tests). */
  lastInput = new Int8Array(96 * 96);

  constructor(options: StandInModelOptions = {}) {
    this.id = options.id ?? "stand-in-test-model@0";
    this.#grid = options.grid ?? 12;
    this.#see = options.see ?? markerFaces;
    const g = this.#grid;
    const classes: TensorSpec = Object.freeze({ shape: Object.freeze([1, g, g, 3]), scale: OUTPUT_SCALE, zeroPoint: OUTPUT_ZERO });
    const sizes: TensorSpec = Object.freeze({ shape: Object.freeze([1, g, g, 1]), scale: OUTPUT_SCALE, zeroPoint: OUTPUT_ZERO });
    this.outputs = options.withSize ? [classes, sizes] : [classes];
    this.#classes = new Int8Array(g * g * 3);
    this.#sizes = options.withSize ? new Int8Array(g * g) : undefined;
  }

  invoke(input: Int8Array): readonly Int8Array[] {
    if (input.length !== 96 * 96) throw new RangeError("stand-in model: input must be 96*96");
    this.lastInput.set(input);
    const g = this.#grid;
    const cell = 96 / g;
    for (let c = 0; c < g * g; c++) {
      this.#classes[c * 3] = quantize(1);
      this.#classes[c * 3 + 1] = quantize(0);
      this.#classes[c * 3 + 2] = quantize(0);
    }
    this.#sizes?.fill(quantize(0));
    for (const face of this.#see(input, this.calls)) {
      const col = Math.min(g - 1, Math.max(0, Math.floor(face.x / cell)));
      const row = Math.min(g - 1, Math.max(0, Math.floor(face.y / cell)));
      const index = row * g + col;
      const confidence = face.confidence ?? 0.9;
      this.#classes[index * 3] = quantize(1 - confidence);
      this.#classes[index * 3 + 1] = quantize(face.cls === "mask" ? confidence : 0);
      this.#classes[index * 3 + 2] = quantize(face.cls === "mask" ? 0 : confidence);
      if (this.#sizes !== undefined && face.size !== undefined) this.#sizes[index] = quantize(face.size / 96);
    }
    this.calls++;
    return this.#sizes === undefined ? [this.#classes] : [this.#classes, this.#sizes];
  }
}

/**
 * Default vision of the stand-in: flat squares of the marker levels
 * (after the input quantization: 255 -> 127, 160 -> 32), found as 4-connected
 * components of at least 16 pixels that do not touch the tile's border.
 */
export function markerFaces(tile: Int8Array): StandInFace[] {
  const faces: StandInFace[] = [];
  const seen = new Uint8Array(96 * 96);
  const maskLevel = MASK_MARKER - 128;
  const noMaskLevel = NO_MASK_MARKER - 128;
  const stack: number[] = [];
  let q = 0;
  const visit = (n: number): void => {
    if (!seen[n] && Math.abs(tile[n] - q) <= 1) {
      seen[n] = 1;
      stack.push(n);
    }
  };
  for (let start = 0; start < 96 * 96; start++) {
    const value = tile[start];
    // Most pixels are background: one cheap range test before anything else.
    if ((value < noMaskLevel - 1 || value > noMaskLevel + 1) && value < maskLevel - 1) continue;
    if (seen[start]) continue;
    if (Math.abs(value - maskLevel) <= 1) q = maskLevel;
    else if (Math.abs(value - noMaskLevel) <= 1) q = noMaskLevel;
    else continue;
    const cls = q === maskLevel ? "mask" : "no_mask";
    stack.push(start);
    seen[start] = 1;
    let count = 0, sumX = 0, sumY = 0, minX = 96, maxX = -1, minY = 96, maxY = -1;
    while (stack.length > 0) {
      const p = stack.pop() as number;
      const x = p % 96;
      const y = (p - x) / 96;
      count++;
      sumX += x + 0.5;
      sumY += y + 0.5;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (x > 0) visit(p - 1);
      if (x < 95) visit(p + 1);
      if (y > 0) visit(p - 96);
      if (y < 95) visit(p + 96);
    }
    const touchesBorder = minX === 0 || minY === 0 || maxX === 95 || maxY === 95;
    if (count >= 16 && !touchesBorder) faces.push({ x: sumX / count, y: sumY / count, cls, size: maxX - minX + 1 });
  }
  return faces;
}

/** Draws a face marker: a filled square of side `size` centred at (cx, cy) in frame pixels. */
export function drawFace(pixels: Uint8Array, width: number, height: number, cx: number, cy: number, size: number, cls: "mask" | "no_mask"): void {
  const value = cls === "mask" ? MASK_MARKER : NO_MASK_MARKER;
  const x0 = Math.max(0, Math.round(cx - size / 2));
  const y0 = Math.max(0, Math.round(cy - size / 2));
  const x1 = Math.min(width, x0 + size);
  const y1 = Math.min(height, y0 + size);
  for (let y = y0; y < y1; y++) pixels.fill(value, y * width + x0, y * width + x1);
}

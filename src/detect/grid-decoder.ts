import type { TensorSpec } from "../interfaces/index.js";
import type { TileDetection } from "./detection.js";
import { DetectionList } from "./detection-list.js";

export const DEFAULT_FACE_THRESHOLD = 0.5;

export interface GridDecoderOptions {
  /** The model's output specs: [1,G,G,3] class probabilities, optionally [1,G,G,1] face width. */
  readonly outputs: readonly TensorSpec[];
  /** Tile side in pixels (the model's input width). */
  readonly tileSide: number;
  /** A cell is a face candidate when 1 - P(background) reaches this. */
  readonly threshold?: number;
}

function gridSide(spec: TensorSpec, channels: number, what: string): number {
  const shape = spec.shape;
  if (shape.length !== 4 || shape[0] !== 1 || shape[1] !== shape[2] || shape[3] !== channels || !(shape[1] >= 1)) {
    throw new RangeError(`grid decoder: ${what} must have shape [1,G,G,${channels}], got [${shape.join(",")}]`);
  }
  return shape[1];
}

/**
 * Decodes a FOMO-style grid into face centers. A face is a local maximum of
 * 1 - P(background) over its 8 neighbours (ties go to the first cell in scan
 * order, so a plateau gives one face) that reaches the threshold. Its center
 * is the probability-weighted centroid of the candidate cells in its 3x3
 * neighbourhood; its class is the larger summed probability there (a tie
 * counts as no_mask, so that compliance is never overstated); its size, when
 * the model gives one, the weighted mean width there.
 */
export class GridDecoder {
  #grid: number;
  #cell: number;
  #threshold: number;
  #classes: TensorSpec;
  #sizes: TensorSpec | undefined;
  #face: Float64Array;

  constructor(options: GridDecoderOptions) {
    const [classes, sizes] = options.outputs;
    if (classes === undefined) throw new RangeError("grid decoder: the model has no outputs");
    this.#grid = gridSide(classes, 3, "outputs[0]");
    if (sizes !== undefined && gridSide(sizes, 1, "outputs[1]") !== this.#grid) throw new RangeError("grid decoder: outputs[1] grid differs from outputs[0]");
    this.#classes = classes;
    this.#sizes = sizes;
    this.#cell = options.tileSide / this.#grid;
    this.#threshold = options.threshold ?? DEFAULT_FACE_THRESHOLD;
    if (!(this.#threshold > 0 && this.#threshold < 1)) throw new RangeError("grid decoder: threshold must be in (0, 1)");
    this.#face = new Float64Array(this.#grid * this.#grid);
  }

  /** Grid side G. */
  get gridSide(): number {
    return this.#grid;
  }

  /** Cell side in tile pixels (tile side / G). */
  get cellSize(): number {
    return this.#cell;
  }

  /** Faces in one tile's outputs, in tile pixels, as objects (tests, evaluation). */
  decode(outputs: readonly Int8Array[]): TileDetection[] {
    const found = new DetectionList();
    this.decodeInto(outputs, found);
    return found.toArray();
  }

  /**
   * Faces in one tile's outputs, in tile pixels, appended to `into` (the
   * frame loop's path: no object per face). Sizes are set only when the model
   * has the size output.
   */
  decodeInto(outputs: readonly Int8Array[], into: DetectionList): void {
    const g = this.#grid;
    const classes = outputs[0];
    if (classes === undefined || classes.length < g * g * 3) throw new RangeError("grid decoder: outputs[0] is too short");
    const sizes = this.#sizes === undefined ? undefined : outputs[1];
    if (this.#sizes !== undefined && (sizes === undefined || sizes.length < g * g)) throw new RangeError("grid decoder: outputs[1] is too short");
    const scale = this.#classes.scale;
    const zeroPoint = this.#classes.zeroPoint;
    const face = this.#face;
    for (let c = 0; c < g * g; c++) {
      const background = scale * (classes[c * 3] - zeroPoint);
      face[c] = Math.min(1, Math.max(0, 1 - background));
    }
    for (let row = 0; row < g; row++) {
      for (let col = 0; col < g; col++) {
        if (this.#isPeak(row, col)) this.#describe(row, col, classes, sizes, into);
      }
    }
  }

  #isPeak(row: number, col: number): boolean {
    const g = this.#grid;
    const face = this.#face;
    const here = row * g + col;
    const value = face[here];
    if (value < this.#threshold) return false;
    for (let dr = -1; dr <= 1; dr++) {
      const r = row + dr;
      if (r < 0 || r >= g) continue;
      for (let dc = -1; dc <= 1; dc++) {
        const c = col + dc;
        if (c < 0 || c >= g || (dr === 0 && dc === 0)) continue;
        const other = face[r * g + c];
        // Earlier cells in scan order win ties, so a plateau yields one peak.
        if (r * g + c < here ? other >= value : other > value) return false;
      }
    }
    return true;
  }

  #describe(row: number, col: number, classes: Int8Array, sizes: Int8Array | undefined, into: DetectionList): void {
    const g = this.#grid;
    const face = this.#face;
    const scale = this.#classes.scale;
    const zeroPoint = this.#classes.zeroPoint;
    let weight = 0;
    let sumX = 0;
    let sumY = 0;
    let mask = 0;
    let noMask = 0;
    let width = 0;
    for (let r = Math.max(0, row - 1); r <= Math.min(g - 1, row + 1); r++) {
      for (let c = Math.max(0, col - 1); c <= Math.min(g - 1, col + 1); c++) {
        const cell = r * g + c;
        const w = face[cell];
        if (w < this.#threshold) continue;
        weight += w;
        sumX += w * (c + 0.5);
        sumY += w * (r + 0.5);
        mask += scale * (classes[cell * 3 + 1] - zeroPoint);
        noMask += scale * (classes[cell * 3 + 2] - zeroPoint);
        if (sizes !== undefined && this.#sizes !== undefined) width += w * this.#sizes.scale * (sizes[cell] - this.#sizes.zeroPoint);
      }
    }
    const cell = this.#cell;
    const hasSize = sizes !== undefined;
    into.add((sumX / weight) * cell, (sumY / weight) * cell, mask > noMask, face[row * g + col], hasSize, hasSize ? Math.max(0, (width / weight) * cell * g) : 0);
  }
}

import type { RegionOfInterest } from "../config/config.js";
import type { GrayFrame, Quantization } from "../interfaces/index.js";
import { buildInputLut } from "./input-lut.js";
import { PortableTileKernel, TILE_BYTES, type TileKernel } from "./tile-kernel.js";
import { planTiles, type TilePlan } from "./tile-plan.js";

export interface FrameTilerOptions {
  /** The model input's quantization: the LUT is built from it. */
  readonly input: Quantization;
  readonly roi?: RegionOfInterest;
  readonly scaledShortSide: number;
  /** Tile budget per frame; no limit when absent (evaluation). */
  readonly maxTiles?: number;
  /** Fixed stride (evaluation protocol: 48); the budget-driven plan when absent. */
  readonly stride?: number;
  /** The exact kernel; the portable one when absent (the device passes its native one). */
  readonly kernel?: TileKernel;
}

/**
 * Cuts frames into int8 model tiles. The plan is computed once per frame size
 * and kept; tiles are written into a buffer the caller owns, so steady-state
 * framing allocates nothing.
 */
export class FrameTiler {
  #lut: Int8Array;
  #kernel: TileKernel;
  #options: FrameTilerOptions;
  #plan: TilePlan | undefined;

  constructor(options: FrameTilerOptions) {
    this.#options = options;
    this.#lut = buildInputLut(options.input);
    this.#kernel = options.kernel ?? new PortableTileKernel();
  }

  /** The plan for frames of this size (cached while the size does not change). */
  plan(frame: { readonly width: number; readonly height: number }): TilePlan {
    const cached = this.#plan;
    if (cached !== undefined && cached.frameWidth === frame.width && cached.frameHeight === frame.height) return cached;
    const { roi, scaledShortSide, maxTiles, stride } = this.#options;
    const plan = planTiles({ frameWidth: frame.width, frameHeight: frame.height, roi, scaledShortSide, maxTiles, stride });
    this.#plan = plan;
    return plan;
  }

  /** Writes tile `index` of `plan` into `out` (at least 96*96 values, from index 0). */
  writeTile(frame: GrayFrame, plan: TilePlan, index: number, out: Int8Array): void {
    if (frame.width !== plan.frameWidth || frame.height !== plan.frameHeight) throw new RangeError("frame tiler: frame size differs from the plan's");
    if (!(index >= 0 && index < plan.origins.length)) throw new RangeError(`frame tiler: no tile ${index}`);
    if (out.length < TILE_BYTES) throw new RangeError("frame tiler: output must hold 96 * 96 values");
    const origin = plan.origins[index];
    this.#kernel.write(frame.pixels, frame.width, frame.height, plan.rx, plan.ry, plan.rw, plan.rh, plan.sw, plan.sh, origin.x, origin.y, this.#lut, out);
  }

  /** Fills the frame with zeros so that no frame outlives its processing. */
  wipe(frame: GrayFrame): void {
    frame.pixels.fill(0);
  }
}

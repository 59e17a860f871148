import type { RegionOfInterest } from "../config/config.js";
import { TILE_SIDE } from "./tile-kernel.js";

/** Default most distance between tile origins: half a tile, so a face up to 48 px wide lies whole in some tile. */
export const DEFAULT_MAX_STRIDE = 48;
/** Steps by which the scaled size shrinks when the tile budget is short. */
const SCALE_STEP = 8;

export interface TileOrigin {
  readonly x: number;
  readonly y: number;
}

/** Where a frame's tiles come from: the ROI in frame pixels, its scaled size, tile origins in scaled pixels. */
export interface TilePlan {
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly rx: number;
  readonly ry: number;
  readonly rw: number;
  readonly rh: number;
  readonly sw: number;
  readonly sh: number;
  readonly origins: readonly TileOrigin[];
}

export interface TilePlanOptions {
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** Fractions of the frame; the whole frame when absent. */
  readonly roi?: RegionOfInterest;
  /** The ROI's shorter side is scaled to this (>= 96). */
  readonly scaledShortSide: number;
  /** Tile budget; no limit when absent. */
  readonly maxTiles?: number;
  /**
   * A fixed stride (the evaluation protocol uses 48): origins 0, s, 2s, ... and
   * a last one flush with the far edge. Scale and stride are then never
   * changed; a plan over `maxTiles` throws.
   */
  readonly stride?: number;
}

/** Origins along one axis of length `length`: `count` tiles spread evenly, first at 0, last flush with the end. */
function evenPositions(length: number, count: number): number[] {
  const span = length - TILE_SIDE;
  if (count === 1) return [0];
  const positions: number[] = [];
  for (let i = 0; i < count; i++) positions.push(Math.floor((i * span + Math.floor((count - 1) / 2)) / (count - 1)));
  return positions;
}

/** Fewest tiles covering `length` with origins at most `stride` apart. */
function countForStride(length: number, stride: number): number {
  return length <= TILE_SIDE ? 1 : Math.ceil((length - TILE_SIDE) / stride) + 1;
}

function fixedPositions(length: number, stride: number): number[] {
  const last = length - TILE_SIDE;
  const positions: number[] = [];
  for (let p = 0; p <= last; p += stride) positions.push(p);
  if (positions[positions.length - 1] !== last) positions.push(last);
  return positions;
}

/** The ROI in whole frame pixels (at least 1x1). */
function roiPixels(frameWidth: number, frameHeight: number, roi: RegionOfInterest | undefined): [number, number, number, number] {
  if (roi === undefined) return [0, 0, frameWidth, frameHeight];
  const rx = Math.min(frameWidth - 1, Math.round(roi.x * frameWidth));
  const ry = Math.min(frameHeight - 1, Math.round(roi.y * frameHeight));
  const right = Math.min(frameWidth, Math.round((roi.x + roi.width) * frameWidth));
  const bottom = Math.min(frameHeight, Math.round((roi.y + roi.height) * frameHeight));
  return [rx, ry, Math.max(1, right - rx), Math.max(1, bottom - ry)];
}

/** Scaled ROI size: the shorter side becomes `shortSide`, the longer keeps the aspect ratio (rounded). */
function scaledSize(rw: number, rh: number, shortSide: number): [number, number] {
  if (rw <= rh) return [shortSide, Math.max(shortSide, Math.floor((rh * shortSide + Math.floor(rw / 2)) / rw))];
  return [Math.max(shortSide, Math.floor((rw * shortSide + Math.floor(rh / 2)) / rh)), shortSide];
}

function grid(xs: readonly number[], ys: readonly number[]): TileOrigin[] {
  const origins: TileOrigin[] = [];
  for (const y of ys) for (const x of xs) origins.push(Object.freeze({ x, y }));
  return origins;
}

function freezePlan(frameWidth: number, frameHeight: number, roi: [number, number, number, number], sw: number, sh: number, origins: TileOrigin[]): TilePlan {
  const [rx, ry, rw, rh] = roi;
  return Object.freeze({ frameWidth, frameHeight, rx, ry, rw, rh, sw, sh, origins: Object.freeze(origins) });
}

/**
 * Plans the tiles of a frame. Without a fixed stride, tiles overlap as much as
 * DEFAULT_MAX_STRIDE asks; when that needs more than `maxTiles`, the overlap
 * shrinks first (down to none), then the scale (in steps of 8 px, down to 96).
 * Throws a RangeError when even 96 px without overlap exceeds the budget
 * (a very elongated ROI with a tiny budget).
 */
export function planTiles(options: TilePlanOptions): TilePlan {
  const { frameWidth, frameHeight, scaledShortSide, maxTiles, stride } = options;
  if (!Number.isInteger(frameWidth) || !Number.isInteger(frameHeight) || frameWidth < 1 || frameHeight < 1) throw new RangeError("tile plan: frame size must be positive integers");
  if (!Number.isInteger(scaledShortSide) || scaledShortSide < TILE_SIDE) throw new RangeError(`tile plan: scaled short side must be an integer >= ${TILE_SIDE}`);
  if (maxTiles !== undefined && !(Number.isInteger(maxTiles) && maxTiles >= 1)) throw new RangeError("tile plan: maxTiles must be an integer >= 1");
  const roi = roiPixels(frameWidth, frameHeight, options.roi);
  const budget = maxTiles ?? Number.POSITIVE_INFINITY;

  if (stride !== undefined) {
    if (!Number.isInteger(stride) || stride < 1 || stride > TILE_SIDE) throw new RangeError(`tile plan: stride must be an integer in 1..${TILE_SIDE}`);
    const [sw, sh] = scaledSize(roi[2], roi[3], scaledShortSide);
    const origins = grid(fixedPositions(sw, stride), fixedPositions(sh, stride));
    if (origins.length > budget) throw new RangeError(`tile plan: stride ${stride} needs ${origins.length} tiles, budget is ${budget}`);
    return freezePlan(frameWidth, frameHeight, roi, sw, sh, origins);
  }

  for (let shortSide = scaledShortSide; ; shortSide = Math.max(TILE_SIDE, shortSide - SCALE_STEP)) {
    const [sw, sh] = scaledSize(roi[2], roi[3], shortSide);
    for (let step = DEFAULT_MAX_STRIDE; step <= TILE_SIDE; step++) {
      const nx = countForStride(sw, step);
      const ny = countForStride(sh, step);
      if (nx * ny <= budget) return freezePlan(frameWidth, frameHeight, roi, sw, sh, grid(evenPositions(sw, nx), evenPositions(sh, ny)));
    }
    if (shortSide === TILE_SIDE) break;
  }
  const [sw, sh] = scaledSize(roi[2], roi[3], TILE_SIDE);
  throw new RangeError(`tile plan: the ROI needs ${countForStride(sw, TILE_SIDE) * countForStride(sh, TILE_SIDE)} tiles even at ${TILE_SIDE} px without overlap; maxTiles is ${budget}`);
}

/** Maps a point in tile pixels (continuous, 0..96) of tile `index` to frame pixels. */
export function tileToFrame(plan: TilePlan, index: number, tx: number, ty: number): [number, number] {
  return [tileToFrameX(plan, index, tx), tileToFrameY(plan, index, ty)];
}

/** tileToFrame's x alone (the frame loop's path: no pair allocated). */
export function tileToFrameX(plan: TilePlan, index: number, tx: number): number {
  return plan.rx + ((plan.origins[index].x + tx) * plan.rw) / plan.sw;
}

/** tileToFrame's y alone. */
export function tileToFrameY(plan: TilePlan, index: number, ty: number): number {
  return plan.ry + ((plan.origins[index].y + ty) * plan.rh) / plan.sh;
}

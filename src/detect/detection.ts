export type FaceClass = "mask" | "no_mask";

/**
 * The class names as values read once. Code run per frame uses these, not
 * string literals: an XS that compiles at run time (the XS test host) copies a
 * literal into a new chunk each time it is evaluated.
 */
export const MASK: FaceClass = "mask";
export const NO_MASK: FaceClass = "no_mask";

/** A face found in one tile, in that tile's pixels (0..96). */
export interface TileDetection {
  /** Center, tile pixels. */
  readonly x: number;
  readonly y: number;
  readonly cls: FaceClass;
  /** 1 - P(background) at the peak cell, 0..1. */
  readonly confidence: number;
  /** Face width in tile pixels, when the model has a size output. */
  readonly size?: number;
}

/** A face in frame pixels, after merging across overlapping tiles. Lives for one frame only. */
export interface Detection {
  readonly x: number;
  readonly y: number;
  readonly cls: FaceClass;
  readonly confidence: number;
  /** Face width in frame pixels, when the model has a size output. */
  readonly size?: number;
}

import type { RegionOfInterest } from "../config/config.js";
import type { GrayFrame, Model } from "../interfaces/index.js";
import { FrameTiler } from "../frame/frame-tiler.js";
import { TILE_BYTES, TILE_SIDE, type TileKernel } from "../frame/tile-kernel.js";
import { tileToFrameX, tileToFrameY, type TilePlan } from "../frame/tile-plan.js";
import type { Detection } from "./detection.js";
import { DetectionList } from "./detection-list.js";
import { GridDecoder } from "./grid-decoder.js";
import { DetectionMerger } from "./merge.js";

export interface FaceDetectorOptions {
  readonly model: Model;
  readonly roi?: RegionOfInterest;
  /** The ROI's shorter side is scaled to this (the evaluation protocol: 192). */
  readonly scaledShortSide: number;
  /** Tile budget per frame; no limit when absent. */
  readonly maxTiles?: number;
  /** Fixed tile stride (the evaluation protocol: 48); budget-driven when absent. */
  readonly stride?: number;
  /** Face threshold on 1 - P(background); see GridDecoder. */
  readonly threshold?: number;
  /** Merge radius in grid cells; see mergeDetections. */
  readonly mergeRadiusCells?: number;
  /** Exact tile kernel; the portable one when absent. */
  readonly kernel?: TileKernel;
  /** Zero the frame after its last tile (default true; the device always does). */
  readonly wipeFrame?: boolean;
}

/**
 * Frame -> tiles -> model -> decoded faces in frame pixels, merged across
 * tiles. The same code path serves the device and the model evaluation
 * (whole photo as ROI, scaledShortSide 192, stride 48, wipeFrame false).
 *
 * The frame loop calls detectList(), which writes into lists kept by the
 * detector (one tile's faces, the frame's faces, the merged faces): once they
 * have grown to the most faces a frame has held, a frame allocates nothing.
 */
export class FaceDetector {
  #model: Model;
  #tiler: FrameTiler;
  #decoder: GridDecoder;
  #tile: Int8Array;
  #wipe: boolean;
  #mergeRadiusCells: number | undefined;
  #lastTiles = 0;
  #merger = new DetectionMerger();
  #tileFaces = new DetectionList();
  #frameFaces = new DetectionList();
  #merged = new DetectionList();

  constructor(options: FaceDetectorOptions) {
    const { model } = options;
    const shape = model.input.shape;
    if (shape.length !== 4 || shape[0] !== 1 || shape[1] !== TILE_SIDE || shape[2] !== TILE_SIDE || shape[3] !== 1) {
      throw new RangeError(`face detector: model input must be [1,${TILE_SIDE},${TILE_SIDE},1], got [${shape.join(",")}]`);
    }
    this.#model = model;
    this.#tiler = new FrameTiler({ input: model.input, roi: options.roi, scaledShortSide: options.scaledShortSide, maxTiles: options.maxTiles, stride: options.stride, kernel: options.kernel });
    this.#decoder = new GridDecoder({ outputs: model.outputs, tileSide: TILE_SIDE, threshold: options.threshold });
    this.#tile = new Int8Array(TILE_BYTES);
    this.#wipe = options.wipeFrame ?? true;
    this.#mergeRadiusCells = options.mergeRadiusCells;
  }

  /** The tile plan for frames of this size. */
  plan(frame: { readonly width: number; readonly height: number }): TilePlan {
    return this.#tiler.plan(frame);
  }

  /** Tiles run on the last frame. */
  get lastTileCount(): number {
    return this.#lastTiles;
  }

  /** Faces in frame pixels, as objects (evaluation, preview). The frame is wiped afterwards (unless wipeFrame is false), also on error. */
  detect(frame: GrayFrame): Detection[] {
    return this.detectList(frame).toArray();
  }

  /**
   * Faces in frame pixels, in a list the detector owns: valid until the next
   * call. The frame is wiped afterwards (unless wipeFrame is false), also on error.
   */
  detectList(frame: GrayFrame): DetectionList {
    const found = this.#frameFaces;
    found.clear();
    try {
      const plan = this.#tiler.plan(frame);
      for (let index = 0; index < plan.origins.length; index++) {
        this.#tiler.writeTile(frame, plan, index, this.#tile);
        this.#collect(plan, index, this.#model.invoke(this.#tile), found);
      }
      this.#lastTiles = plan.origins.length;
      const cellSize = (this.#decoder.cellSize * (plan.rw / plan.sw + plan.rh / plan.sh)) / 2;
      this.#merger.merge(found, this.#merged, cellSize, this.#mergeRadiusCells);
      return this.#merged;
    } finally {
      if (this.#wipe) this.#tiler.wipe(frame);
      this.#tile.fill(0);
    }
  }

  /** Decodes one tile's outputs and appends its faces to `into`, mapped to frame pixels. */
  #collect(plan: TilePlan, index: number, outputs: readonly Int8Array[], into: DetectionList): void {
    const scale = (plan.rw / plan.sw + plan.rh / plan.sh) / 2;
    const faces = this.#tileFaces;
    faces.clear();
    this.#decoder.decodeInto(outputs, faces);
    const x = faces.x;
    const y = faces.y;
    const masked = faces.masked;
    const confidence = faces.confidence;
    const hasSize = faces.hasSize;
    const size = faces.size;
    for (let i = 0; i < faces.count; i++) {
      into.add(tileToFrameX(plan, index, x[i]), tileToFrameY(plan, index, y[i]), masked[i] === 1, confidence[i], hasSize[i] === 1, size[i] * scale);
    }
  }
}

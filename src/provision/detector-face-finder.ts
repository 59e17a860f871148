import { FaceDetector } from "../detect/face-detector.js";
import type { TileKernel } from "../frame/tile-kernel.js";
import type { GrayFrame, Model } from "../interfaces/index.js";
import type { FaceBox, FaceFinder } from "./ports.js";

export interface DetectorFaceFinderOptions {
  readonly model: Model;
  /** The board's exact tile kernel; the portable one when absent. */
  readonly kernel?: TileKernel;
  /** Tile budget per preview frame (default: no limit: a preview is rare, missing a face is not an option). */
  readonly maxTiles?: number;
}

/** The device's own mask model as the preview's face finder: the whole frame is searched, not just the ROI. */
export class DetectorFaceFinder implements FaceFinder {
  #detector: FaceDetector;

  constructor(options: DetectorFaceFinderOptions) {
    this.#detector = new FaceDetector({ model: options.model, scaledShortSide: 192, maxTiles: options.maxTiles, kernel: options.kernel });
  }

  find(frame: GrayFrame): readonly FaceBox[] {
    return this.#detector.detect(frame).map((face) => ({ x: face.x, y: face.y, size: face.size }));
  }
}

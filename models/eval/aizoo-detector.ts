/**
 * The AIZOO baseline as a PhotoDetector, in two ways of running it:
 * - "whole photo": its own usage, the photo resized to 260x260;
 * - "protocol tiles": the same 96x96 tiles of the 192-px scaled photo as our
 *   model sees (each resized to 260x260), boxes merged across tiles by NMS.
 * Both keep AIZOO's own confidence (0.5) and NMS (IoU 0.4); the protocol's
 * matching rules then apply as to our model.
 */
import { readFileSync } from "node:fs";
import { loadTflite } from "../../hosts/node/tflite/index.js";
import type { Detection } from "../../src/detect/detection.js";
import { planTiles } from "../../src/frame/tile-plan.js";
import type { RgbImage } from "../data/gray-image.js";
import { AIZOO_INPUT_SIZE, AIZOO_NMS_IOU, type AizooBox, aizooAnchors, decodeAizoo, nonMaxSuppression } from "./aizoo.js";
import type { EvalPhoto, PhotoDetector } from "./evaluate.js";
import { EVAL_SHORT_SIDE, EVAL_STRIDE } from "./protocol.js";

/** Runs the float model on one [1,260,260,3] RGB input in 0..1: box offsets [5972*4] and class scores [5972*2]. */
export type AizooRunner = (input: Float32Array) => { offsets: ArrayLike<number>; scores: ArrayLike<number> };

/**
 * Bilinear resize (half-pixel centres, as OpenCV's INTER_LINEAR which AIZOO's
 * script uses) of a region of an RGB image to size x size, scaled to 0..1.
 */
export function resizeRegionRgb(image: RgbImage, rx: number, ry: number, rw: number, rh: number, size: number, out: Float32Array): void {
  const { width, height, rgb } = image;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(height - 1, Math.max(0, ry + ((y + 0.5) * rh) / size - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(width - 1, Math.max(0, rx + ((x + 0.5) * rw) / size - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(width - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const a = rgb[(y0 * width + x0) * 3 + c];
        const b = rgb[(y0 * width + x1) * 3 + c];
        const d = rgb[(y1 * width + x0) * 3 + c];
        const e = rgb[(y1 * width + x1) * 3 + c];
        const top = a + (b - a) * fx;
        const bottom = d + (e - d) * fx;
        out[(y * size + x) * 3 + c] = (top + (bottom - top) * fy) / 255;
      }
    }
  }
}

function toDetection(box: AizooBox): Detection {
  return {
    x: (box.x0 + box.x1) / 2,
    y: (box.y0 + box.y1) / 2,
    cls: box.classIndex === 0 ? "mask" : "no_mask",
    confidence: box.score,
    size: box.x1 - box.x0,
  };
}

/** Loads the float AIZOO model in real TensorFlow Lite; outputs told apart by shape. */
export async function loadAizooRunner(path: string): Promise<AizooRunner> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new Error(`${path}: cannot read the AIZOO model: ${String(error)}`, { cause: error });
  }
  const model = await loadTflite(bytes);
  const offsetsIndex = model.outputs.findIndex((o) => o.shape[o.shape.length - 1] === 4);
  const scoresIndex = model.outputs.findIndex((o) => o.shape[o.shape.length - 1] === 2);
  if (offsetsIndex < 0 || scoresIndex < 0) throw new Error(`${path}: not the AIZOO model (outputs ${JSON.stringify(model.outputs)})`);
  return (input) => {
    model.input(0).set(input);
    model.run();
    return { offsets: model.output(offsetsIndex).slice(), scores: model.output(scoresIndex).slice() };
  };
}

export class AizooDetector implements PhotoDetector {
  /** Both ways of running AIZOO, sharing one TensorFlow Lite interpreter. */
  static async create(path: string): Promise<AizooDetector[]> {
    const run = await loadAizooRunner(path);
    return [new AizooDetector("AIZOO (whole photo)", run, false), new AizooDetector("AIZOO (protocol tiles)", run, true)];
  }

  readonly name: string;
  readonly #run: AizooRunner;
  readonly #tiles: boolean;
  readonly #anchors = aizooAnchors();
  readonly #input = new Float32Array(AIZOO_INPUT_SIZE * AIZOO_INPUT_SIZE * 3);

  constructor(name: string, run: AizooRunner, tiles: boolean) {
    this.name = name;
    this.#run = run;
    this.#tiles = tiles;
  }

  /** Boxes of one region of the photo, in photo pixels. */
  #boxes(image: RgbImage, rx: number, ry: number, rw: number, rh: number): AizooBox[] {
    resizeRegionRgb(image, rx, ry, rw, rh, AIZOO_INPUT_SIZE, this.#input);
    const { offsets, scores } = this.#run(this.#input);
    return decodeAizoo(this.#anchors, offsets, scores).map((b) => ({
      ...b,
      x0: rx + b.x0 * rw,
      x1: rx + b.x1 * rw,
      y0: ry + b.y0 * rh,
      y1: ry + b.y1 * rh,
    }));
  }

  detect(photo: EvalPhoto): Detection[] {
    const image = photo.rgb;
    if (!this.#tiles) return this.#boxes(image, 0, 0, image.width, image.height).map(toDetection);
    const plan = planTiles({ frameWidth: image.width, frameHeight: image.height, scaledShortSide: EVAL_SHORT_SIDE, stride: EVAL_STRIDE });
    const boxes: AizooBox[] = [];
    for (const origin of plan.origins) {
      const rx = (origin.x * plan.rw) / plan.sw;
      const ry = (origin.y * plan.rh) / plan.sh;
      boxes.push(...this.#boxes(image, rx, ry, (96 * plan.rw) / plan.sw, (96 * plan.rh) / plan.sh));
    }
    return nonMaxSuppression(boxes, AIZOO_NMS_IOU).map(toDetection);
  }

  fallbackWidth(): number {
    return 0;
  }
}

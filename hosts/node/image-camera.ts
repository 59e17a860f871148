import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import type { Camera, GrayFrame, Log } from "../../src/interfaces/index.js";
import { compareNames } from "../../models/data/dataset.js";
import { decodeGray, type GrayImage } from "../../models/data/gray-image.js";

const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png"]);
/** Gray level of the empty scene shown between held photos. */
const EMPTY_SCENE_LEVEL = 128;

/**
 * The JPEG and PNG files of a folder in natural name order (2 before 10).
 * A folder laid out as VOC (DIR/images beside DIR/annotations) is read from DIR/images.
 */
export function listImages(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`camera: ${folder} is not a folder`);
  const images = join(folder, "images");
  const names = readdirSync(folder).filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()));
  if (names.length === 0 && existsSync(images) && statSync(images).isDirectory()) return listImages(images);
  if (names.length === 0) throw new Error(`camera: no JPEG or PNG images in ${folder}`);
  return names.sort(compareNames).map((name) => join(folder, name));
}

export interface ImageCameraOptions {
  /** Image files, shown in this order. */
  readonly files: readonly string[];
  readonly log: Log;
  /** Frames each image stays in view; default 1 (consecutive frames). */
  readonly holdFrames?: number;
  /** Frames of empty scene after each image, so people leave view; default 0. */
  readonly gapFrames?: number;
  /** Largest shift in pixels while an image is held (a little motion); default 0. */
  readonly motionPx?: number;
  /** Called when an image is first shown (not for skipped ones). */
  readonly onShown?: (file: string) => void;
}

/**
 * A camera over image files, converted to 8-bit luma (BT.601). An unreadable
 * image is logged once and skipped; the run goes on. For the demo, each photo
 * can be held for several frames with small shifts (people standing in view)
 * followed by a few frames of empty scene (people leaving).
 */
export class ImageCamera implements Camera {
  #files: readonly string[];
  #log: Log;
  #holdFrames: number;
  #gapFrames: number;
  #motionPx: number;
  #onShown: (file: string) => void;
  #nextFile = 0;
  #image: GrayImage | undefined;
  /** Frames already produced for the current image (hold, then gap). */
  #step = 0;
  #skipped: string[] = [];

  constructor(options: ImageCameraOptions) {
    this.#files = options.files;
    this.#log = options.log;
    this.#holdFrames = positiveInteger(options.holdFrames ?? 1, "holdFrames");
    this.#gapFrames = nonNegativeInteger(options.gapFrames ?? 0, "gapFrames");
    this.#motionPx = nonNegativeInteger(options.motionPx ?? 0, "motionPx");
    this.#onShown = options.onShown ?? (() => {});
  }

  /** Files that could not be decoded, in the order met. */
  get skipped(): readonly string[] {
    return this.#skipped;
  }

  async read(): Promise<GrayFrame | null> {
    if (this.#image === undefined || this.#step >= this.#holdFrames + this.#gapFrames) {
      this.#image = await this.#nextImage();
      this.#step = 0;
      if (this.#image === undefined) return null;
    }
    const image = this.#image;
    const step = this.#step++;
    if (step >= this.#holdFrames) return emptyScene(image.width, image.height);
    const [dx, dy] = this.#shift(step);
    return shifted(image, dx, dy);
  }

  close(): void {
    this.#nextFile = this.#files.length;
    this.#image = undefined;
  }

  async #nextImage(): Promise<GrayImage | undefined> {
    while (this.#nextFile < this.#files.length) {
      const file = this.#files[this.#nextFile++];
      try {
        const image = decodeGray(await readFile(file), file);
        this.#onShown(file);
        return image;
      } catch (error) {
        this.#skipped.push(file);
        this.#log.write("warn", "camera.skip", { file: basename(file), reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return undefined;
  }

  /** A slow, smooth wander within ±motionPx: the same person stays near the same place. */
  #shift(step: number): [number, number] {
    if (this.#motionPx === 0 || step === 0) return [0, 0];
    return [Math.round(this.#motionPx * Math.sin(step * 0.9)), Math.round(this.#motionPx * Math.sin(step * 0.6))];
  }
}

/** A fresh frame (the core wipes the pixels it was given) showing `image` moved by (dx, dy), edges repeated. */
function shifted(image: GrayImage, dx: number, dy: number): GrayFrame {
  const { width, height } = image;
  const pixels = new Uint8Array(width * height);
  if (dx === 0 && dy === 0) {
    pixels.set(image.pixels);
    return { width, height, pixels };
  }
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.min(height - 1, Math.max(0, y - dy)) * width;
    for (let x = 0; x < width; x++) pixels[y * width + x] = image.pixels[sourceRow + Math.min(width - 1, Math.max(0, x - dx))];
  }
  return { width, height, pixels };
}

function emptyScene(width: number, height: number): GrayFrame {
  return { width, height, pixels: new Uint8Array(width * height).fill(EMPTY_SCENE_LEVEL) };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`camera: ${name} must be an integer >= 1, got ${value}`);
  return value;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`camera: ${name} must be an integer >= 0, got ${value}`);
  return value;
}

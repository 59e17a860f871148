import type { Camera, GrayFrame } from "../interfaces/index.js";
import type { FaceBox, FaceFinder } from "./ports.js";
import type { PreviewImage } from "./vendor-codec.js";
import { PREVIEW_MAX_SIDE } from "./vendor-protocol.js";

/** Face width assumed when the detector gives none: a fifth of the frame's short side, the largest faces expected. */
const DEFAULT_FACE_FRACTION = 1 / 5;
/** The blurred box is this much wider than the face, for hair, ears and detector offset. */
const BOX_MARGIN = 1.6;

/** Area-averages a frame down so that neither side exceeds maxSide (aspect kept, never upscaled). */
export function downscaleGray(frame: GrayFrame, maxSide: number = PREVIEW_MAX_SIDE): { width: number; height: number; pixels: Uint8Array } {
  const factor = Math.max(1, frame.width / maxSide, frame.height / maxSide);
  const width = Math.max(1, Math.min(maxSide, Math.floor(frame.width / factor)));
  const height = Math.max(1, Math.min(maxSide, Math.floor(frame.height / factor)));
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * frame.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * frame.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * frame.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * frame.width) / width));
      let sum = 0;
      for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) sum += frame.pixels[sy * frame.width + sx];
      pixels[y * width + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return { width, height, pixels };
}

/**
 * Blurs each face's box in a preview made from a frame of frameWidth x
 * frameHeight: every pixel of the box (face width x BOX_MARGIN) becomes the
 * mean of a window as wide as the face, so features mix with the background.
 */
export function blurFaces(image: { width: number; height: number; pixels: Uint8Array }, faces: readonly FaceBox[], frameWidth: number, frameHeight: number): void {
  const sx = image.width / frameWidth;
  const sy = image.height / frameHeight;
  const source = image.pixels.slice();
  for (const face of faces) {
    const faceWidth = (face.size ?? Math.min(frameWidth, frameHeight) * DEFAULT_FACE_FRACTION) * Math.max(sx, sy);
    const half = Math.max(2, Math.ceil((faceWidth * BOX_MARGIN) / 2));
    const radius = Math.max(2, Math.ceil(faceWidth));
    const cx = Math.round(face.x * sx);
    const cy = Math.round(face.y * sy);
    for (let y = Math.max(0, cy - half); y <= Math.min(image.height - 1, cy + half); y++) {
      for (let x = Math.max(0, cx - half); x <= Math.min(image.width - 1, cx + half); x++) {
        let sum = 0;
        let count = 0;
        for (let wy = Math.max(0, y - radius); wy <= Math.min(image.height - 1, y + radius); wy++) {
          for (let wx = Math.max(0, x - radius); wx <= Math.min(image.width - 1, x + radius); wx++) {
            sum += source[wy * image.width + wx];
            count++;
          }
        }
        image.pixels[y * image.width + x] = Math.round(sum / count);
      }
    }
  }
}

export interface AimingPreviewOptions {
  readonly camera: Camera;
  readonly faces: FaceFinder;
  /** Largest side, at most PREVIEW_MAX_SIDE (96). */
  readonly maxSide?: number;
}

export interface PreviewShot {
  readonly image: PreviewImage;
  /** Faces found and blurred. */
  readonly faces: number;
}

/** Where the provisioner gets aiming frames: AimingPreview, or a wrapper around it. */
export interface PreviewSource {
  capture(): Promise<PreviewShot>;
}

/**
 * One aiming frame at a time: the frame is shrunk to 96x96 or coarser, every
 * face the device's detector finds is blurred in the small copy, and the full
 * frame is wiped before anything leaves.
 */
export class AimingPreview implements PreviewSource {
  #camera: Camera;
  #faces: FaceFinder;
  #maxSide: number;

  constructor(options: AimingPreviewOptions) {
    const maxSide = options.maxSide ?? PREVIEW_MAX_SIDE;
    if (!Number.isInteger(maxSide) || maxSide < 8 || maxSide > PREVIEW_MAX_SIDE) throw new RangeError(`preview: maxSide must be an integer 8..${PREVIEW_MAX_SIDE}`);
    this.#camera = options.camera;
    this.#faces = options.faces;
    this.#maxSide = maxSide;
  }

  async capture(): Promise<PreviewShot> {
    const frame = await this.#camera.read();
    if (frame === null) throw new Error("preview: the camera has no frame");
    try {
      const image = downscaleGray(frame, this.#maxSide);
      const faces = this.#faces.find(frame);
      blurFaces(image, faces, frame.width, frame.height);
      return { image, faces: faces.length };
    } finally {
      frame.pixels.fill(0);
    }
  }
}

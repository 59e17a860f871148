import jpeg from "jpeg-js";
import { PNG } from "pngjs";

/** An 8-bit grayscale image, row-major, top row first. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** An RGB image, 3 bytes a pixel. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** Raised for a photo that cannot be decoded; the message names the file. */
export class ImageError extends Error {
  constructor(readonly source: string, detail: string) {
    super(`${source}: unreadable image: ${detail}`);
    this.name = "ImageError";
  }
}

const MAX_MEGAPIXELS = 64;

/** Decodes a JPEG or PNG file's bytes to RGB. Throws ImageError naming `source`. */
export function decodeRgb(bytes: Uint8Array, source: string): RgbImage {
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  try {
    if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = png.data;
    } else if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS });
      ({ width, height } = image);
      rgba = image.data;
    } else {
      throw new Error("neither JPEG nor PNG");
    }
  } catch (error) {
    throw new ImageError(source, error instanceof Error ? error.message : String(error));
  }
  if (!(width > 0 && height > 0) || rgba.length < width * height * 4) throw new ImageError(source, "truncated pixel data");
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return { width, height, rgb };
}

/**
 * Luma as a grayscale sensor gives it (ITU-R BT.601 weights 77/150/29 of 256,
 * rounded): the camera boards run their sensors in grayscale mode.
 */
export function toGray(image: RgbImage): GrayImage {
  const { width, height, rgb } = image;
  const pixels = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < pixels.length; i++, j += 3) {
    pixels[i] = (77 * rgb[j] + 150 * rgb[j + 1] + 29 * rgb[j + 2] + 128) >> 8;
  }
  return { width, height, pixels };
}

export function decodeGray(bytes: Uint8Array, source: string): GrayImage {
  return toGray(decodeRgb(bytes, source));
}

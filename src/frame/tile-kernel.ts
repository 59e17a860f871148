/** Side of the model's square input tile, in pixels. */
export const TILE_SIDE = 96;
/** Bytes (int8 values) in one tile. */
export const TILE_BYTES = TILE_SIDE * TILE_SIDE;

/**
 * Writes one 96x96 int8 tile from a grayscale frame: the exact kernel of the
 * frame-kernel brief, shared byte for byte with the C kernel in native/.
 * Arguments are plain numbers and typed arrays so that a native version can
 * take the same call (hosts/moddable swaps it in).
 */
export interface TileKernel {
  write(
    pixels: Uint8Array, frameWidth: number, frameHeight: number,
    rx: number, ry: number, rw: number, rh: number,
    sw: number, sh: number, ox: number, oy: number,
    lut: Int8Array, out: Int8Array,
  ): void;
}

function checkArguments(
  pixels: Uint8Array, frameWidth: number, frameHeight: number,
  rx: number, ry: number, rw: number, rh: number,
  sw: number, sh: number, ox: number, oy: number,
  lut: Int8Array, out: Int8Array,
): void {
  if (pixels.length !== frameWidth * frameHeight) throw new RangeError("tile kernel: pixels must hold width * height bytes");
  if (rx < 0 || ry < 0 || rw < 1 || rh < 1 || rx + rw > frameWidth || ry + rh > frameHeight) throw new RangeError("tile kernel: ROI outside the frame");
  if (sw < TILE_SIDE || sh < TILE_SIDE) throw new RangeError("tile kernel: scaled ROI smaller than a tile");
  if (ox < 0 || oy < 0 || ox > sw - TILE_SIDE || oy > sh - TILE_SIDE) throw new RangeError("tile kernel: tile origin outside the scaled ROI");
  if (lut.length !== 256) throw new RangeError("tile kernel: LUT must have 256 entries");
  if (out.length < TILE_BYTES) throw new RangeError("tile kernel: output must hold 96 * 96 values");
}

/**
 * The kernel in portable TypeScript. Integer arithmetic only: every product
 * and sum stays far below 2^53, and floor of a quotient of such non-negative
 * integers is exact in doubles.
 */
export class PortableTileKernel implements TileKernel {
  // Box bounds of the current tile's columns and rows, reused between calls.
  #columnStart = new Int32Array(TILE_SIDE);
  #columnEnd = new Int32Array(TILE_SIDE);
  #rowStart = new Int32Array(TILE_SIDE);
  #rowEnd = new Int32Array(TILE_SIDE);

  write(
    pixels: Uint8Array, frameWidth: number, frameHeight: number,
    rx: number, ry: number, rw: number, rh: number,
    sw: number, sh: number, ox: number, oy: number,
    lut: Int8Array, out: Int8Array,
  ): void {
    checkArguments(pixels, frameWidth, frameHeight, rx, ry, rw, rh, sw, sh, ox, oy, lut, out);
    const columnStart = this.#columnStart;
    const columnEnd = this.#columnEnd;
    boxBounds(ox, rx, rw, sw, columnStart, columnEnd);
    boxBounds(oy, ry, rh, sh, this.#rowStart, this.#rowEnd);
    for (let ty = 0; ty < TILE_SIDE; ty++) {
      const y0 = this.#rowStart[ty];
      const y1 = this.#rowEnd[ty];
      const rowOut = ty * TILE_SIDE;
      for (let tx = 0; tx < TILE_SIDE; tx++) {
        const x0 = columnStart[tx];
        const x1 = columnEnd[tx];
        const n = (x1 - x0) * (y1 - y0);
        if (n === 1) {
          // A single pixel: its mean is itself (enlarging, or scale 1).
          out[rowOut + tx] = lut[pixels[y0 * frameWidth + x0]];
          continue;
        }
        let sum = 0;
        for (let y = y0; y < y1; y++) {
          const row = y * frameWidth;
          for (let x = x0; x < x1; x++) sum += pixels[row + x];
        }
        out[rowOut + tx] = lut[Math.floor((sum + Math.floor(n / 2)) / n)];
      }
    }
  }
}

/** Source box bounds [start, end) for the 96 tile positions along one axis (the brief's first two lines). */
function boxBounds(origin: number, roiStart: number, roiLength: number, scaledLength: number, start: Int32Array, end: Int32Array): void {
  for (let t = 0; t < TILE_SIDE; t++) {
    const u = origin + t;
    const b0 = roiStart + Math.floor((u * roiLength) / scaledLength);
    let b1 = roiStart + Math.floor(((u + 1) * roiLength) / scaledLength);
    if (b1 <= b0) b1 = b0 + 1;
    start[t] = b0;
    end[t] = b1;
  }
}

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
  // Column box bounds of the current tile, reused between calls.
  #columnStart = new Int32Array(TILE_SIDE);
  #columnEnd = new Int32Array(TILE_SIDE);

  write(
    pixels: Uint8Array, frameWidth: number, frameHeight: number,
    rx: number, ry: number, rw: number, rh: number,
    sw: number, sh: number, ox: number, oy: number,
    lut: Int8Array, out: Int8Array,
  ): void {
    checkArguments(pixels, frameWidth, frameHeight, rx, ry, rw, rh, sw, sh, ox, oy, lut, out);
    const columnStart = this.#columnStart;
    const columnEnd = this.#columnEnd;
    for (let tx = 0; tx < TILE_SIDE; tx++) {
      const u = ox + tx;
      const x0 = rx + Math.floor((u * rw) / sw);
      let x1 = rx + Math.floor(((u + 1) * rw) / sw);
      if (x1 <= x0) x1 = x0 + 1;
      columnStart[tx] = x0;
      columnEnd[tx] = x1;
    }
    for (let ty = 0; ty < TILE_SIDE; ty++) {
      const v = oy + ty;
      const y0 = ry + Math.floor((v * rh) / sh);
      let y1 = ry + Math.floor(((v + 1) * rh) / sh);
      if (y1 <= y0) y1 = y0 + 1;
      const rowOut = ty * TILE_SIDE;
      for (let tx = 0; tx < TILE_SIDE; tx++) {
        const x0 = columnStart[tx];
        const x1 = columnEnd[tx];
        let sum = 0;
        for (let y = y0; y < y1; y++) {
          const row = y * frameWidth;
          for (let x = x0; x < x1; x++) sum += pixels[row + x];
        }
        const n = (x1 - x0) * (y1 - y0);
        out[rowOut + tx] = lut[Math.floor((sum + Math.floor(n / 2)) / n)];
      }
    }
  }
}

/**
 * The frame kernel in C (native/frame), behind the core's TileKernel seam:
 * byte-identical to the portable kernel (test/xs/tile-kernel.spec.ts), several
 * times faster on the board. Each method's whole body is the native call, so
 * the SDK's xsc compiles it into a direct host function (no JS frame, no
 * allocation per call).
 */
import type { TileKernel } from "../../src/frame/tile-kernel.js";

// The SDK's xs.d.ts declares this globally; declared here too so that the
// module also compiles outside the device build (XS test host, CI).
declare function native(name: string): (...args: unknown[]) => unknown;

export class NativeTileKernel implements TileKernel {
  write(
    pixels: Uint8Array, frameWidth: number, frameHeight: number,
    rx: number, ry: number, rw: number, rh: number,
    sw: number, sh: number, ox: number, oy: number,
    lut: Int8Array, out: Int8Array,
  ): void {
    native("xs_tile_kernel_write").call(this, pixels, frameWidth, frameHeight, rx, ry, rw, rh, sw, sh, ox, oy, lut, out);
  }

  /** Fills `lut` (256 entries) from the model's input quantization, as buildInputLut does. */
  static buildLut(scale: number, zeroPoint: number, lut: Int8Array): void {
    native("xs_tile_kernel_build_lut").call(this, scale, zeroPoint, lut);
  }

  /** Zeros a frame buffer (a plain fill the C compiler may not drop). */
  static wipe(pixels: Uint8Array): void {
    native("xs_tile_kernel_wipe").call(this, pixels);
  }
}

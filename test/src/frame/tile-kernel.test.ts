import { strict as assert } from "node:assert";
import fc from "fast-check";
import { buildInputLut } from "../../../src/frame/input-lut.js";
import { PortableTileKernel, TILE_BYTES } from "../../../src/frame/tile-kernel.js";

/** The brief's kernel in BigInt arithmetic: exact by construction, independent of float rounding. */
function referenceTile(
  pixels: Uint8Array, width: number,
  rx: number, ry: number, rw: number, rh: number, sw: number, sh: number, ox: number, oy: number, lut: Int8Array,
): Int8Array {
  const out = new Int8Array(TILE_BYTES);
  const B = BigInt;
  for (let ty = 0; ty < 96; ty++) {
    for (let tx = 0; tx < 96; tx++) {
      const u = B(ox + tx), v = B(oy + ty);
      const x0 = B(rx) + (u * B(rw)) / B(sw);
      let x1 = B(rx) + ((u + 1n) * B(rw)) / B(sw);
      if (x1 <= x0) x1 = x0 + 1n;
      const y0 = B(ry) + (v * B(rh)) / B(sh);
      let y1 = B(ry) + ((v + 1n) * B(rh)) / B(sh);
      if (y1 <= y0) y1 = y0 + 1n;
      const n = (x1 - x0) * (y1 - y0);
      let sum = 0n;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += B(pixels[Number(y) * width + Number(x)]);
      out[ty * 96 + tx] = lut[Number((sum + n / 2n) / n)];
    }
  }
  return out;
}

function patterned(width: number, height: number, seed: number): Uint8Array {
  const pixels = new Uint8Array(width * height);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < pixels.length; i++) {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    pixels[i] = state & 0xff;
  }
  return pixels;
}

/** FNV-1a over the tile's bytes: pins the kernel's output for the C port. */
function fnv1a(bytes: Int8Array): string {
  let hash = 0x811c9dc5;
  for (const value of bytes) {
    hash ^= value & 0xff;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

describe("tile kernel", () => {
  const lut = buildInputLut({ scale: 1 / 255, zeroPoint: -128 });
  const kernel = new PortableTileKernel();

  it("copies pixels through the LUT when no scaling happens", () => {
    const pixels = patterned(120, 100, 7);
    const out = new Int8Array(TILE_BYTES);
    kernel.write(pixels, 120, 100, 10, 2, 100, 98, 100, 98, 3, 1, lut, out);
    for (let ty = 0; ty < 96; ty++) for (let tx = 0; tx < 96; tx++) assert.equal(out[ty * 96 + tx], pixels[(2 + 1 + ty) * 120 + 10 + 3 + tx] - 128);
  });

  it("averages 2x2 boxes with round-half-up when halving", () => {
    const pixels = new Uint8Array(192 * 192);
    pixels[0] = 1; pixels[1] = 0; pixels[192] = 0; pixels[193] = 1; // mean 0.5 -> 1
    pixels[2] = 1; // box (2..3, 0..1): mean 0.25 -> 0
    const out = new Int8Array(TILE_BYTES);
    kernel.write(pixels, 192, 192, 0, 0, 192, 192, 96, 96, 0, 0, lut, out);
    assert.equal(out[0], 1 - 128);
    assert.equal(out[1], 0 - 128);
  });

  it("enlarges by nearest neighbour", () => {
    const pixels = patterned(48, 48, 3);
    const out = new Int8Array(TILE_BYTES);
    kernel.write(pixels, 48, 48, 0, 0, 48, 48, 96, 96, 0, 0, lut, out);
    for (let ty = 0; ty < 96; ty++) for (let tx = 0; tx < 96; tx++) assert.equal(out[ty * 96 + tx], pixels[(ty >> 1) * 48 + (tx >> 1)] - 128);
  });

  it("matches an exact BigInt reference on random frames, ROIs, scales and origins", () => {
    const personLut = buildInputLut({ scale: 0.00784, zeroPoint: -1 });
    fc.assert(
      fc.property(
        fc.record({
          width: fc.integer({ min: 8, max: 400 }),
          height: fc.integer({ min: 8, max: 300 }),
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          roi: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
          scaled: fc.tuple(fc.integer({ min: 96, max: 260 }), fc.integer({ min: 96, max: 260 })),
          origin: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
          person: fc.boolean(),
        }),
        ({ width, height, seed, roi, scaled, origin, person }) => {
          const rx = Math.floor(roi[0] * (width - 1));
          const ry = Math.floor(roi[1] * (height - 1));
          const rw = 1 + Math.floor(roi[2] * (width - rx - 1));
          const rh = 1 + Math.floor(roi[3] * (height - ry - 1));
          const [sw, sh] = scaled;
          const ox = Math.floor(origin[0] * (sw - 96));
          const oy = Math.floor(origin[1] * (sh - 96));
          const pixels = patterned(width, height, seed);
          const table = person ? personLut : lut;
          const out = new Int8Array(TILE_BYTES);
          kernel.write(pixels, width, height, rx, ry, rw, rh, sw, sh, ox, oy, table, out);
          assert.deepEqual(out, referenceTile(pixels, width, rx, ry, rw, rh, sw, sh, ox, oy, table));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("gives pinned bytes for a fixed input (the C kernel must give the same)", () => {
    const pixels = patterned(320, 240, 12345);
    const out = new Int8Array(TILE_BYTES);
    kernel.write(pixels, 320, 240, 16, 8, 288, 224, 247, 192, 151, 96, buildInputLut({ scale: 0.00784, zeroPoint: -1 }), out);
    assert.deepEqual(out, referenceTile(pixels, 320, 16, 8, 288, 224, 247, 192, 151, 96, buildInputLut({ scale: 0.00784, zeroPoint: -1 })));
    assert.equal(fnv1a(out), "ab9c3c17");
  });

  it("refuses arguments outside the frame, the scaled ROI or the buffers", () => {
    const pixels = new Uint8Array(200 * 150);
    const out = new Int8Array(TILE_BYTES);
    assert.throws(() => kernel.write(pixels, 200, 149, 0, 0, 200, 150, 200, 150, 0, 0, lut, out), RangeError);
    assert.throws(() => kernel.write(pixels, 200, 150, 10, 0, 200, 150, 200, 150, 0, 0, lut, out), RangeError);
    assert.throws(() => kernel.write(pixels, 200, 150, 0, 0, 200, 150, 95, 150, 0, 0, lut, out), RangeError);
    assert.throws(() => kernel.write(pixels, 200, 150, 0, 0, 200, 150, 200, 150, 105, 0, lut, out), RangeError);
    assert.throws(() => kernel.write(pixels, 200, 150, 0, 0, 200, 150, 200, 150, 0, 0, new Int8Array(255), out), RangeError);
    assert.throws(() => kernel.write(pixels, 200, 150, 0, 0, 200, 150, 200, 150, 0, 0, lut, new Int8Array(100)), RangeError);
  });
});

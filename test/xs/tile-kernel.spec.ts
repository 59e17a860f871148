/**
 * The C frame kernel (native/frame, linked into the XS test host) against the
 * portable TypeScript kernel (src/frame): the same int8 bytes for random
 * frames, regions of interest, scales and tile origins, the same LUT, the same
 * refusals. Runs inside XS only (npm run test:xs).
 */
import { strict as assert } from "node:assert";
import * as fc from "fast-check";
import { NativeTileKernel } from "../../hosts/moddable/native-tile-kernel.js";
import { buildInputLut } from "../../src/frame/input-lut.js";
import { planTiles } from "../../src/frame/tile-plan.js";
import { PortableTileKernel, TILE_BYTES, TILE_SIDE } from "../../src/frame/tile-kernel.js";
import { xsHost } from "./xs-host.js";

/** xorshift32: reproducible pixels from a seed, without allocating per value. */
function fillFrame(pixels: Uint8Array, seed: number, smooth: boolean): void {
  let state = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < pixels.length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    // Smooth frames have long runs, as a camera's do; noisy ones test every rounding case.
    pixels[i] = smooth ? (i % 7 === 0 ? state & 0xff : pixels[i - 1] ?? 0) : state & 0xff;
  }
}

interface Geometry {
  readonly width: number;
  readonly height: number;
  readonly rx: number;
  readonly ry: number;
  readonly rw: number;
  readonly rh: number;
  readonly sw: number;
  readonly sh: number;
  readonly ox: number;
  readonly oy: number;
  readonly seed: number;
  readonly smooth: boolean;
}

/** Frames from 1x1 to 640x480, any ROI inside, scaled sizes that shrink (box filter) or enlarge (nearest). */
const geometry: fc.Arbitrary<Geometry> = fc
  .record({
    width: fc.integer({ min: 1, max: 640 }),
    height: fc.integer({ min: 1, max: 480 }),
    a: fc.double({ min: 0, max: 1, noNaN: true }),
    b: fc.double({ min: 0, max: 1, noNaN: true }),
    c: fc.double({ min: 0, max: 1, noNaN: true }),
    d: fc.double({ min: 0, max: 1, noNaN: true }),
    sw: fc.integer({ min: TILE_SIDE, max: 700 }),
    sh: fc.integer({ min: TILE_SIDE, max: 700 }),
    e: fc.double({ min: 0, max: 1, noNaN: true }),
    f: fc.double({ min: 0, max: 1, noNaN: true }),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    smooth: fc.boolean(),
  })
  .map(({ width, height, a, b, c, d, sw, sh, e, f, seed, smooth }) => {
    const rx = Math.min(width - 1, Math.floor(a * width));
    const ry = Math.min(height - 1, Math.floor(b * height));
    const rw = 1 + Math.min(width - rx - 1, Math.floor(c * (width - rx)));
    const rh = 1 + Math.min(height - ry - 1, Math.floor(d * (height - ry)));
    const ox = Math.floor(e * (sw - TILE_SIDE + 1)) % (sw - TILE_SIDE + 1);
    const oy = Math.floor(f * (sh - TILE_SIDE + 1)) % (sh - TILE_SIDE + 1);
    return { width, height, rx, ry, rw, rh, sw, sh, ox, oy, seed, smooth };
  });

const portable = new PortableTileKernel();
const native = new NativeTileKernel();
const lut = buildInputLut({ scale: 0.00784, zeroPoint: -1 });
const expected = new Int8Array(TILE_BYTES);
const actual = new Int8Array(TILE_BYTES);

function firstDifference(a: Int8Array, b: Int8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function compareTile(pixels: Uint8Array, g: Omit<Geometry, "seed" | "smooth">): void {
  expected.fill(0x55);
  actual.fill(-0x55);
  portable.write(pixels, g.width, g.height, g.rx, g.ry, g.rw, g.rh, g.sw, g.sh, g.ox, g.oy, lut, expected);
  native.write(pixels, g.width, g.height, g.rx, g.ry, g.rw, g.rh, g.sw, g.sh, g.ox, g.oy, lut, actual);
  const at = firstDifference(expected, actual);
  assert.equal(at, -1, `tiles differ at (${at % TILE_SIDE}, ${Math.floor(at / TILE_SIDE)}): portable ${expected[at]}, native ${actual[at]}`);
}

describe("native tile kernel (C, inside XS) vs the portable kernel", () => {
  it("writes byte-identical tiles for random frames, ROIs, scales and origins", () => {
    fc.assert(
      fc.property(geometry, (g) => {
        const pixels = new Uint8Array(g.width * g.height);
        fillFrame(pixels, g.seed, g.smooth);
        compareTile(pixels, g);
      }),
      { numRuns: 200, seed: 0x5eed },
    );
  });

  it("writes byte-identical tiles for every tile of planned camera frames", () => {
    // OV2640 sizes from QQVGA to UXGA; the largest with a smaller ROI only (the portable kernel is slow in XS).
    const sizes: readonly [number, number][] = [[160, 120], [320, 240], [640, 480], [800, 600], [1600, 1200]];
    const wide = { x: 0.25, y: 0.1, width: 0.5, height: 0.6 };
    const narrow = { x: 0.61, y: 0.37, width: 0.23, height: 0.21 };
    let tiles = 0;
    for (const [width, height] of sizes) {
      const pixels = new Uint8Array(width * height);
      fillFrame(pixels, width * 31 + height, true);
      for (const roi of width > 800 ? [narrow] : [undefined, wide, narrow]) {
        for (const scaledShortSide of [96, 160, 240]) {
          const plan = planTiles({ frameWidth: width, frameHeight: height, roi, scaledShortSide, maxTiles: 6 });
          for (const origin of plan.origins) {
            compareTile(pixels, { width, height, rx: plan.rx, ry: plan.ry, rw: plan.rw, rh: plan.rh, sw: plan.sw, sh: plan.sh, ox: origin.x, oy: origin.y });
            tiles++;
          }
        }
      }
    }
    assert.ok(tiles >= 13 * 3, `only ${tiles} tiles compared`);
  });

  it("builds the same LUT as buildInputLut for the float32 scales and zero points of int8 models", () => {
    const fromC = new Int8Array(256);
    const cases: [number, number][] = [[0.00784, -1], [1 / 255, -128], [0.003921568859368563, -128], [1 / 128, 0], [0.5, 127], [1e-3, -128], [2, 0]];
    const random = fc.tuple(fc.float({ min: Math.fround(1e-4), max: 1, noNaN: true }), fc.integer({ min: -128, max: 127 }));
    cases.push(...fc.sample(random, { numRuns: 200, seed: 0x1a7 }));
    for (const [scale, zeroPoint] of cases) {
      NativeTileKernel.buildLut(scale, zeroPoint, fromC);
      assert.deepEqual(fromC, buildInputLut({ scale, zeroPoint }), `LUT differs for scale ${scale}, zero point ${zeroPoint}`);
    }
  });

  it("refuses what the portable kernel refuses, with the same message", () => {
    const pixels = new Uint8Array(200 * 100);
    const out = new Int8Array(TILE_BYTES);
    const calls: [string, (kernel: PortableTileKernel | NativeTileKernel) => void][] = [
      ["short pixels", (k) => k.write(pixels.subarray(1), 200, 100, 0, 0, 200, 100, 192, 96, 0, 0, lut, out)],
      ["ROI past the right edge", (k) => k.write(pixels, 200, 100, 150, 0, 51, 100, 192, 96, 0, 0, lut, out)],
      ["ROI past the bottom edge", (k) => k.write(pixels, 200, 100, 0, 1, 200, 100, 192, 96, 0, 0, lut, out)],
      ["empty ROI", (k) => k.write(pixels, 200, 100, 0, 0, 0, 100, 192, 96, 0, 0, lut, out)],
      ["scaled ROI below a tile", (k) => k.write(pixels, 200, 100, 0, 0, 200, 100, 192, 95, 0, 0, lut, out)],
      ["origin past the scaled ROI", (k) => k.write(pixels, 200, 100, 0, 0, 200, 100, 192, 96, 97, 0, lut, out)],
      ["short LUT", (k) => k.write(pixels, 200, 100, 0, 0, 200, 100, 192, 96, 0, 0, lut.subarray(1), out)],
      ["short output", (k) => k.write(pixels, 200, 100, 0, 0, 200, 100, 192, 96, 0, 0, lut, out.subarray(1))],
    ];
    for (const [what, call] of calls) {
      let portableError: unknown;
      try {
        call(portable);
      } catch (error) {
        portableError = error;
      }
      assert.ok(portableError instanceof RangeError, `portable kernel accepted: ${what}`);
      const message = portableError.message;
      assert.throws(() => call(native), (error: unknown) => error instanceof RangeError && error.message.endsWith(message), `native kernel: ${what}`);
    }
  });

  it("wipes a frame buffer to zeros", () => {
    const pixels = new Uint8Array(320 * 240);
    fillFrame(pixels, 7, false);
    NativeTileKernel.wipe(pixels);
    assert.equal(pixels.findIndex((value) => value !== 0), -1);
  });

  it("allocates nothing in the XS heap per tile", () => {
    const host = xsHost();
    const pixels = new Uint8Array(640 * 480);
    fillFrame(pixels, 11, true);
    native.write(pixels, 640, 480, 0, 0, 640, 480, 128, 96, 0, 0, lut, actual);
    host.gc();
    const slots = host.slots();
    const chunks = host.chunks();
    for (let i = 0; i < 50; i++) native.write(pixels, 640, 480, 0, 0, 640, 480, 128, 96, 32, 0, lut, actual);
    // Read both counters before anything else: an array, a message string are allocations too.
    const slotsGrown = host.slots() - slots;
    const chunksGrown = host.chunks() - chunks;
    assert.equal(slotsGrown, 0, `${slotsGrown} slots allocated by 50 tiles`);
    assert.equal(chunksGrown, 0, `${chunksGrown} chunk bytes allocated by 50 tiles`);
  });
});

import { strict as assert } from "node:assert";
import { PortableTileKernel } from "../../src/frame/tile-kernel.js";
import { buildInputLut } from "../../src/frame/input-lut.js";
import { cutTile } from "../../models/data/resample.js";
import { Random } from "../../models/data/random.js";
import { BACKGROUND, DEFAULT_SAMPLE_OPTIONS, MASK, NO_MASK, SamplePicker, allocateBatch, drawMosaic, writeTargets } from "../../models/data/samples.js";
import { INPUT_SCALE, INPUT_ZERO_POINT } from "../../models/export/quantize.js";

describe("models/data: training tiles and targets", () => {
  it("cuts tiles with the device's frame-kernel arithmetic (same bytes as src/frame after the LUT)", () => {
    const random = new Random(5);
    const kernel = new PortableTileKernel();
    const lut = buildInputLut({ scale: INPUT_SCALE, zeroPoint: INPUT_ZERO_POINT });
    for (const [w, h, rx, ry, rw, rh, sw, sh] of [
      [640, 480, 0, 0, 640, 480, 256, 192],
      [300, 200, 17, 9, 150, 120, 120, 96],
      [100, 100, 10, 10, 40, 40, 160, 160],
    ]) {
      const pixels = Uint8Array.from({ length: w * h }, () => random.int(256));
      const image = { width: w, height: h, pixels };
      for (const [ox, oy] of [[0, 0], [sw - 96, sh - 96]]) {
        const mine = cutTile(image, { rx, ry, rw, rh, sw, sh }, ox, oy, 96, 96);
        const device = new Int8Array(96 * 96);
        kernel.write(pixels, w, h, rx, ry, rw, rh, sw, sh, ox, oy, lut, device);
        assert.deepEqual(Int8Array.from(mine, (p) => lut[p]), device);
      }
    }
  });

  it("labels the center cell with the class, the inner face cells don't care, and tiny or cut-off faces don't care", () => {
    const batch = allocateBatch(1);
    writeTargets(
      [
        { x0: 20, y0: 20, x1: 52, y1: 52, cls: "mask" }, // 32 px, center (36, 36): cell (4, 4)
        { x0: 70, y0: 8, x1: 84, y1: 24, cls: "no_mask" }, // 14 px, center (77, 16): cell (9, 2)
        { x0: 60, y0: 60, x1: 65, y1: 65, cls: "no_mask" }, // 5 px: too small
        { x0: 88, y0: 70, x1: 120, y1: 102, cls: "mask" }, // center (104, 86) outside the tile
      ],
      batch,
      0,
    );
    const at = (gx: number, gy: number): [number, number] => [batch.classes[gy * 12 + gx], batch.weights[gy * 12 + gx]];
    assert.deepEqual(at(4, 4), [MASK, DEFAULT_SAMPLE_OPTIONS.targetWeights.mask]);
    assert.deepEqual(at(9, 2), [NO_MASK, DEFAULT_SAMPLE_OPTIONS.targetWeights.noMask]);
    assert.deepEqual(at(3, 3), [BACKGROUND, 0]); // inner half of the 32-px face
    assert.deepEqual(at(7, 7), [BACKGROUND, 0]); // the 5-px face
    assert.deepEqual(at(0, 0), [BACKGROUND, 1]);
    assert.equal(batch.sizes[4 * 12 + 4], Math.fround(32 / 96));
    assert.equal(batch.sizeWeights[4 * 12 + 4], 1);
    assert.equal(batch.sizeWeights[0], 0);
  });

  it("draws reproducible, augmented samples with targets, about the configured share of no_mask faces", () => {
    const image = { width: 400, height: 300, pixels: Uint8Array.from({ length: 400 * 300 }, (_, i) => (i * 7) % 251) };
    const photo = {
      name: "p",
      image,
      faces: [
        { x0: 100, y0: 100, x1: 130, y1: 135, cls: "mask" as const },
        { x0: 250, y0: 120, x1: 275, y1: 150, cls: "no_mask" as const },
      ],
    };
    const picker = new SamplePicker([photo], DEFAULT_SAMPLE_OPTIONS);
    const a = allocateBatch(64);
    const b = allocateBatch(64);
    picker.fill(new Random(9), a);
    picker.fill(new Random(9), b);
    assert.deepEqual(a.pixels, b.pixels);
    assert.deepEqual(a.classes, b.classes);
    assert.ok(a.pixels.every((v) => v >= 0 && v <= 1));
    const noMask = a.classes.filter((c) => c === NO_MASK).length;
    const mask = a.classes.filter((c) => c === MASK).length;
    assert.ok(noMask > 5 && mask > 5, `mask ${mask}, no_mask ${noMask}`);
  });

  it("centres the configured share of samples on hard negatives, at about the scale they were found at", () => {
    const width = 480;
    const height = 360;
    const pixels = new Uint8Array(width * height).fill(90);
    // A bright 24-px patch around (380, 70), far from the face.
    for (let y = 58; y < 82; y++) for (let x = 368; x < 392; x++) pixels[y * width + x] = 250;
    const photo = { name: "p", image: { width, height, pixels }, faces: [{ x0: 60, y0: 200, x1: 90, y1: 235, cls: "mask" as const }] };
    const options = { ...DEFAULT_SAMPLE_OPTIONS, augment: false };
    const brightTiles = (share: number, points = [{ photo: 0, x: 380, y: 70, scale: 96 / 120 }]): number => {
      const picker = new SamplePicker([photo], options);
      picker.setHardNegatives(points, share);
      const batch = allocateBatch(40);
      picker.fill(new Random(3), batch);
      let count = 0;
      for (let i = 0; i < batch.size; i++) {
        const tile = batch.pixels.subarray(i * 96 * 96, (i + 1) * 96 * 96);
        if (tile.some((v) => v > 0.9)) count++;
      }
      return count;
    };
    assert.equal(brightTiles(1), 40, "every sample shows the hard negative");
    const without = brightTiles(0);
    assert.ok(without < 30, `without hard negatives, many samples miss the patch (${without} of 40 show it)`);
    assert.equal(brightTiles(1, []), without, "an empty set of hard negatives draws as before");
  });

  it("builds mosaics: four photos in quarters, each chosen face at the configured width, seam-cut faces don't care", () => {
    const flat = (value: number): { width: number; height: number; pixels: Uint8Array } => ({ width: 400, height: 300, pixels: new Uint8Array(400 * 300).fill(value) });
    const big = { x0: 100, y0: 100, x1: 160, y1: 160, cls: "mask" as const };
    const small = { x0: 200, y0: 50, x1: 240, y1: 90, cls: "no_mask" as const };
    const dark = { name: "dark", image: flat(40), faces: [big] };
    const light = { name: "light", image: flat(200), faces: [small] };
    const options = { ...DEFAULT_SAMPLE_OPTIONS, augment: false, mosaicFaceWidth: [16, 16] as const };
    const batch = allocateBatch(1);
    drawMosaic([[dark, big], [light, small], [light, small], [dark, big]], new Random(4), options, batch, 0);
    const pixel = (x: number, y: number): number => Math.round(batch.pixels[y * 96 + x] * 255);
    assert.deepEqual([pixel(10, 10), pixel(80, 10), pixel(10, 80), pixel(80, 80), pixel(47, 47), pixel(48, 47)], [40, 200, 200, 40, 40, 200]);
    const positives: [number, number, number, number][] = [];
    for (let cell = 0; cell < 144; cell++) {
      if (batch.classes[cell] !== BACKGROUND) positives.push([cell % 12, Math.floor(cell / 12), batch.classes[cell], Math.round(batch.sizes[cell] * 96)]);
    }
    assert.equal(positives.length, 4, JSON.stringify(positives));
    for (const [gx, gy, cls, width] of positives) {
      const quarter = (gx >= 6 ? 1 : 0) + (gy >= 6 ? 2 : 0);
      assert.equal(cls, quarter === 0 || quarter === 3 ? MASK : NO_MASK, `class in quarter ${quarter}`);
      assert.ok(width >= 8 && width <= 16, `a 16-px face, or its visible part (${width} px)`);
    }

    // A face cut by a seam with less than half of it inside: don't care, not background.
    const cut = allocateBatch(1);
    writeTargets([{ x0: 40, y0: 40, x1: 48, y1: 56, cls: "mask", ignore: true }], cut, 0);
    assert.deepEqual([cut.classes[5 * 12 + 5], cut.weights[5 * 12 + 5]], [BACKGROUND, 0]);
  });

  it("draws mosaics for the configured share of samples, and none (whatever their widths) when the share is 0", () => {
    const image = { width: 400, height: 300, pixels: Uint8Array.from({ length: 400 * 300 }, (_, i) => (i * 7) % 251) };
    const photo = { name: "p", image, faces: [{ x0: 100, y0: 100, x1: 160, y1: 160, cls: "mask" as const }] };
    const faceCells = (mosaicShare: number): number => {
      const picker = new SamplePicker([photo], { ...DEFAULT_SAMPLE_OPTIONS, mosaicShare });
      const batch = allocateBatch(32);
      picker.fill(new Random(2), batch);
      return batch.classes.filter((c) => c === MASK).length;
    };
    // Every mosaic holds the face four times (a 60-px face fits a 96-px crop at most once).
    assert.ok(faceCells(1) >= 4 * 32 * 0.9, `mosaics: ${faceCells(1)} face cells in 32 samples`);
    assert.ok(faceCells(0) <= 32, `plain crops: ${faceCells(0)} face cells in 32 samples`);
    const a = allocateBatch(8);
    const b = allocateBatch(8);
    new SamplePicker([photo], DEFAULT_SAMPLE_OPTIONS).fill(new Random(7), a);
    new SamplePicker([photo], { ...DEFAULT_SAMPLE_OPTIONS, mosaicShare: 0, mosaicFaceWidth: [20, 30] }).fill(new Random(7), b);
    assert.deepEqual(a.pixels, b.pixels);
  });
});

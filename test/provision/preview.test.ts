import { strict as assert } from "node:assert";
import { AimingPreview, blurFaces, downscaleGray } from "../../src/provision/preview.js";
import { KnownFaces, SquareCamera } from "./harness.js";

describe("provision/preview", () => {
  it("shrinks any frame to 96x96 or coarser, keeping the aspect, never upscaling", () => {
    for (const [width, height, expected] of [[320, 240, [96, 72]], [1600, 1200, [96, 72]], [96, 96, [96, 96]], [240, 320, [72, 96]], [40, 30, [40, 30]], [1000, 10, [96, 1]]] as const) {
      const image = downscaleGray({ width, height, pixels: new Uint8Array(width * height).fill(77) });
      assert.deepEqual([image.width, image.height], expected);
      assert.ok(image.pixels.every((value) => value === 77));
    }
  });

  it("area-averages: a checkerboard becomes flat gray", () => {
    const width = 192, height = 192;
    const pixels = Uint8Array.from({ length: width * height }, (_, i) => ((i % width) + Math.floor(i / width)) % 2 === 0 ? 0 : 200);
    const image = downscaleGray({ width, height, pixels });
    assert.ok(image.pixels.every((value) => value === 100));
  });

  it("blurs a face's box so that its features mix with the background", () => {
    const image = downscaleGray({ width: 96, height: 96, pixels: new Uint8Array(96 * 96).fill(40) });
    for (let y = 40; y < 56; y++) for (let x = 40; x < 56; x++) image.pixels[y * 96 + x] = (x + y) % 2 ? 250 : 10; // a high-contrast "face"
    const before = image.pixels.slice();
    blurFaces(image, [{ x: 48, y: 48, size: 16 }], 96, 96);
    // Pixel-to-pixel contrast (what makes features) inside the face: before about 240, after a few levels.
    const contrast = (pixels: Uint8Array) => {
      let sum = 0;
      for (let y = 40; y < 56; y++) for (let x = 40; x < 55; x++) sum += Math.abs(pixels[y * 96 + x + 1] - pixels[y * 96 + x]);
      return sum / (16 * 15);
    };
    assert.ok(contrast(before) > 200);
    assert.ok(contrast(image.pixels) < 10, `contrast ${contrast(image.pixels)}`);
    assert.equal(image.pixels[0], before[0], "far from the face nothing changes");
  });

  it("assumes a large face when the detector gives no size", () => {
    const image = { width: 96, height: 72, pixels: new Uint8Array(96 * 72).fill(40) };
    image.pixels[36 * 96 + 48] = 255;
    blurFaces(image, [{ x: 160, y: 120 }], 320, 240);
    assert.ok(image.pixels[36 * 96 + 48] < 60);
  });

  it("captures one frame, blurs the faces found, and wipes the full frame", async () => {
    const camera = new SquareCamera();
    const preview = new AimingPreview({ camera, faces: new KnownFaces([{ x: 160, y: 120, size: 40 }]) });
    const shot = await preview.capture();
    assert.equal(shot.faces, 1);
    assert.deepEqual([shot.image.width, shot.image.height], [96, 72]);
    assert.ok(Math.max(...shot.image.pixels) < 200);
    assert.ok(camera.lastFrame?.pixels.every((value) => value === 0));
    assert.throws(() => new AimingPreview({ camera, faces: new KnownFaces([]), maxSide: 128 }), RangeError);
  });

  it("without a detected face the preview is the shrunk frame (96x96 keeps faces to a few pixels)", async () => {
    const shot = await new AimingPreview({ camera: new SquareCamera(), faces: new KnownFaces([]) }).capture();
    assert.equal(shot.faces, 0);
    assert.ok(Math.max(...shot.image.pixels) >= 240);
  });
});

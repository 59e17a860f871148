import { strict as assert } from "node:assert";
import { FrameTiler } from "../../../src/frame/frame-tiler.js";
import { PortableTileKernel, TILE_BYTES, type TileKernel } from "../../../src/frame/tile-kernel.js";

describe("frame tiler", () => {
  const input = { scale: 1 / 255, zeroPoint: -128 };

  it("plans once per frame size and writes tiles through the kernel", () => {
    const tiler = new FrameTiler({ input, scaledShortSide: 96 });
    const frame = { width: 128, height: 96, pixels: new Uint8Array(128 * 96).fill(200) };
    const plan = tiler.plan(frame);
    assert.equal(tiler.plan(frame), plan, "cached");
    assert.notEqual(tiler.plan({ width: 96, height: 128 }), plan, "a new size gets a new plan");
    const samePlan = tiler.plan(frame);
    const out = new Int8Array(TILE_BYTES);
    tiler.writeTile(frame, samePlan, samePlan.origins.length - 1, out);
    assert.ok(out.every((q) => q === 200 - 128));
  });

  it("hands the plan's numbers to an injected kernel (the device's native one)", () => {
    const calls: number[][] = [];
    const kernel: TileKernel = {
      write(pixels, fw, fh, rx, ry, rw, rh, sw, sh, ox, oy, lut, out) {
        calls.push([fw, fh, rx, ry, rw, rh, sw, sh, ox, oy]);
        new PortableTileKernel().write(pixels, fw, fh, rx, ry, rw, rh, sw, sh, ox, oy, lut, out);
      },
    };
    const tiler = new FrameTiler({ input, scaledShortSide: 192, stride: 48, kernel });
    const frame = { width: 400, height: 300, pixels: new Uint8Array(400 * 300) };
    const plan = tiler.plan(frame);
    tiler.writeTile(frame, plan, 1, new Int8Array(TILE_BYTES));
    assert.deepEqual(calls, [[400, 300, 0, 0, 400, 300, 256, 192, 48, 0]]);
  });

  it("wipes the frame", () => {
    const tiler = new FrameTiler({ input, scaledShortSide: 96 });
    const frame = { width: 100, height: 100, pixels: new Uint8Array(100 * 100).fill(9) };
    tiler.wipe(frame);
    assert.ok(frame.pixels.every((p) => p === 0));
  });

  it("refuses a frame of another size than the plan, a missing tile or a short buffer", () => {
    const tiler = new FrameTiler({ input, scaledShortSide: 96 });
    const frame = { width: 100, height: 100, pixels: new Uint8Array(100 * 100) };
    const plan = tiler.plan(frame);
    assert.throws(() => tiler.writeTile({ width: 101, height: 100, pixels: new Uint8Array(10100) }, plan, 0, new Int8Array(TILE_BYTES)), RangeError);
    assert.throws(() => tiler.writeTile(frame, plan, 5, new Int8Array(TILE_BYTES)), RangeError);
    assert.throws(() => tiler.writeTile(frame, plan, 0, new Int8Array(10)), RangeError);
  });
});

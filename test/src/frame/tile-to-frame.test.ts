import { strict as assert } from "node:assert";
import fc from "fast-check";
import { planTiles, tileToFrame, tileToFrameX, tileToFrameY } from "../../../src/frame/tile-plan.js";

describe("tile to frame mapping, one axis at a time", () => {
  it("gives tileToFrame's coordinates exactly, for every tile of random plans", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 96, max: 800 }), fc.integer({ min: 96, max: 600 }),
        fc.double({ min: 0, max: 96, noNaN: true }), fc.double({ min: 0, max: 96, noNaN: true }),
        (frameWidth, frameHeight, tx, ty) => {
          const plan = planTiles({ frameWidth, frameHeight, scaledShortSide: 192, stride: 48 });
          for (let index = 0; index < plan.origins.length; index++) {
            assert.deepEqual([tileToFrameX(plan, index, tx), tileToFrameY(plan, index, ty)], tileToFrame(plan, index, tx, ty));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("maps a tile's corners to its source box in the frame", () => {
    const plan = planTiles({ frameWidth: 320, frameHeight: 240, scaledShortSide: 192, maxTiles: 5 });
    const last = plan.origins.length - 1;
    assert.equal(tileToFrameX(plan, 0, 0), plan.rx);
    assert.equal(tileToFrameY(plan, 0, 0), plan.ry);
    assert.equal(tileToFrameX(plan, last, 96), plan.rx + plan.rw);
    assert.equal(tileToFrameY(plan, last, 96), plan.ry + plan.rh);
  });
});

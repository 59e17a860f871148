import { strict as assert } from "node:assert";
import fc from "fast-check";
import { planTiles, tileToFrame, type TilePlan } from "../../../src/frame/tile-plan.js";

function assertCovers(plan: TilePlan): void {
  const covered = new Uint8Array(plan.sw * plan.sh);
  for (const { x, y } of plan.origins) {
    assert.ok(x >= 0 && y >= 0 && x <= plan.sw - 96 && y <= plan.sh - 96, `origin ${x},${y} inside ${plan.sw}x${plan.sh}`);
    for (let v = y; v < y + 96; v++) covered.fill(1, v * plan.sw + x, v * plan.sw + x + 96);
  }
  assert.ok(covered.every((c) => c === 1), "every scaled pixel lies in some tile");
}

describe("tile plan", () => {
  it("follows the evaluation protocol: short side 192, stride 48, a last tile flush with the edge", () => {
    const plan = planTiles({ frameWidth: 400, frameHeight: 300, scaledShortSide: 192, stride: 48 });
    assert.equal(plan.sw, 256);
    assert.equal(plan.sh, 192);
    assert.deepEqual([...new Set(plan.origins.map((o) => o.x))], [0, 48, 96, 144, 160]);
    assert.deepEqual([...new Set(plan.origins.map((o) => o.y))], [0, 48, 96]);
    assert.equal(plan.origins.length, 15);
    assertCovers(plan);
  });

  it("keeps the scale and overlaps tiles by half when the budget allows", () => {
    const plan = planTiles({ frameWidth: 320, frameHeight: 240, scaledShortSide: 192, maxTiles: 15 });
    assert.equal(plan.sh, 192);
    assert.equal(plan.origins.length, 15);
    assert.deepEqual([...new Set(plan.origins.map((o) => o.x))], [0, 40, 80, 120, 160]);
    assertCovers(plan);
  });

  it("shrinks the overlap first, then the scale, to fit a short budget", () => {
    const overlap = planTiles({ frameWidth: 320, frameHeight: 240, scaledShortSide: 192, maxTiles: 9 });
    assert.equal(overlap.sh, 192, "scale kept");
    assert.ok(overlap.origins.length <= 9);
    assertCovers(overlap);
    const scaled = planTiles({ frameWidth: 320, frameHeight: 240, scaledShortSide: 192, maxTiles: 5 });
    assert.ok(scaled.sh < 192 && scaled.sh >= 96, `scale reduced to ${scaled.sh}`);
    assert.ok(scaled.origins.length <= 5);
    assertCovers(scaled);
    const single = planTiles({ frameWidth: 320, frameHeight: 320, scaledShortSide: 192, maxTiles: 1 });
    assert.equal(single.sw, 96);
    assert.equal(single.origins.length, 1);
  });

  it("throws when even 96 px without overlap exceeds the budget", () => {
    assert.throws(() => planTiles({ frameWidth: 600, frameHeight: 100, scaledShortSide: 192, maxTiles: 3 }), /needs 6 tiles/);
    assert.throws(() => planTiles({ frameWidth: 400, frameHeight: 300, scaledShortSide: 192, stride: 48, maxTiles: 14 }), /needs 15 tiles/);
  });

  it("maps the ROI fractions to whole frame pixels", () => {
    const plan = planTiles({ frameWidth: 320, frameHeight: 240, roi: { x: 0.25, y: 0.5, width: 0.5, height: 0.5 }, scaledShortSide: 96 });
    assert.deepEqual([plan.rx, plan.ry, plan.rw, plan.rh], [80, 120, 160, 120]);
    assert.deepEqual([plan.sw, plan.sh], [128, 96]);
  });

  it("maps tile points back to frame pixels", () => {
    const plan = planTiles({ frameWidth: 400, frameHeight: 300, scaledShortSide: 192, stride: 48 });
    const index = plan.origins.findIndex((o) => o.x === 48 && o.y === 96);
    const [x, y] = tileToFrame(plan, index, 10, 20);
    assert.ok(Math.abs(x - (48 + 10) * (400 / 256)) < 1e-9);
    assert.ok(Math.abs(y - (96 + 20) * (300 / 192)) < 1e-9);
  });

  it("always covers the scaled ROI within budget (random frames, ROIs, budgets)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 40, max: 1600 }), fc.integer({ min: 40, max: 1200 }),
        fc.tuple(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0.2, max: 0.5, noNaN: true }), fc.double({ min: 0.2, max: 0.5, noNaN: true })),
        fc.integer({ min: 96, max: 320 }), fc.integer({ min: 4, max: 30 }),
        (frameWidth, frameHeight, [x, y, width, height], scaledShortSide, maxTiles) => {
          let plan: TilePlan;
          try {
            plan = planTiles({ frameWidth, frameHeight, roi: { x, y, width, height }, scaledShortSide, maxTiles });
          } catch (error) {
            assert.match(String(error), /even at 96 px/);
            return;
          }
          assert.ok(plan.origins.length <= maxTiles);
          assert.ok(Math.min(plan.sw, plan.sh) <= scaledShortSide && Math.min(plan.sw, plan.sh) >= 96);
          assert.ok(plan.rx + plan.rw <= frameWidth && plan.ry + plan.rh <= frameHeight);
          assertCovers(plan);
        },
      ),
      { numRuns: 200 },
    );
  });
});

import { strict as assert } from "node:assert";
import type { Detection } from "../../../src/detect/detection.js";
import { mergeDetections } from "../../../src/detect/merge.js";

describe("merge across tiles", () => {
  it("merges the same face seen by two tiles into one, weighted by confidence", () => {
    const merged = mergeDetections([
      { x: 100, y: 50, cls: "mask", confidence: 0.9 },
      { x: 106, y: 50, cls: "mask", confidence: 0.6 },
    ], { cellSize: 8 });
    assert.equal(merged.length, 1);
    assert.ok(Math.abs(merged[0].x - (100 * 0.9 + 106 * 0.6) / 1.5) < 1e-9);
    assert.equal(merged[0].confidence, 0.9);
  });

  it("keeps faces further apart than the radius", () => {
    const faces: Detection[] = [
      { x: 100, y: 50, cls: "mask", confidence: 0.9 },
      { x: 113, y: 50, cls: "mask", confidence: 0.8 },
    ];
    assert.equal(mergeDetections(faces, { cellSize: 8 }).length, 2, "13 px > 1.5 cells of 8 px");
    assert.equal(mergeDetections(faces, { cellSize: 8, radiusCells: 2 }).length, 1);
  });

  it("widens the radius to half the face width when sizes are known", () => {
    const faces: Detection[] = [
      { x: 100, y: 50, cls: "no_mask", confidence: 0.9, size: 40 },
      { x: 118, y: 50, cls: "no_mask", confidence: 0.8, size: 36 },
    ];
    const merged = mergeDetections(faces, { cellSize: 8 });
    assert.equal(merged.length, 1);
    assert.ok(Math.abs((merged[0].size ?? 0) - (40 * 0.9 + 36 * 0.8) / 1.7) < 1e-9);
  });

  it("does not chain a row of faces into one", () => {
    const row: Detection[] = [0, 1, 2, 3].map((i) => ({ x: 100 + 10 * i, y: 50, cls: "mask", confidence: 0.9 - i * 0.01 }));
    assert.equal(mergeDetections(row, { cellSize: 8 }).length, 2);
  });

  it("votes the class by summed confidence, the strongest detection breaking ties", () => {
    const [merged] = mergeDetections([
      { x: 100, y: 50, cls: "mask", confidence: 0.7 },
      { x: 101, y: 50, cls: "no_mask", confidence: 0.6 },
      { x: 99, y: 50, cls: "no_mask", confidence: 0.6 },
    ], { cellSize: 8 });
    assert.equal(merged.cls, "no_mask");
    const [tie] = mergeDetections([
      { x: 100, y: 50, cls: "mask", confidence: 0.5 },
      { x: 101, y: 50, cls: "no_mask", confidence: 0.5 },
    ], { cellSize: 8 });
    assert.equal(tie.cls, "mask");
  });

  it("returns nothing for nothing", () => {
    assert.deepEqual(mergeDetections([], { cellSize: 8 }), []);
  });
});

/**
 * The frame loop's merge (DetectionMerger on DetectionLists, insertion sort,
 * scratch reused) against the object-based merge it replaced, kept here as
 * the reference: the same faces, bit for bit, for random detections.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { Detection, FaceClass } from "../../../src/detect/detection.js";
import { DetectionList } from "../../../src/detect/detection-list.js";
import { DetectionMerger, mergeDetections } from "../../../src/detect/merge.js";

/** The merge as it was written with objects and Array.prototype.sort (a stable sort). */
function referenceMerge(detections: readonly Detection[], cellSize: number, radiusCellsOption: number, sizeFraction: number): Detection[] {
  const radiusCells = radiusCellsOption * cellSize;
  const order = detections.slice().sort((a, b) => b.confidence - a.confidence);
  const taken = new Uint8Array(order.length);
  const merged: Detection[] = [];
  for (let i = 0; i < order.length; i++) {
    if (taken[i]) continue;
    const keeper = order[i];
    taken[i] = 1;
    let weight = keeper.confidence;
    let sumX = keeper.x * weight;
    let sumY = keeper.y * weight;
    let sizeWeight = keeper.size === undefined ? 0 : weight;
    let sumSize = keeper.size === undefined ? 0 : keeper.size * weight;
    const votes: Record<FaceClass, number> = { mask: 0, no_mask: 0 };
    votes[keeper.cls] += weight;
    for (let j = i + 1; j < order.length; j++) {
      if (taken[j]) continue;
      const other = order[j];
      const largest = Math.max(keeper.size ?? 0, other.size ?? 0);
      const radius = Math.max(radiusCells, sizeFraction * largest);
      const dx = other.x - keeper.x;
      const dy = other.y - keeper.y;
      if (dx * dx + dy * dy > radius * radius) continue;
      taken[j] = 1;
      const w = other.confidence;
      weight += w;
      sumX += other.x * w;
      sumY += other.y * w;
      if (other.size !== undefined) {
        sizeWeight += w;
        sumSize += other.size * w;
      }
      votes[other.cls] += w;
    }
    const cls: FaceClass = votes.mask === votes.no_mask ? keeper.cls : votes.mask > votes.no_mask ? "mask" : "no_mask";
    const face: Detection = { x: sumX / weight, y: sumY / weight, cls, confidence: keeper.confidence };
    merged.push(sizeWeight > 0 ? { ...face, size: sumSize / sizeWeight } : face);
  }
  return merged;
}

/** Detections crowded into a small area, with repeated confidences (ties) and sizes on some. */
const detection: fc.Arbitrary<Detection> = fc
  .record({
    x: fc.integer({ min: 0, max: 400 }),
    y: fc.integer({ min: 0, max: 300 }),
    cls: fc.constantFrom<FaceClass>("mask", "no_mask"),
    confidence: fc.constantFrom(0.5, 0.6, 0.75, 0.9, 1),
    size: fc.option(fc.integer({ min: 4, max: 80 }), { nil: undefined }),
  })
  .map(({ x, y, cls, confidence, size }) => (size === undefined ? { x: x / 4, y: y / 4, cls, confidence } : { x: x / 4, y: y / 4, cls, confidence, size }));

describe("merge on reused lists", () => {
  it("gives the reference merge's faces for random detections, one merger reused throughout", () => {
    const merger = new DetectionMerger();
    const from = new DetectionList();
    const into = new DetectionList();
    fc.assert(
      fc.property(fc.array(detection, { maxLength: 60 }), fc.constantFrom(4, 8, 12.5), fc.constantFrom(1, 1.5, 2), fc.constantFrom(0.25, 0.5), (faces, cellSize, radiusCells, sizeFraction) => {
        from.clear();
        from.addAll(faces);
        merger.merge(from, into, cellSize, radiusCells, sizeFraction);
        const expected = referenceMerge(faces, cellSize, radiusCells, sizeFraction);
        assert.deepEqual(into.toArray(), expected);
        assert.deepEqual(mergeDetections(faces, { cellSize, radiusCells, radiusSizeFraction: sizeFraction }), expected);
      }),
      { numRuns: 300 },
    );
  });

  it("uses the defaults (1.5 cells, half the larger face) when not told", () => {
    const faces: Detection[] = [
      { x: 100, y: 50, cls: "mask", confidence: 0.9, size: 40 },
      { x: 118, y: 50, cls: "no_mask", confidence: 0.8, size: 36 },
      { x: 160, y: 50, cls: "mask", confidence: 0.7 },
    ];
    const from = new DetectionList();
    from.addAll(faces);
    const into = new DetectionList();
    new DetectionMerger().merge(from, into, 8);
    assert.deepEqual(into.toArray(), referenceMerge(faces, 8, 1.5, 0.5));
    assert.equal(into.count, 2);
  });
});

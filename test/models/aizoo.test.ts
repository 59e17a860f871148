import { strict as assert } from "node:assert";
import { aizooAnchors, decodeAizoo, nonMaxSuppression } from "../../models/eval/aizoo.js";

describe("models/eval/aizoo (the baseline's post-processing)", () => {
  const anchors = aizooAnchors();

  it("has 5972 anchors, 4 per cell, centred on the cells, the first map's first anchor 0.04 wide", () => {
    assert.equal(anchors.length, 5972 * 4);
    const [x0, y0, x1, y1] = anchors.subarray(0, 4);
    assert.ok(Math.abs((x0 + x1) / 2 - 0.5 / 33) < 1e-12 && Math.abs((y0 + y1) / 2 - 0.5 / 33) < 1e-12);
    assert.ok(Math.abs(x1 - x0 - 0.04) < 1e-12);
    // Third anchor of a cell: first size at ratio 0.62 (width 0.04 * sqrt(0.62)).
    assert.ok(Math.abs(anchors[10] - anchors[8] - 0.04 * Math.sqrt(0.62)) < 1e-12);
    // The last anchor lies in the 3x3 map's last cell.
    const last = anchors.subarray(anchors.length - 4);
    assert.ok(Math.abs((last[0] + last[2]) / 2 - 2.5 / 3) < 1e-12);
  });

  it("decodes zero offsets to the anchor itself, keeps scores over 0.5 and classes by the larger score", () => {
    const offsets = new Float32Array(5972 * 4);
    const scores = new Float32Array(5972 * 2);
    scores[2 * 100] = 0.2;
    scores[2 * 100 + 1] = 0.9;
    offsets[100 * 4 + 2] = 5; // width x exp(0.2 * 5) = e
    const boxes = decodeAizoo(anchors, offsets, scores);
    assert.equal(boxes.length, 1);
    assert.equal(boxes[0].classIndex, 1);
    assert.ok(Math.abs(boxes[0].x1 - boxes[0].x0 - Math.E * (anchors[402] - anchors[400])) < 1e-9);
    assert.ok(Math.abs(boxes[0].y1 - boxes[0].y0 - (anchors[403] - anchors[401])) < 1e-9);
  });

  it("suppresses a box overlapping a stronger one by more than IoU 0.4, across classes", () => {
    const box = (x0: number, score: number, classIndex: number) => ({ x0, y0: 0, x1: x0 + 1, y1: 1, score, classIndex });
    const kept = nonMaxSuppression([box(0, 0.6, 0), box(0.2, 0.9, 1), box(3, 0.7, 0)], 0.4);
    assert.deepEqual(kept.map((b) => b.score), [0.9, 0.7]);
  });
});

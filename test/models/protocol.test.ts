import { strict as assert } from "node:assert";
import type { Detection } from "../../src/detect/detection.js";
import { detectionRecord, matchPhoto, summarize, type TruthFace } from "../../models/eval/protocol.js";

const face = (x0: number, y0: number, x1: number, y1: number, cls: TruthFace["cls"] = "mask"): TruthFace => ({ x0, y0, x1, y1, cls });
const det = (x: number, y: number, confidence: number, cls: Detection["cls"] = "mask"): Detection => ({ x, y, confidence, cls });

describe("models/eval/protocol", () => {
  // A photo with shorter side 384: the protocol scale is 0.5, so faces under 16 px are ignored.
  const SHORT = 384;

  it("matches a detection whose center lies in a face's box", () => {
    const r = matchPhoto([det(25, 25, 0.9)], [face(10, 10, 40, 40)], SHORT);
    assert.equal(r.matches.length, 1);
    assert.equal(r.falsePositives.length, 0);
    assert.equal(r.missed.length, 0);
  });

  it("counts a detection outside every face as a false positive and the face as missed", () => {
    const r = matchPhoto([det(60, 60, 0.9)], [face(10, 10, 40, 40)], SHORT);
    assert.deepEqual(r.falsePositives, ["mask"]);
    assert.deepEqual(r.missed, ["mask"]);
  });

  it("is one-to-one and greedy by confidence: the weaker duplicate is a false positive", () => {
    const r = matchPhoto([det(20, 20, 0.6, "no_mask"), det(25, 25, 0.9, "mask")], [face(10, 10, 40, 40, "no_mask")], SHORT);
    assert.deepEqual(r.matches, [{ predicted: "mask", truth: "no_mask" }]);
    assert.deepEqual(r.falsePositives, ["no_mask"]);
  });

  it("gives a detection inside two free faces the one whose center is nearest", () => {
    const r = matchPhoto([det(38, 25, 0.9)], [face(10, 10, 40, 40, "mask"), face(30, 10, 60, 40, "no_mask")], SHORT);
    assert.deepEqual(r.matches, [{ predicted: "mask", truth: "no_mask" }]);
    assert.deepEqual(r.missed, ["mask"]);
  });

  it("ignores faces under 8 px wide at the protocol scale: neither missed nor a false positive on them", () => {
    // 15 px at full size is 7.5 px at scale 0.5: ignored; 16 px is 8 px: counted.
    const r = matchPhoto([det(107, 107, 0.9)], [face(100, 100, 115, 115), face(200, 200, 216, 216)], SHORT);
    assert.equal(r.ignoredFaces, 1);
    assert.equal(r.ignoredDetections, 1);
    assert.equal(r.falsePositives.length, 0);
    assert.deepEqual(r.missed, ["mask"]);
  });

  it("sums precision, recall, F1, per-class figures, count error and masked share", () => {
    const photo1 = matchPhoto(
      [det(25, 25, 0.9, "mask"), det(75, 25, 0.8, "mask"), det(300, 300, 0.7, "no_mask")],
      [face(10, 10, 40, 40, "mask"), face(60, 10, 90, 40, "no_mask"), face(110, 10, 140, 40, "no_mask")],
      SHORT,
    );
    const photo2 = matchPhoto([], [face(10, 10, 40, 40, "mask")], SHORT);
    const m = summarize([photo1, photo2]);
    assert.equal(m.faces, 4);
    assert.deepEqual([m.face.tp, m.face.fp, m.face.fn], [2, 1, 2]);
    assert.equal(m.face.precision, 2 / 3);
    assert.equal(m.face.recall, 0.5);
    assert.ok(Math.abs(m.face.f1 - 4 / 7) < 1e-12);
    // mask: TP 1 (face 1), FP 1 (mask call on a no_mask face), FN 1 (photo 2's face).
    assert.deepEqual([m.mask.tp, m.mask.fp, m.mask.fn], [1, 1, 1]);
    // no_mask: TP 0, FP 1 (the unmatched detection), FN 2.
    assert.deepEqual([m.noMask.tp, m.noMask.fp, m.noMask.fn], [0, 1, 2]);
    assert.equal(m.maskAccuracy, 0.5);
    // counts: photo 1 has 3 detections for 3 faces, photo 2 none for 1.
    assert.equal(m.countMae, 0.5);
    assert.equal(m.maskedShareTrue, 50);
    assert.ok(Math.abs(m.maskedSharePredicted - 200 / 3) < 1e-9);
    assert.ok(Math.abs(m.maskedShareError - 50 / 3) < 1e-9);
    // All four faces are 30 px wide, 15 px at the protocol scale.
    assert.deepEqual(m.recallBySize[0], { from: 8, to: 16, faces: 4, found: 2 });
    assert.deepEqual(m.recallBySize.slice(1).map((b) => b.faces), [0, 0, 0]);
  });

  it("writes a detection as a box centred on it, a face wide when the size is known", () => {
    assert.deepEqual(detectionRecord({ x: 50, y: 40, cls: "no_mask", confidence: 0.87654, size: 20 }, 8), {
      box: [40, 30, 60, 50],
      score: 0.8765,
      class: "no_mask",
    });
    assert.deepEqual(detectionRecord(det(50, 40, 0.5), 8).box, [46, 36, 54, 44]);
  });
});

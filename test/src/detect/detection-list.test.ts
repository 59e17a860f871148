import { strict as assert } from "node:assert";
import type { Detection } from "../../../src/detect/detection.js";
import { MASK, NO_MASK } from "../../../src/detect/detection.js";
import { DetectionList } from "../../../src/detect/detection-list.js";

describe("detection list (faces as reused columns)", () => {
  it("keeps what was added, in order, and gives it back as objects (size only where known)", () => {
    const list = new DetectionList();
    list.add(10.5, 20, true, 0.9, false, 0);
    list.add(30, 40.25, false, 0.6, true, 12.5);
    assert.equal(list.count, 2);
    assert.deepEqual([list.classOf(0), list.classOf(1)], [MASK, NO_MASK]);
    assert.deepEqual(list.toArray(), [
      { x: 10.5, y: 20, cls: "mask", confidence: 0.9 },
      { x: 30, y: 40.25, cls: "no_mask", confidence: 0.6, size: 12.5 },
    ]);
    assert.equal("size" in list.toArray()[0], false);
  });

  it("round-trips objects through addAll and toArray", () => {
    const faces: Detection[] = [
      { x: 1, y: 2, cls: "no_mask", confidence: 0.5 },
      { x: 3, y: 4, cls: "mask", confidence: 0.7, size: 20 },
    ];
    const list = new DetectionList();
    list.addAll(faces);
    assert.deepEqual(list.toArray(), faces);
  });

  it("grows past its first capacity without losing entries, and clear() empties it for reuse", () => {
    const list = new DetectionList();
    for (let i = 0; i < 100; i++) list.add(i, 2 * i, i % 2 === 0, i / 100, i % 3 === 0, i + 0.5);
    assert.equal(list.count, 100);
    assert.ok(list.x.length >= 100);
    for (let i = 0; i < 100; i++) {
      assert.equal(list.x[i], i);
      assert.equal(list.y[i], 2 * i);
      assert.equal(list.masked[i], i % 2 === 0 ? 1 : 0);
      assert.equal(list.confidence[i], i / 100);
      assert.equal(list.hasSize[i], i % 3 === 0 ? 1 : 0);
      if (i % 3 === 0) assert.equal(list.size[i], i + 0.5);
    }
    const columns = list.x;
    list.clear();
    assert.equal(list.count, 0);
    assert.deepEqual(list.toArray(), []);
    list.add(7, 8, false, 0.5, false, 0);
    assert.equal(list.x, columns, "the grown columns are kept");
    assert.deepEqual(list.toArray(), [{ x: 7, y: 8, cls: "no_mask", confidence: 0.5 }]);
  });
});

import { strict as assert } from "node:assert";
import { FaceDetector } from "../../../src/detect/face-detector.js";
import type { GrayFrame } from "../../../src/interfaces/index.js";
import { drawFace, StandInModel } from "../../support/stand-in-model.js";

function scene(faces: Array<[number, number, number, "mask" | "no_mask"]>): GrayFrame {
  const width = 400;
  const height = 300;
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 40 + ((i * 7) % 50);
  for (const [x, y, size, cls] of faces) drawFace(pixels, width, height, x, y, size, cls);
  return { width, height, pixels };
}

describe("face detector, the frame loop's list", () => {
  it("writes each frame's faces into one list it keeps, the faces detect() returns", () => {
    const faces: Array<[number, number, number, "mask" | "no_mask"]> = [[60, 60, 30, "mask"], [200, 120, 24, "no_mask"], [330, 230, 40, "mask"]];
    const options = { scaledShortSide: 192, stride: 48, wipeFrame: false };
    const detector = new FaceDetector({ model: new StandInModel({ withSize: true }), ...options });
    const expected = new FaceDetector({ model: new StandInModel({ withSize: true }), ...options }).detect(scene(faces));
    const list = detector.detectList(scene(faces));
    assert.equal(list.count, 3);
    assert.deepEqual(list.toArray(), expected);
    assert.equal(detector.detectList(scene([[100, 100, 30, "no_mask"]])), list, "the same list, refilled");
    assert.equal(list.count, 1);
    assert.equal(list.classOf(0), "no_mask");
    assert.equal(detector.detectList(scene([])).count, 0);
  });
});

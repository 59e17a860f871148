import { strict as assert } from "node:assert";
import { FaceDetector } from "../../../src/detect/face-detector.js";
import type { GrayFrame, Model } from "../../../src/interfaces/index.js";
import { drawFace, StandInModel } from "../../support/stand-in-model.js";

function scene(width: number, height: number, faces: Array<[number, number, number, "mask" | "no_mask"]>): GrayFrame {
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 40 + ((i * 7) % 50);
  for (const [x, y, size, cls] of faces) drawFace(pixels, width, height, x, y, size, cls);
  return { width, height, pixels };
}

describe("face detector", () => {
  it("finds drawn faces in frame pixels, each once although tiles overlap", () => {
    const model = new StandInModel({ withSize: true });
    const detector = new FaceDetector({ model, scaledShortSide: 192, stride: 48, wipeFrame: false });
    const faces: Array<[number, number, number, "mask" | "no_mask"]> = [[60, 60, 30, "mask"], [200, 120, 24, "no_mask"], [330, 230, 40, "mask"]];
    const found = detector.detect(scene(400, 300, faces));
    assert.equal(detector.lastTileCount, 15);
    assert.equal(model.calls, 15);
    assert.equal(found.length, 3, JSON.stringify(found));
    for (const [x, y, size, cls] of faces) {
      const match = found.find((f) => Math.hypot(f.x - x, f.y - y) < 10);
      assert.ok(match !== undefined, `face at ${x},${y} found`);
      assert.equal(match.cls, cls);
      assert.ok(Math.abs((match.size ?? 0) - size) < 4, `size ${match.size} ~ ${size}`);
    }
  });

  it("wipes the frame after its last tile, also when the model throws", () => {
    const detector = new FaceDetector({ model: new StandInModel(), scaledShortSide: 96 });
    const frame = scene(128, 96, [[64, 48, 20, "mask"]]);
    assert.equal(detector.detect(frame).length, 1);
    assert.ok(frame.pixels.every((p) => p === 0));
    const failing = new StandInModel({ see: () => { throw new Error("model failure"); } });
    const other = scene(128, 96, []);
    assert.throws(() => new FaceDetector({ model: failing, scaledShortSide: 96 }).detect(other), /model failure/);
    assert.ok(other.pixels.every((p) => p === 0));
  });

  it("keeps the tile budget", () => {
    const model = new StandInModel();
    const detector = new FaceDetector({ model, scaledShortSide: 192, maxTiles: 5 });
    detector.detect(scene(320, 240, []));
    assert.ok(detector.lastTileCount <= 5 && detector.lastTileCount >= 1);
    assert.equal(model.calls, detector.lastTileCount);
  });

  it("looks only inside the ROI", () => {
    const detector = new FaceDetector({ model: new StandInModel(), roi: { x: 0.5, y: 0, width: 0.5, height: 1 }, scaledShortSide: 120 });
    const found = detector.detect(scene(320, 240, [[60, 120, 24, "mask"], [240, 120, 24, "no_mask"]]));
    assert.equal(found.length, 1);
    assert.equal(found[0].cls, "no_mask");
    assert.ok(Math.abs(found[0].x - 240) < 8);
  });

  it("refuses a model whose input is not a 96x96x1 tile", () => {
    const model = new StandInModel();
    const wrong: Model = { id: model.id, input: { ...model.input, shape: [1, 96, 96, 3] }, outputs: model.outputs, invoke: (input) => model.invoke(input) };
    assert.throws(() => new FaceDetector({ model: wrong, scaledShortSide: 96 }), /\[1,96,96,1\]/);
  });
});

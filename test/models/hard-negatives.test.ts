import { strict as assert } from "node:assert";
import { useWasmBackend } from "../../models/train/backend.js";
import { MASK_FOMO_TINY, layerShapes } from "../../models/train/architecture.js";
import { DEFAULT_MINING_OPTIONS, mineHardNegatives } from "../../models/train/hard-negatives.js";
import { Network, kernelShapeOf } from "../../models/train/network.js";
import { Random } from "../../models/data/random.js";
import type { LabelledPhoto } from "../../models/data/samples.js";

/** A network that says "mask" with the same confidence everywhere: every tile has one peak, at its first cell. */
function alwaysFace(): Network {
  const shapes = layerShapes(MASK_FOMO_TINY);
  return Network.fromWeights({
    architecture: MASK_FOMO_TINY,
    layers: shapes.map((shape) => {
      const kernelShape = kernelShapeOf(shape);
      const bias = new Float32Array(shape.outChannels);
      if (shape.role === "classes") bias.set([0, 3, 0]);
      return { kernelShape, kernel: new Float32Array(kernelShape.reduce((a, b) => a * b, 1)), bias };
    }),
  });
}

describe("models/train: hard negative mining", () => {
  before(async () => {
    await useWasmBackend();
  });

  it("keeps detections that lie on no face, most confident first, at a scale of the training range", () => {
    const photo = (name: string, faces: LabelledPhoto["faces"]): LabelledPhoto => ({
      name,
      image: { width: 400, height: 300, pixels: new Uint8Array(400 * 300).fill(120) },
      faces,
    });
    // The first cell of the tile at the origin maps to about (6, 6) in photo pixels: a face there is found, not a negative.
    const photos = [photo("a", []), photo("b", [{ x0: 0, y0: 0, x1: 40, y1: 40, cls: "mask" }])];
    const network = alwaysFace();
    const found = mineHardNegatives(network, photos, [0.8, 1.25], { ...DEFAULT_MINING_OPTIONS, photoShare: 1, threshold: 0.5 }, new Random(1));
    network.dispose();
    assert.ok(found.length > 0, "the always-face network fires on background");
    assert.ok(found.some((n) => n.photo === 0) && found.some((n) => n.photo === 1));
    for (const n of found) {
      assert.ok(!(n.photo === 1 && n.x <= 40 && n.y <= 40), `a negative on the face: ${JSON.stringify(n)}`);
      const scale = n.scale / (192 / 300);
      assert.ok(scale > 0.75 && scale < 1.35, `scale ${scale} of the protocol's`);
    }
    for (let i = 1; i < found.length; i++) assert.ok(found[i - 1].confidence >= found[i].confidence);
  });

  it("keeps at most maxKept", () => {
    const photos: LabelledPhoto[] = [{ name: "c", image: { width: 640, height: 480, pixels: new Uint8Array(640 * 480).fill(60) }, faces: [] }];
    const network = alwaysFace();
    const found = mineHardNegatives(network, photos, [1, 1], { ...DEFAULT_MINING_OPTIONS, photoShare: 1, maxKept: 3 }, new Random(2));
    network.dispose();
    assert.equal(found.length, 3);
  });
});

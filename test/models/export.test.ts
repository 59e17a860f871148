import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { loadModel } from "../../hosts/node/interpreter/index.js";
import { MASK_FOMO_TINY, architectureFrom, layerShapes, totalMacs, type Architecture } from "../../models/train/architecture.js";
import { Network } from "../../models/train/network.js";
import { quantizeModel, INPUT_SCALE, INPUT_ZERO_POINT, SOFTMAX_SCALE, SOFTMAX_ZERO_POINT, type Range } from "../../models/export/quantize.js";
import { cArray, writeTflite } from "../../models/export/tflite-writer.js";
import { operatingPointOffsets } from "../../models/export/head-calibration.js";
import { Random } from "../../models/data/random.js";

/** Smooth random 96x96 images (blobs), as int8 model input and as float pixel / 255. */
function images(count: number, seed: number): { q: Int8Array[]; f: Float32Array } {
  const random = new Random(seed);
  const f = new Float32Array(count * 96 * 96);
  const q: Int8Array[] = [];
  for (let n = 0; n < count; n++) {
    const tile = new Int8Array(96 * 96);
    const blobs = Array.from({ length: 6 }, () => [random.uniform(0, 96), random.uniform(0, 96), random.uniform(5, 30), random.uniform(-120, 120)]);
    for (let y = 0; y < 96; y++) {
      for (let x = 0; x < 96; x++) {
        let v = 128;
        for (const [bx, by, r, a] of blobs) v += a * Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (r * r));
        const p = Math.max(0, Math.min(255, Math.round(v)));
        tile[y * 96 + x] = p + INPUT_ZERO_POINT;
        f[n * 96 * 96 + y * 96 + x] = p * INPUT_SCALE;
      }
    }
    q.push(tile);
  }
  return { q, f };
}

// The CI-sized network, and one of the same size with two residual blocks (ADD).
const CASES: readonly { architecture: Architecture; ops: Record<string, number> }[] = [
  { architecture: MASK_FOMO_TINY, ops: { CONV_2D: 5, DEPTHWISE_CONV_2D: 2, SOFTMAX: 1, LOGISTIC: 1 } },
  { architecture: architectureFrom("c4k3s2 d3s2 c8 (d3 c8) d3s2 (d3 c8)"), ops: { CONV_2D: 6, DEPTHWISE_CONV_2D: 4, ADD: 2, SOFTMAX: 1, LOGISTIC: 1 } },
];

for (const { architecture, ops } of CASES) describe(`models/export: int8 quantization and the .tflite writer (${architecture.name})`, () => {
  let network: Network;
  let bytes: Uint8Array;
  let floatProbs: Float32Array;
  let floatSizes: Float32Array;
  let inputs: Int8Array[];

  before(async () => {
    await tf.setBackend("cpu");
    network = Network.create(architecture, 7, [0.9, 0.05, 0.05]);
    // Non-zero biases so that they are exercised too.
    network.biases.forEach((b, i) => b.assign(tf.randomUniform(b.shape, -0.2, 0.2, "float32", 100 + i)));
    const data = images(6, 3);
    inputs = data.q;
    const x = tf.tensor4d(data.f, [6, 96, 96, 1]);
    const activations = network.activations(x);
    const ranges: Range[] = activations.map((a) => ({ min: a.min().dataSync()[0], max: a.max().dataSync()[0] }));
    const heads = network.heads(x);
    floatProbs = tf.softmax(heads.logits).dataSync() as Float32Array;
    floatSizes = (heads.sizes as tf.Tensor).dataSync() as Float32Array;
    bytes = writeTflite(quantizeModel(network.weights(), ranges, { description: "test" }));
  });

  after(() => network.dispose());

  it("writes a TFLite flatbuffer (identifier TFL3) that the host interpreter loads, with the expected figures", () => {
    assert.equal(new TextDecoder().decode(bytes.subarray(4, 8)), "TFL3");
    const model = loadModel(bytes, { name: "tiny" });
    assert.deepEqual(model.info.ops, ops);
    assert.equal(model.info.macs, totalMacs(architecture));
    assert.equal(model.info.parameters, layerShapes(architecture).reduce((sum, s) => sum + s.params, 0));
    assert.deepEqual(model.input.shape, [1, 96, 96, 1]);
    assert.ok(Math.abs(model.input.scale - INPUT_SCALE) < 1e-9);
    assert.equal(model.input.zeroPoint, INPUT_ZERO_POINT);
    assert.deepEqual(model.outputs[0].shape, [1, 12, 12, 3]);
    assert.equal(model.outputs[0].scale, SOFTMAX_SCALE);
    assert.equal(model.outputs[0].zeroPoint, SOFTMAX_ZERO_POINT);
    assert.deepEqual(model.outputs[1].shape, [1, 12, 12, 1]);
    assert.equal(model.outputs[1].scale, SOFTMAX_SCALE);
    assert.equal(model.outputs[1].zeroPoint, SOFTMAX_ZERO_POINT);
  });

  for (const [output, what] of [[0, "probabilities"], [1, "face sizes"]] as const) {
    it(`gives the float network's ${what} within int8 quantization error`, () => {
      const model = loadModel(bytes, { name: "tiny" });
      const expected = output === 0 ? floatProbs : floatSizes;
      let sum = 0;
      let max = 0;
      inputs.forEach((input, n) => {
        const out = model.invoke(input)[output];
        for (let i = 0; i < out.length; i++) {
          const d = Math.abs((out[i] - SOFTMAX_ZERO_POINT) * SOFTMAX_SCALE - expected[n * out.length + i]);
          sum += d;
          max = Math.max(max, d);
        }
      });
      const mean = sum / expected.length;
      assert.ok(mean < 0.005, `mean |int8 - float| = ${mean}`);
      assert.ok(max < 0.02, `max |int8 - float| = ${max}`);
    });
  }

  it("folds an operating point into the head's biases: the int8 model gives the float probabilities of the shifted logits", () => {
    const offsets = operatingPointOffsets({ threshold: 0.91, maskOffset: -0.5 });
    const classes = layerShapes(architecture).findIndex((s) => s.role === "classes");
    let expected: Float32Array = new Float32Array(0);
    let ranges: Range[] = [];
    tf.tidy(() => {
      const x = tf.tensor4d(images(6, 3).f, [6, 96, 96, 1]);
      const shifted = tf.add(network.heads(x).logits, tf.tensor1d(offsets));
      // The shifted logits' own range, as export's calibration would have seen it had the offsets been trained in.
      ranges = network.activations(x).map((a, i) => {
        const t = i === classes ? shifted : a;
        return { min: t.min().dataSync()[0], max: t.max().dataSync()[0] };
      });
      expected = tf.softmax(shifted).dataSync() as Float32Array;
    });
    const model = loadModel(writeTflite(quantizeModel(network.weights(), ranges, { headBiasOffset: offsets })), { name: "shifted" });
    let max = 0;
    let moved = 0;
    inputs.forEach((input, n) => {
      const out = model.invoke(input)[0];
      for (let i = 0; i < out.length; i++) {
        max = Math.max(max, Math.abs((out[i] - SOFTMAX_ZERO_POINT) * SOFTMAX_SCALE - expected[n * out.length + i]));
        moved = Math.max(moved, Math.abs(expected[n * out.length + i] - floatProbs[n * out.length + i]));
      }
    });
    assert.ok(max < 0.02, `max |int8 - float| = ${max}`);
    assert.ok(moved > 0.05, `the offsets moved the probabilities by at most ${moved}`);
  });

  it("writes the C array with the same bytes", () => {
    const source = cArray(bytes, "model", "note");
    const hex = [...source.matchAll(/0x([0-9a-f]{2})/g)].map((m) => parseInt(m[1], 16));
    assert.deepEqual(Uint8Array.from(hex), bytes);
    assert.match(source, new RegExp(`model_len = ${bytes.length};`));
    assert.match(source, /alignas\(16\) const unsigned char model\[/);
  });
});

import { strict as assert } from "node:assert";
import { useWasmBackend } from "../../models/train/backend.js";
import { MASK_FOMO_TINY } from "../../models/train/architecture.js";
import { learningRateAt, train } from "../../models/train/trainer.js";
import { DEFAULT_SAMPLE_OPTIONS, type LabelledPhoto } from "../../models/data/samples.js";
import { Random } from "../../models/data/random.js";

function syntheticPhoto(seed: number): LabelledPhoto {
  const random = new Random(seed);
  const width = 320;
  const height = 240;
  const pixels = Uint8Array.from({ length: width * height }, () => 90 + random.int(60));
  const faces = [
    { x0: 60, y0: 50, x1: 90, y1: 85, cls: "mask" as const },
    { x0: 200, y0: 120, x1: 226, y1: 150, cls: "no_mask" as const },
  ];
  for (const f of faces) for (let y = f.y0; y < f.y1; y++) for (let x = f.x0; x < f.x1; x++) pixels[y * width + x] = f.cls === "mask" ? 230 : 30;
  return { name: `synthetic${seed}`, image: { width, height, pixels }, faces };
}

describe("models/train: the training loop", () => {
  before(async () => {
    await useWasmBackend();
  });

  const options = {
    architecture: MASK_FOMO_TINY,
    epochs: 1,
    stepsPerEpoch: 3,
    batchSize: 4,
    learningRate: 0.003,
    seed: 11,
    samples: DEFAULT_SAMPLE_OPTIONS,
  };

  it("is reproducible: the same seed gives the same weights", async () => {
    const photos = [syntheticPhoto(1), syntheticPhoto(2)];
    const a = await train(photos, null, options);
    const b = await train(photos, null, options);
    const wa = a.weights();
    const wb = b.weights();
    wa.layers.forEach((layer, i) => {
      assert.deepEqual(layer.kernel, wb.layers[i].kernel, `layer ${i} kernel`);
      assert.deepEqual(layer.bias, wb.layers[i].bias, `layer ${i} bias`);
    });
    a.dispose();
    b.dispose();
  });

  it("lowers the loss on a small synthetic set", async () => {
    const losses: number[] = [];
    const network = await train([syntheticPhoto(3)], null, { ...options, stepsPerEpoch: 40 }, { onStep: (_s, _t, loss) => loss !== null && losses.push(loss) });
    network.dispose();
    const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
    assert.ok(mean(losses.slice(-10)) < mean(losses.slice(0, 10)), `first ${mean(losses.slice(0, 10))}, last ${mean(losses.slice(-10))}`);
  });

  it("trains the same with two gradient workers as in one thread (within float rounding), and reproducibly", async () => {
    const photos = [syntheticPhoto(4), syntheticPhoto(5)];
    const alone = (await train(photos, null, options)).weights();
    const runWithWorkers = async () => (await train(photos, null, { ...options, workers: 2 })).weights();
    const first = await runWithWorkers();
    const second = await runWithWorkers();
    first.layers.forEach((layer, i) => {
      assert.deepEqual(layer.kernel, second.layers[i].kernel, `layer ${i} kernel: reproducible`);
      assert.deepEqual(layer.bias, second.layers[i].bias, `layer ${i} bias: reproducible`);
      layer.kernel.forEach((w, j) => assert.ok(Math.abs(w - alone.layers[i].kernel[j]) < 1e-4, `layer ${i} kernel[${j}]: ${w} vs ${alone.layers[i].kernel[j]}`));
      layer.bias.forEach((b, j) => assert.ok(Math.abs(b - alone.layers[i].bias[j]) < 1e-4, `layer ${i} bias[${j}]: ${b} vs ${alone.layers[i].bias[j]}`));
    });
  });

  it("with a weight average, hands each epoch and the caller the averaged network, not the raw one", async () => {
    const photos = [syntheticPhoto(6)];
    const raw = await train(photos, null, { ...options, epochs: 2 });
    const seen: string[] = [];
    const averaged = await train(photos, null, { ...options, epochs: 2, emaDecay: 0.9 }, { onEpoch: (_record, network) => seen.push(JSON.stringify(network.weights())) });
    const averagedWeights = JSON.stringify(averaged.weights());
    assert.equal(seen.length, 2);
    assert.equal(seen[1], averagedWeights, "the last epoch's network is the one returned");
    assert.notEqual(averagedWeights, JSON.stringify(raw.weights()), "the average differs from the raw weights of the same run");
    raw.dispose();
    averaged.dispose();
  });

  it("warms up, then decays the learning rate by a cosine to 2% of its peak", () => {
    assert.ok(learningRateAt(0, 1000, 1) < 0.1);
    assert.ok(Math.abs(learningRateAt(30, 1000, 1) - 1) < 1e-3);
    assert.ok(Math.abs(learningRateAt(999, 1000, 1) - 0.02) < 1e-3);
  });
});

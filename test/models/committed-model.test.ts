import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { loadModel } from "../../hosts/node/interpreter/index.js";
import { MODEL_PATH, cArrayPath } from "../../models/paths.js";
import { sha256Hex } from "../../models/data/split.js";

/** The budget: under a third of person_detect's MACs, 100 KB of flash, a 64 KB arena. */
const MAX_MACS = 7_157_888 / 3;
const MAX_BYTES = 100 * 1024;
const MAX_ARENA = 64 * 1024;

describe("models/mask-model.tflite (the committed model)", () => {
  const bytes = new Uint8Array(readFileSync(MODEL_PATH));

  it("loads in the host interpreter with the output contract of src/interfaces/model.ts", () => {
    const model = loadModel(bytes, { name: "mask-model" });
    assert.deepEqual(model.input.shape, [1, 96, 96, 1]);
    assert.ok(Math.abs(model.input.scale - 1 / 255) < 1e-9);
    assert.equal(model.input.zeroPoint, -128);
    assert.deepEqual(model.outputs[0].shape, [1, 12, 12, 3]);
    if (model.outputs.length > 1) assert.deepEqual(model.outputs[1].shape, [1, 12, 12, 1]);
    const outputs = model.invoke(new Int8Array(96 * 96));
    const probabilities = outputs[0];
    // Softmax per cell: the three dequantized probabilities sum to about 1.
    for (let cell = 0; cell < 144; cell++) {
      let sum = 0;
      for (let c = 0; c < 3; c++) sum += (probabilities[cell * 3 + c] + 128) / 256;
      assert.ok(Math.abs(sum - 1) < 0.03, `cell ${cell}: probabilities sum to ${sum}`);
    }
  });

  it("fits the budget: MACs, flash and arena", () => {
    const { info } = loadModel(bytes, { name: "mask-model" });
    assert.ok(info.macs < MAX_MACS, `${info.macs} MACs`);
    assert.ok(bytes.length < MAX_BYTES, `${bytes.length} bytes`);
    assert.ok(info.arena_bytes < MAX_ARENA, `${info.arena_bytes} bytes of arena`);
    for (const op of Object.keys(info.ops)) {
      assert.ok(["CONV_2D", "DEPTHWISE_CONV_2D", "SOFTMAX", "LOGISTIC"].includes(op), `operator ${op}`);
    }
  });

  it("has a C array of exactly the same bytes", () => {
    const source = readFileSync(cArrayPath(MODEL_PATH), "utf8");
    const hex = [...source.matchAll(/0x([0-9a-f]{2})/g)].map((m) => parseInt(m[1], 16));
    assert.deepEqual(Uint8Array.from(hex), bytes);
    assert.ok(source.includes(sha256Hex(bytes)), "the C file names the model's sha256");
  });

  it("is the model the model card describes (its sha256 is in models/README.md)", () => {
    const card = readFileSync("models/README.md", "utf8");
    assert.ok(card.includes(sha256Hex(bytes)), `models/README.md does not give sha256 ${sha256Hex(bytes)}`);
  });
});

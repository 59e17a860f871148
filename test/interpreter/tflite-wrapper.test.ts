import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadTflite, zeroBiasQuantizedDimension } from "../../hosts/node/tflite/index.js";
import { personDetect } from "./person-detect.js";

const AIZOO = fileURLToPath(new URL("../../../../shared/models/aizoo-face-mask/face_mask_detection.tflite", import.meta.url));

describe("hosts/node/tflite: real TensorFlow Lite in Node", () => {
  it("reports TensorFlow Lite's refusal of person_detect as shipped, and loads the patched copy", async () => {
    const bytes = personDetect.model();
    await assert.rejects(loadTflite(bytes), /TensorFlow Lite refused the model.*quantized_dimension/);
    const original = bytes.slice();
    const fixed = zeroBiasQuantizedDimension(bytes);
    assert.deepEqual(bytes, original, "the original is left alone");
    assert.equal(fixed.changed, 14);
    assert.equal(zeroBiasQuantizedDimension(fixed.bytes).changed, 0);
    const model = await loadTflite(fixed.bytes);
    try {
      assert.deepEqual(model.inputs, [{ name: "input", type: "int8", shape: [1, 96, 96, 1] }]);
      assert.equal(model.outputs[0].type, "int8");
      assert.ok(model.input(0) instanceof Int8Array);
      // The golden file's full-TensorFlow-Lite results for the two example images.
      assert.deepEqual(Array.from(model.predict([personDetect.input("person.raw")])[0]), [-113, 113]);
      assert.deepEqual(Array.from(model.predict([personDetect.input("no_person.raw")])[0]), [60, -60]);
    } finally {
      model.close();
    }
    assert.throws(() => model.run(), /closed/);
  });

  it("runs a float32 model (the AIZOO baseline) with two outputs", async () => {
    const model = await loadTflite(readFileSync(AIZOO));
    try {
      assert.deepEqual(model.inputs, [{ name: "data_1", type: "float32", shape: [1, 260, 260, 3] }]);
      assert.deepEqual(
        model.outputs.map((output) => [output.type, output.shape]),
        [
          ["float32", [1, 5972, 4]],
          ["float32", [1, 5972, 2]],
        ],
      );
      const [boxes, scores] = model.predict([new Float32Array(260 * 260 * 3).fill(0.5)]);
      assert.ok(boxes instanceof Float32Array && boxes.length === 5972 * 4 && boxes.every(Number.isFinite));
      assert.ok(scores instanceof Float32Array && scores.every((score) => score >= 0 && score <= 1));
      assert.throws(() => model.predict([new Float32Array(3)]), /takes 202800 values, 3 given/);
    } finally {
      model.close();
    }
  });
});

import { strict as assert } from "node:assert";
import { runCommand } from "../../hosts/node/interpreter/command.js";
import { loadModel, loadModelAsync } from "../../hosts/node/interpreter/index.js";
import { personDetect } from "./person-detect.js";

describe("interpreter on person_detect (TensorFlow Lite Micro reference model)", () => {
  const bytes = personDetect.model();
  const golden = personDetect.golden();
  const model = loadModel(bytes, { name: "person_detect" });

  it("is bit-exact with TensorFlow Lite Micro on every golden case", () => {
    const names = Object.keys(golden.cases);
    assert.equal(names.length, 8);
    for (const name of names) {
      const output = model.invoke(personDetect.input(name));
      assert.deepEqual(Array.from(output[0]), golden.cases[name], name);
    }
  });

  it("gives the same outputs on repeated calls, in the same views", () => {
    const first = model.invoke(personDetect.input("person.raw"));
    const firstValues = Array.from(first[0]);
    model.invoke(personDetect.input("no_person.raw"));
    const again = model.invoke(personDetect.input("person.raw"));
    assert.equal(again, first);
    assert.equal(again[0], first[0]);
    assert.deepEqual(Array.from(again[0]), firstValues);
  });

  it("reports the model's figures", () => {
    const info = model.info;
    assert.equal(info.macs, 7157888);
    assert.equal(info.parameters, 210708);
    assert.equal(info.weight_bytes, 218928);
    assert.deepEqual(info.ops, { DEPTHWISE_CONV_2D: 14, CONV_2D: 14, AVERAGE_POOL_2D: 1, RESHAPE: 1, SOFTMAX: 1 });
    assert.equal(info.operators, 31);
    // Activations only; TensorFlow Lite Micro's 85,024 bytes also hold its tensor records and op data.
    assert.ok(info.arena_bytes > 0 && info.arena_bytes < golden.arena_used_bytes, `arena ${info.arena_bytes}`);
    // The two largest activations (48x48x16 and 48x48x8 bytes) must coexist.
    assert.ok(info.arena_bytes >= 48 * 48 * 24);
    assert.match(info.id, /^person_detect@[0-9a-f]{12}$/);
    assert.deepEqual(model.input, { shape: [1, 96, 96, 1], scale: info.inputs[0].scale, zeroPoint: -1 });
    assert.ok(Math.abs(model.input.scale - 0.00784314) < 1e-8);
    assert.deepEqual(model.outputs, [{ shape: [1, 2], scale: 1 / 256, zeroPoint: -128 }]);
  });

  it("loads asynchronously too, then invokes synchronously", async () => {
    const loaded = await loadModelAsync(bytes, { name: "person_detect" });
    assert.equal(loaded.id, model.id);
    assert.deepEqual(Array.from(loaded.invoke(personDetect.input("no_person.raw"))[0]), golden.cases["no_person.raw"]);
    assert.equal(loadModel(bytes).id.startsWith("model@"), true);
  });

  it("refuses an input of the wrong size", () => {
    assert.throws(() => model.invoke(new Int8Array(100)), /input has 100 values, the model takes 9216/);
  });

  it("ephemera-model info prints one JSON object", () => {
    const result = runCommand(["info", personDetect.modelPath]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.length, 1);
    const info = JSON.parse(result.stdout[0]) as { macs: number; parameters: number; weight_bytes: number; arena_bytes: number; ops: Record<string, number>; id: string };
    assert.equal(info.macs, 7157888);
    assert.equal(info.parameters, 210708);
    assert.equal(info.weight_bytes, 218928);
    assert.equal(info.arena_bytes, model.info.arena_bytes);
    assert.equal(info.ops.CONV_2D, 14);
    assert.equal(info.id, model.id.replace(/^[^@]*/, "person_detect"));
  });

  it("ephemera-model run prints the output tensor on the last line", () => {
    for (const name of ["person.raw", "no_person.raw"]) {
      const result = runCommand(["run", personDetect.modelPath, personDetect.inputPath(name)]);
      assert.equal(result.code, 0);
      assert.deepEqual(JSON.parse(result.stdout[result.stdout.length - 1]), golden.cases[name]);
    }
  });

  it("ephemera-model fails clearly on a bad input or usage", () => {
    const wrongSize = runCommand(["run", personDetect.modelPath, personDetect.modelPath]);
    assert.equal(wrongSize.code, 1);
    assert.match(wrongSize.stderr ?? "", /has 300568 bytes, the input tensor takes 9216/);
    const notAModel = runCommand(["info", personDetect.inputPath("zeros.raw")]);
    assert.equal(notAModel.code, 1);
    assert.match(notAModel.stderr ?? "", /not a \.tflite file/);
    const missing = runCommand(["info", "/nonexistent/model.tflite"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr ?? "", /ENOENT/);
    const usage = runCommand(["frobnicate"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr ?? "", /usage: ephemera-model/);
  });
});

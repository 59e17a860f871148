import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../../hosts/node/interpreter/index.js";
import { runRecipe } from "../../models/cli/recipe.js";
import { SHARED_DATA_DIR } from "../../models/data/dataset.js";

describe("models: the whole recipe on a handful of photos (npm run model:recipe -- --quick)", () => {
  let out: string;

  before(() => {
    out = mkdtempSync(join(tmpdir(), "ephemera-recipe-"));
  });

  after(() => rmSync(out, { recursive: true, force: true }));

  it("trains a tiny teacher and a student distilled from it on the training and validation photos, one short epoch each, exports an int8 .tflite + C array, and the host interpreter runs it", async () => {
    const result = await runRecipe({ quick: true, out, dataDir: SHARED_DATA_DIR, verbose: false });
    const bytes = new Uint8Array(readFileSync(result.modelPath));
    assert.equal(new TextDecoder().decode(bytes.subarray(4, 8)), "TFL3");
    const model = loadModel(bytes, { name: "quick" });
    assert.deepEqual(model.input.shape, [1, 96, 96, 1]);
    assert.deepEqual(model.outputs.map((o) => o.shape), [[1, 12, 12, 3], [1, 12, 12, 1]]);
    const outputs = model.invoke(new Int8Array(96 * 96).fill(-30));
    assert.equal(outputs[0].length, 144 * 3);
    assert.ok(result.validation.photos === 2, `evaluated ${result.validation.photos} photos`);
    assert.ok(readFileSync(result.modelPath.replace(/\.tflite$/, ".c"), "utf8").includes(`_len = ${bytes.length};`));
    assert.ok(readFileSync(join(out, "train", "curves.png")).subarray(1, 4).toString() === "PNG");
    // The student has no validation to draw: its picture is the loss panel alone, narrower than the teacher's two.
    const width = (file: string): number => readFileSync(file).readUInt32BE(16);
    assert.ok(width(join(out, "train", "curves.png")) < width(join(out, "teacher", "curves.png")));
    const teacher = JSON.parse(readFileSync(join(out, "teacher-model.json"), "utf8")) as { architecture: { name: string } };
    assert.equal(teacher.architecture.name, "c8k3s2 d3s2 c12 d3s2 c12");
    type Log = { options: { architecture: string; distillation?: { path: string }; trainingPhotos: number; withValidation?: boolean }; log: { validation: unknown }[] };
    const log = JSON.parse(readFileSync(join(out, "train", "train-log.json"), "utf8")) as Log;
    assert.equal(log.options.architecture, "mask-fomo-tiny");
    assert.equal(log.options.distillation?.path, join(out, "teacher-model.json"));
    // The student, as shipped, trains on the 6 training and the 2 validation photos and validates on none.
    assert.equal(log.options.withValidation, true);
    assert.equal(log.options.trainingPhotos, 8);
    assert.ok(log.log.length > 0 && log.log.every((epoch) => epoch.validation === null));
    assert.equal(result.heldOut, false);
    const teacherLog = JSON.parse(readFileSync(join(out, "teacher", "train-log.json"), "utf8")) as Log;
    assert.equal(teacherLog.options.trainingPhotos, 6);
    assert.ok(teacherLog.log.every((epoch) => epoch.validation !== null));
  });
});

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SHARED_DATA_DIR } from "../../models/data/dataset.js";

const SOURCE = "maksssksksss0";

describe("npm run eval (models/cli/eval.ts) on a folder with bad input", () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ephemera-eval-"));
    mkdirSync(join(dir, "images"));
    mkdirSync(join(dir, "annotations"));
    const xml = readFileSync(join(SHARED_DATA_DIR, "annotations", `${SOURCE}.xml`), "utf8");
    // good: a real photo and its labels
    copyFileSync(join(SHARED_DATA_DIR, "images", `${SOURCE}.jpg`), join(dir, "images", "good.jpg"));
    writeFileSync(join(dir, "annotations", "good.xml"), xml);
    // an unreadable photo
    writeFileSync(join(dir, "images", "broken.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]));
    writeFileSync(join(dir, "annotations", "broken.xml"), xml);
    // a malformed annotation
    copyFileSync(join(SHARED_DATA_DIR, "images", `${SOURCE}.jpg`), join(dir, "images", "badxml.jpg"));
    writeFileSync(join(dir, "annotations", "badxml.xml"), xml.replace("<xmin>", "<xmin>abc"));
    // a photo without an annotation
    copyFileSync(join(SHARED_DATA_DIR, "images", `${SOURCE}.jpg`), join(dir, "images", "nolabel.jpg"));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("names each bad file, goes on with the others, counts the skipped ones, and writes every evaluated photo's detections", () => {
    const detections = join(dir, "detections.json");
    const run = spawnSync(process.execPath, ["build/models/cli/eval.js", "--voc", dir, "--no-aizoo", "--detections", detections], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const { stdout, stderr } = run;
    assert.match(stderr, /broken\.jpg: unreadable image/);
    assert.match(stderr, /badxml\.xml: malformed annotation/);
    assert.match(stderr, /nolabel\.xml: unreadable annotation: missing/);
    assert.match(stdout, /evaluated 1 photos, skipped 3/);
    assert.match(stdout, /face F1 with its 95% interval \(bootstrap: 2000 resamples of the photos\):\n {2}ours \(int8\): \d+\.\d% \[\d+\.\d, \d+\.\d\]/);
    const written = JSON.parse(readFileSync(detections, "utf8")) as { images: Record<string, { box: number[]; score: number; class: string }[]> };
    assert.deepEqual(Object.keys(written.images), ["good.jpg"]);
    for (const d of written.images["good.jpg"]) {
      assert.equal(d.box.length, 4);
      assert.ok(d.box[2] > d.box[0] && d.box[3] > d.box[1]);
      assert.ok(d.class === "mask" || d.class === "no_mask");
      assert.ok(d.score > 0 && d.score <= 1);
    }
  });
});

import { strict as assert } from "node:assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { annotationPathFor, GroundTruth } from "../../hosts/node/voc-truth.js";
import { removeFolder, tempFolder } from "../collector/fixtures.js";
import { MemoryLog } from "./memory-log.js";

function voc(...classes: string[]): string {
  const objects = classes
    .map((name) => `<object><name>${name}</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>`)
    .join("");
  return `<annotation><size><width>20</width><height>20</height><depth>3</depth></size>${objects}</annotation>`;
}

describe("hosts/node: ground truth from VOC labels", () => {
  let folder: string;

  beforeEach(() => {
    folder = tempFolder("voc");
  });

  afterEach(() => {
    removeFolder(folder);
  });

  it("finds labels beside the image or in annotations/ beside images/", () => {
    mkdirSync(join(folder, "images"));
    mkdirSync(join(folder, "annotations"));
    writeFileSync(join(folder, "annotations", "p1.xml"), voc());
    writeFileSync(join(folder, "images", "p2.xml"), voc());
    assert.equal(annotationPathFor(join(folder, "images", "p1.jpg")), join(folder, "annotations", "p1.xml"));
    assert.equal(annotationPathFor(join(folder, "images", "p2.png")), join(folder, "images", "p2.xml"));
    assert.equal(annotationPathFor(join(folder, "images", "p3.jpg")), undefined);
  });

  it("counts labelled faces and the masked share (an incorrectly worn mask counts as unmasked)", () => {
    writeFileSync(join(folder, "a.xml"), voc("with_mask", "without_mask"));
    writeFileSync(join(folder, "b.xml"), voc("with_mask", "with_mask", "mask_weared_incorrect"));
    const truth = new GroundTruth(new MemoryLog());
    truth.add(join(folder, "a.jpg"));
    truth.add(join(folder, "b.jpg"));
    assert.deepEqual(truth.summary(), { peopleTrue: 5, maskedShareTrue: 3 / 5, labelledImages: 2, unlabelledImages: 0 });
  });

  it("gives no truth unless every shown image is labelled", () => {
    writeFileSync(join(folder, "a.xml"), voc("with_mask"));
    const truth = new GroundTruth(new MemoryLog());
    truth.add(join(folder, "a.jpg"));
    truth.add(join(folder, "unlabelled.jpg"));
    assert.deepEqual(truth.summary(), { peopleTrue: null, maskedShareTrue: null, labelledImages: 1, unlabelledImages: 1 });
    assert.equal(new GroundTruth(new MemoryLog()).summary().peopleTrue, null, "nothing shown, nothing known");
  });

  it("logs a malformed label and treats its image as unlabelled", () => {
    writeFileSync(join(folder, "bad.xml"), "<annotation><object><name>cat</name></object></annotation>");
    const log = new MemoryLog();
    const truth = new GroundTruth(log);
    truth.add(join(folder, "bad.jpg"));
    assert.equal(truth.summary().peopleTrue, null);
    assert.deepEqual(log.lines.map((line) => [line.event, line.fields.file]), [["truth.bad_label", "bad.xml"]]);
  });
});

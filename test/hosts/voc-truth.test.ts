import { strict as assert } from "node:assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { annotationPathFor, GroundTruth } from "../../hosts/node/voc-truth.js";
import { removeFolder, tempFolder } from "../collector/fixtures.js";
import { MemoryLog } from "./memory-log.js";

/** A VOC file with one face per class name, 8 px boxes side by side (x = 1, 21, 41, ...). */
function voc(...classes: string[]): string {
  return vocAt(...classes.map((name, i): [string, number, number] => [name, 1 + 20 * i, 1]));
}

/** A VOC file with 8 px faces at the given corners. */
function vocAt(...faces: [name: string, x: number, y: number][]): string {
  const objects = faces
    .map(([name, x, y]) => `<object><name>${name}</name><bndbox><xmin>${x}</xmin><ymin>${y}</ymin><xmax>${x + 8}</xmax><ymax>${y + 8}</ymax></bndbox></object>`)
    .join("");
  return `<annotation><size><width>200</width><height>200</height><depth>3</depth></size>${objects}</annotation>`;
}

const scenes = (log = new MemoryLog()): GroundTruth => new GroundTruth({ log, consecutive: false });

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

  it("counts each labelled face of separate scenes and the masked share (an incorrectly worn mask counts as unmasked)", () => {
    writeFileSync(join(folder, "a.xml"), voc("with_mask", "without_mask"));
    writeFileSync(join(folder, "b.xml"), voc("with_mask", "with_mask", "mask_weared_incorrect"));
    const truth = scenes();
    truth.add(join(folder, "a.jpg"));
    truth.add(join(folder, "b.jpg"));
    assert.deepEqual(truth.summary(), { peopleTrue: 5, maskedShareTrue: 3 / 5, labelledImages: 2, unlabelledImages: 0 });
  });

  it("gives no truth unless every shown image is labelled", () => {
    writeFileSync(join(folder, "a.xml"), voc("with_mask"));
    const truth = scenes();
    truth.add(join(folder, "a.jpg"));
    truth.add(join(folder, "unlabelled.jpg"));
    assert.deepEqual(truth.summary(), { peopleTrue: null, maskedShareTrue: null, labelledImages: 1, unlabelledImages: 1 });
    assert.equal(scenes().summary().peopleTrue, null, "nothing shown, nothing known");
  });

  it("logs a malformed label and treats its image as unlabelled", () => {
    writeFileSync(join(folder, "bad.xml"), "<annotation><object><name>cat</name></object></annotation>");
    const log = new MemoryLog();
    const truth = scenes(log);
    truth.add(join(folder, "bad.jpg"));
    assert.equal(truth.summary().peopleTrue, null);
    assert.deepEqual(log.lines.map((line) => [line.event, line.fields.file]), [["truth.bad_label", "bad.xml"]]);
  });

  it("links consecutive frames into passages: staying counts once, leaving and coming back counts again", () => {
    // Frame by frame: A walks right 3 px a frame (masked, one frame labelled incorrectly worn);
    // B stands still, leaves for a frame and comes back; C appears far away in the last frame.
    const frames = [
      vocAt(["with_mask", 10, 10], ["without_mask", 100, 100]),
      vocAt(["with_mask", 13, 10], ["without_mask", 100, 100]),
      vocAt(["mask_weared_incorrect", 16, 10]),
      vocAt(["with_mask", 19, 10], ["without_mask", 100, 100], ["with_mask", 160, 20]),
    ];
    const truth = new GroundTruth({ log: new MemoryLog(), consecutive: true });
    frames.forEach((xml, i) => {
      writeFileSync(join(folder, `f${i}.xml`), xml);
      truth.add(join(folder, `f${i}.jpg`));
    });
    // A once (3 masked votes of 4), B twice, C once: 4 passages, 2 masked.
    assert.deepEqual(truth.summary(), { peopleTrue: 4, maskedShareTrue: 2 / 4, labelledImages: 4, unlabelledImages: 0 });
  });

  it("keeps two people crossing apart, nearest first", () => {
    // 8 px faces, 5 px a frame, passing each other 6 px apart.
    const frames = [0, 5, 10, 15, 20].map((x) => vocAt(["with_mask", x, 0], ["without_mask", 20 - x, 6]));
    const truth = new GroundTruth({ log: new MemoryLog(), consecutive: true });
    frames.forEach((xml, i) => {
      writeFileSync(join(folder, `c${i}.xml`), xml);
      truth.add(join(folder, `c${i}.jpg`));
    });
    assert.deepEqual(truth.summary(), { peopleTrue: 2, maskedShareTrue: 1 / 2, labelledImages: 5, unlabelledImages: 0 });
  });

  it("treats every image as its own scene when scenes are apart, even where faces overlap", () => {
    writeFileSync(join(folder, "s1.xml"), vocAt(["with_mask", 10, 10]));
    writeFileSync(join(folder, "s2.xml"), vocAt(["with_mask", 10, 10]));
    const truth = scenes();
    truth.add(join(folder, "s1.jpg"));
    truth.add(join(folder, "s2.jpg"));
    assert.equal(truth.summary().peopleTrue, 2);
  });
});

import { strict as assert } from "node:assert";
import { AnnotationError, parseVoc } from "../../models/data/voc.js";

const doc = (objects: string, size = "<size><width>200</width><height>100</height><depth>3</depth></size>"): string =>
  `<annotation><folder>images</folder><filename>a.jpg</filename>${size}${objects}</annotation>`;
const object = (name: string, box: string): string => `<object><name>${name}</name><bndbox>${box}</bndbox></object>`;
const box = (x0: number | string, y0: number | string, x1: number | string, y1: number | string): string =>
  `<xmin>${x0}</xmin><ymin>${y0}</ymin><xmax>${x1}</xmax><ymax>${y1}</ymax>`;

describe("models/data/voc", () => {
  it("reads size, file name and faces, mapping the three classes to mask / no_mask", () => {
    const a = parseVoc(
      doc(object("with_mask", box(1, 2, 30, 40)) + object("without_mask", box(50, 5, 70, 25)) + object("mask_weared_incorrect", box(80, 5, 99, 30))),
      "a.xml",
    );
    assert.equal(a.filename, "a.jpg");
    assert.equal(a.width, 200);
    assert.equal(a.height, 100);
    assert.deepEqual(
      a.faces.map((f) => f.cls),
      ["mask", "no_mask", "no_mask"],
    );
    assert.deepEqual(a.faces[0], { x0: 1, y0: 2, x1: 30, y1: 40, cls: "mask" });
  });

  it("accepts a photo without faces", () => {
    assert.equal(parseVoc(doc(""), "a.xml").faces.length, 0);
  });

  it("clips boxes to the declared size", () => {
    const [face] = parseVoc(doc(object("with_mask", box(-3, 90, 210, 120))), "a.xml").faces;
    assert.deepEqual([face.x0, face.y0, face.x1, face.y1], [0, 90, 200, 100]);
  });

  const malformed: [string, string, RegExp][] = [
    ["not VOC", "<html></html>", /no <annotation>/],
    ["an unknown class", doc(object("hat", box(1, 1, 5, 5))), /unknown class "hat"/],
    ["a missing box", doc("<object><name>with_mask</name></object>"), /no <bndbox>/],
    ["a coordinate that is not a number", doc(object("with_mask", box("x", 1, 5, 5))), /<xmin> is not a number/],
    ["an empty box", doc(object("with_mask", box(5, 5, 5, 9))), /empty box/],
    ["a missing coordinate", doc(object("with_mask", "<xmin>1</xmin><ymin>1</ymin><xmax>4</xmax>")), /no <ymax>/],
  ];
  for (const [what, xml, pattern] of malformed) {
    it(`rejects ${what} with an error naming the file`, () => {
      assert.throws(
        () => parseVoc(xml, "annotations/bad.xml"),
        (error: unknown) => error instanceof AnnotationError && error.message.startsWith("annotations/bad.xml: malformed annotation") && pattern.test(error.message),
      );
    });
  }
});

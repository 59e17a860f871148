import { strict as assert } from "node:assert";
import { GridDecoder } from "../../../src/detect/grid-decoder.js";
import type { TensorSpec } from "../../../src/interfaces/index.js";

const G = 12;
const classesSpec: TensorSpec = { shape: [1, G, G, 3], scale: 1 / 256, zeroPoint: -128 };
const sizesSpec: TensorSpec = { shape: [1, G, G, 1], scale: 1 / 256, zeroPoint: -128 };
const q = (p: number): number => Math.max(-128, Math.min(127, Math.round(p * 256) - 128));

/** A grid of background everywhere, with the given cells set to (mask, noMask) probabilities. */
function grid(cells: Array<[row: number, col: number, mask: number, noMask: number]>): Int8Array {
  const out = new Int8Array(G * G * 3);
  for (let c = 0; c < G * G; c++) out.set([q(1), q(0), q(0)], c * 3);
  for (const [row, col, mask, noMask] of cells) out.set([q(1 - mask - noMask), q(mask), q(noMask)], (row * G + col) * 3);
  return out;
}

const near = (actual: number, expected: number, tolerance = 0.05): void => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} != ${expected}`);

describe("grid decoder", () => {
  const decoder = new GridDecoder({ outputs: [classesSpec], tileSide: 96 });

  it("finds nothing in an all-background grid", () => {
    assert.deepEqual(decoder.decode([grid([])]), []);
    assert.equal(decoder.gridSide, 12);
    assert.equal(decoder.cellSize, 8);
  });

  it("puts a lone face at its cell's center, with its class and confidence", () => {
    const [face, ...rest] = decoder.decode([grid([[3, 5, 0.85, 0.05]])]);
    assert.equal(rest.length, 0);
    assert.equal(face.x, 5.5 * 8);
    assert.equal(face.y, 3.5 * 8);
    assert.equal(face.cls, "mask");
    near(face.confidence, 0.9, 0.01);
    assert.equal(face.size, undefined);
  });

  it("weights the centroid by probability over the candidate neighbours", () => {
    const faces = decoder.decode([grid([[6, 6, 0.1, 0.8], [6, 7, 0.05, 0.55]])]);
    assert.equal(faces.length, 1);
    const [face] = faces;
    assert.equal(face.cls, "no_mask");
    near(face.x, ((0.9 * 6.5 + 0.6 * 7.5) / 1.5) * 8, 0.1);
    near(face.y, 6.5 * 8, 1e-9);
  });

  it("ignores cells under the threshold", () => {
    assert.deepEqual(decoder.decode([grid([[2, 2, 0.2, 0.2]])]), []);
    const strict = new GridDecoder({ outputs: [classesSpec], tileSide: 96, threshold: 0.95 });
    assert.deepEqual(strict.decode([grid([[2, 2, 0.5, 0.4]])]), []);
  });

  it("gives one face for a plateau of equal cells", () => {
    const faces = decoder.decode([grid([[4, 4, 0.8, 0.1], [4, 5, 0.8, 0.1], [5, 4, 0.8, 0.1], [5, 5, 0.8, 0.1]])]);
    assert.equal(faces.length, 1);
    near(faces[0].x, 5 * 8, 1e-9);
    near(faces[0].y, 5 * 8, 1e-9);
  });

  it("separates faces two cells apart, and at the grid's corners", () => {
    const faces = decoder.decode([grid([[0, 0, 0.9, 0], [5, 3, 0, 0.9], [5, 5, 0.9, 0], [11, 11, 0, 0.9]])]);
    assert.deepEqual(faces.map((f) => [f.x / 8 - 0.5, f.y / 8 - 0.5, f.cls]), [[0, 0, "mask"], [3, 5, "no_mask"], [5, 5, "mask"], [11, 11, "no_mask"]]);
  });

  it("counts a mask/no_mask tie as no_mask", () => {
    assert.equal(decoder.decode([grid([[1, 1, 0.45, 0.45]])])[0].cls, "no_mask");
  });

  it("decodes the face width when the model has the size output", () => {
    const withSize = new GridDecoder({ outputs: [classesSpec, sizesSpec], tileSide: 96 });
    const sizes = new Int8Array(G * G).fill(q(0));
    sizes[2 * G + 2] = q(0.25);
    const [face] = withSize.decode([grid([[2, 2, 0.9, 0]]), sizes]);
    near(face.size ?? -1, 24, 0.5);
  });

  it("refuses outputs of the wrong shape or length", () => {
    assert.throws(() => new GridDecoder({ outputs: [{ shape: [1, 12, 12, 2], scale: 1, zeroPoint: 0 }], tileSide: 96 }), /\[1,G,G,3\]/);
    assert.throws(() => new GridDecoder({ outputs: [classesSpec, { shape: [1, 6, 6, 1], scale: 1, zeroPoint: 0 }], tileSide: 96 }), RangeError);
    assert.throws(() => new GridDecoder({ outputs: [], tileSide: 96 }), RangeError);
    assert.throws(() => new GridDecoder({ outputs: [classesSpec], tileSide: 96, threshold: 1 }), RangeError);
    assert.throws(() => decoder.decode([new Int8Array(10)]), RangeError);
  });
});

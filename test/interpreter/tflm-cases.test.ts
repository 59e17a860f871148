import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { loadModel } from "../../hosts/node/interpreter/index.js";
import { singleOpModel, type SingleOp } from "./single-op.js";
import type { TensorDef } from "./tflite-builder.js";

// Outputs that TensorFlow Lite Micro itself computed for random single-operator
// models (see the file's "source"): the interpreter must give the same bytes.

type StoredTensor = Omit<TensorDef, "data"> & { data?: { type: string; values: number[] } };
interface StoredCase {
  name: string;
  op: Omit<SingleOp, "inputs" | "output"> & { inputs: StoredTensor[]; output: StoredTensor };
  inputs: number[][];
  output: number[];
}

const CASES = JSON.parse(readFileSync(new URL("../../../test/interpreter/data/tflm-cases.json", import.meta.url), "utf8")) as { source: string; cases: StoredCase[] };

function tensor(stored: StoredTensor): TensorDef {
  const { data, ...rest } = stored;
  if (data === undefined) return rest;
  const typed = data.type === "Int8Array" ? Int8Array.from(data.values) : data.type === "Int32Array" ? Int32Array.from(data.values) : data.type === "Float32Array" ? Float32Array.from(data.values) : Uint8Array.from(data.values);
  return { ...rest, data: typed };
}

describe("interpreter matches TensorFlow Lite Micro's own outputs, byte for byte", () => {
  it("has cases of every operator the interpreter supports but RESHAPE", () => {
    const names = new Set(CASES.cases.map((c) => c.name));
    for (const name of ["ADD", "MUL", "SOFTMAX", "LOGISTIC", "AVG_POOL", "MAX_POOL", "MEAN", "REQUANTIZE", "QUANTIZE", "DEQUANTIZE", "PAD", "CONCAT", "FC", "FC/pc", "CONV", "DW"]) {
      assert.ok(names.has(name), name);
    }
  });

  for (const [index, stored] of CASES.cases.entries()) {
    it(`case ${index}: ${stored.name}`, () => {
      const op: SingleOp = { ...stored.op, inputs: stored.op.inputs.map(tensor), output: tensor(stored.op.output) };
      const model = loadModel(singleOpModel(op));
      model.inputTensors.forEach((input, i) => new Uint8Array(input.buffer, input.byteOffset, input.byteLength).set(stored.inputs[i]));
      model.run();
      const output = model.outputTensors[0];
      assert.deepEqual(Array.from(new Uint8Array(output.buffer, output.byteOffset, output.byteLength)), stored.output);
    });
  }
});

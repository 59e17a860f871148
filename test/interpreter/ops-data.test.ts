import { strict as assert } from "node:assert";
import { loadModel } from "../../hosts/node/interpreter/index.js";
import { BuiltinOperator, BuiltinOptions, ConcatenationOptionsField, ReducerOptionsField, ReshapeOptionsField, TensorType } from "../../hosts/node/interpreter/schema.js";
import { runSingleOp, singleOpModel } from "./single-op.js";

describe("interpreter RESHAPE", () => {
  it("keeps the bytes in order, with or without a shape tensor", () => {
    const values = [1, -2, 3, -4, 5, -6];
    const input = { shape: [1, 2, 3], scale: 0.5, zeroPoint: 1 };
    const output = { shape: [3, 2], scale: 0.5, zeroPoint: 1 };
    assert.deepEqual(runSingleOp({ code: BuiltinOperator.RESHAPE, inputs: [input, { shape: [2], type: TensorType.INT32, data: Int32Array.of(3, 2) }], output }, values), values);
    assert.deepEqual(
      runSingleOp({ code: BuiltinOperator.RESHAPE, options: { type: BuiltinOptions.ReshapeOptions, fields: [[ReshapeOptionsField.new_shape, "int32s", [3, 2]]] }, inputs: [input], output }, values),
      values,
    );
  });

  it("refuses a different element count", () => {
    assert.throws(() => runSingleOp({ code: BuiltinOperator.RESHAPE, inputs: [{ shape: [6], scale: 1 }], output: { shape: [5], scale: 1 } }, [0, 0, 0, 0, 0, 0]), /cannot reshape/);
  });
});

describe("interpreter PAD and PADV2", () => {
  const paddings = { shape: [4, 2], type: TensorType.INT32, data: Int32Array.of(0, 0, 1, 0, 0, 1, 0, 0) };
  // [[1, 2], [3, 4]] padded one row above and one column right.
  it("pads int8 with the output zero point", () => {
    const output = runSingleOp(
      { code: BuiltinOperator.PAD, inputs: [{ shape: [1, 2, 2, 1], scale: 1, zeroPoint: -5 }, paddings], output: { shape: [1, 3, 3, 1], scale: 1, zeroPoint: -5 } },
      [1, 2, 3, 4],
    );
    assert.deepEqual(output, [-5, -5, -5, 1, 2, -5, 3, 4, -5]);
  });

  it("pads with constant_values (PADV2)", () => {
    const output = runSingleOp(
      {
        code: BuiltinOperator.PADV2,
        inputs: [{ shape: [1, 2, 2, 1], scale: 1, zeroPoint: -5 }, paddings, { shape: [], scale: 1, zeroPoint: -5, data: Int8Array.of(7) }],
        output: { shape: [1, 3, 3, 1], scale: 1, zeroPoint: -5 },
      },
      [1, 2, 3, 4],
    );
    assert.deepEqual(output, [7, 7, 7, 1, 2, 7, 3, 4, 7]);
  });

  it("pads float32 with zeros", () => {
    const output = runSingleOp(
      { code: BuiltinOperator.PAD, inputs: [{ shape: [1, 2, 2, 1], type: TensorType.FLOAT32 }, paddings], output: { shape: [1, 3, 3, 1], type: TensorType.FLOAT32 } },
      [1.5, 2, 3, 4],
    );
    assert.deepEqual(output, [0, 0, 0, 1.5, 2, 0, 3, 4, 0]);
  });

  it("refuses an output shape that disagrees with the paddings", () => {
    assert.throws(
      () => runSingleOp({ code: BuiltinOperator.PAD, inputs: [{ shape: [1, 2, 2, 1], scale: 1 }, paddings], output: { shape: [1, 3, 2, 1], scale: 1 } }, [1, 2, 3, 4]),
      /output dimension 2 is 2, expected 3/,
    );
  });
});

describe("interpreter CONCATENATION", () => {
  const concat = (axis: number, shapes: number[][], out: number[], scales = shapes.map(() => 0.5)) => ({
    code: BuiltinOperator.CONCATENATION,
    options: { type: BuiltinOptions.ConcatenationOptions, fields: [[ConcatenationOptionsField.axis, "int32", axis]] as const },
    inputs: shapes.map((shape, i) => ({ shape, scale: scales[i], zeroPoint: 3 })),
    output: { shape: out, scale: 0.5, zeroPoint: 3 },
  });

  it("joins along the last axis (negative axis)", () => {
    assert.deepEqual(runSingleOp(concat(-1, [[1, 2, 1], [1, 2, 2]], [1, 2, 3]), [1, 2], [3, 4, 5, 6]), [1, 3, 4, 2, 5, 6]);
  });

  it("joins along an inner axis", () => {
    assert.deepEqual(runSingleOp(concat(1, [[1, 1, 2], [1, 2, 2]], [1, 3, 2]), [1, 2], [3, 4, 5, 6]), [1, 2, 3, 4, 5, 6]);
  });

  it("refuses inputs whose quantization differs from the output's (TensorFlow Lite Micro does not rescale)", () => {
    assert.throws(() => runSingleOp(concat(0, [[1], [1]], [2], [0.5, 0.25]), [1], [2]), /quantization differs/);
  });
});

describe("interpreter QUANTIZE and DEQUANTIZE", () => {
  it("quantizes float32, rounding halves away from zero and saturating", () => {
    // /0.5 then round: 0.5 -> 1, -0.5 -> -1, 1.5 -> 2, 200, -200, 2; zero point 3.
    const output = runSingleOp(
      { code: BuiltinOperator.QUANTIZE, inputs: [{ shape: [6], type: TensorType.FLOAT32 }], output: { shape: [6], scale: 0.5, zeroPoint: 3 } },
      [0.25, -0.25, 0.75, 100, -100, 1.0],
    );
    assert.deepEqual(output, [4, 2, 5, 127, -128, 5]);
  });

  it("requantizes int8 to int8", () => {
    // Scale 1 -> 2 is a multiplier of 0.5: 1.5 -> 2, -1.5 -> -1, 2.5 -> 3; zero points 1 -> -2.
    const output = runSingleOp({ code: BuiltinOperator.QUANTIZE, inputs: [{ shape: [3], scale: 1, zeroPoint: 1 }], output: { shape: [3], scale: 2, zeroPoint: -2 } }, [4, -2, 6]);
    assert.deepEqual(output, [0, -3, 1]);
  });

  it("dequantizes int8 to float32", () => {
    const output = runSingleOp({ code: BuiltinOperator.DEQUANTIZE, inputs: [{ shape: [3], scale: 0.5, zeroPoint: 1 }], output: { shape: [3], type: TensorType.FLOAT32 } }, [1, 3, -128]);
    assert.deepEqual(output, [0, 1, -64.5]);
  });

  it("reports float tensors with scale 1 and zero point 0, and refuses invoke() on them", () => {
    const model = loadModel(singleOpModel({ code: BuiltinOperator.DEQUANTIZE, inputs: [{ shape: [3], scale: 0.5, zeroPoint: 1 }], output: { shape: [3], type: TensorType.FLOAT32 } }));
    assert.deepEqual(model.outputs[0], { shape: [3], scale: 1, zeroPoint: 0 });
    assert.equal(model.info.outputs[0].type, "float32");
    assert.throws(() => model.invoke(new Int8Array(3)), /int8 outputs/);
  });
});

describe("interpreter MEAN", () => {
  const mean = (inShape: number[], axes: number[], outShape: number[], keepDims: boolean, zeroPoint = 0) => ({
    code: BuiltinOperator.MEAN,
    options: { type: BuiltinOptions.ReducerOptions, fields: [[ReducerOptionsField.keep_dims, "bool", keepDims]] as const },
    inputs: [{ shape: inShape, scale: 1, zeroPoint }, { shape: [axes.length], type: TensorType.INT32, data: Int32Array.from(axes) }],
    output: { shape: outShape, scale: 1, zeroPoint },
  });

  it("averages over height and width with the reference kernel's rounding", () => {
    // Sums 11, 10, -10 over 4 pixels: 2.75 -> 3, 2.5 -> 3, -2.5 -> -3 (zero point 2 removed and restored).
    const op = mean([3, 2, 2, 1], [1, 2], [3, 1, 1, 1], true, 2);
    assert.deepEqual(runSingleOp(op, [1, 2, 3, 5, 1, 2, 3, 4, -1, -2, -3, -4].map((x) => x + 2)), [5, 5, -1]);
  });

  it("averages over the last axis without keeping it", () => {
    // (1 + 2 + 4) / 3 = 2.33 -> 2; -2.33 -> -2; 5 / 3 = 1.67 -> 2.
    assert.deepEqual(runSingleOp(mean([3, 3], [-1], [3], false), [1, 2, 4, -1, -2, -4, 0, 2, 3]), [2, -2, 2]);
  });

  it("refuses an axis out of range", () => {
    assert.throws(() => runSingleOp(mean([3, 3], [2], [3], false), new Array(9).fill(0)), /axis 2 out of range/);
  });
});

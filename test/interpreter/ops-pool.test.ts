import { strict as assert } from "node:assert";
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, Padding, Pool2DOptionsField } from "../../hosts/node/interpreter/schema.js";
import { runSingleOp } from "./single-op.js";

function pool(code: number, padding: number, stride: number, outW: number, activation = 0) {
  return {
    code,
    options: {
      type: BuiltinOptions.Pool2DOptions,
      fields: [
        [Pool2DOptionsField.padding, "int8", padding],
        [Pool2DOptionsField.stride_w, "int32", stride],
        [Pool2DOptionsField.stride_h, "int32", stride],
        [Pool2DOptionsField.filter_width, "int32", 2],
        [Pool2DOptionsField.filter_height, "int32", 2],
        [Pool2DOptionsField.fused_activation_function, "int8", activation],
      ] as const,
    },
    inputs: [{ shape: [1, 2, 3, 1], scale: 0.5, zeroPoint: 0 }],
    output: { shape: [1, 1, outW, 1], scale: 0.5, zeroPoint: 0 },
  };
}

// Input rows [1, 2, 3] and [4, -5, -6].
const INPUT = [1, 2, 3, 4, -5, -6];

describe("interpreter AVERAGE_POOL_2D", () => {
  it("rounds the mean half away from zero", () => {
    // 2x2 windows: (1 + 2 + 4 - 5) / 4 = 0.5 -> 1; (2 + 3 - 5 - 6) / 4 = -1.5 -> -2.
    assert.deepEqual(runSingleOp(pool(BuiltinOperator.AVERAGE_POOL_2D, Padding.VALID, 1, 2), INPUT), [1, -2]);
  });

  it("divides by the number of pixels inside the image at SAME borders", () => {
    // Stride 2: the second window holds only column 2: (3 - 6) / 2 = -1.5 -> -2.
    assert.deepEqual(runSingleOp(pool(BuiltinOperator.AVERAGE_POOL_2D, Padding.SAME, 2, 2), INPUT), [1, -2]);
  });
});

describe("interpreter MAX_POOL_2D", () => {
  it("takes the maximum of each window, clipped at SAME borders", () => {
    assert.deepEqual(runSingleOp(pool(BuiltinOperator.MAX_POOL_2D, Padding.VALID, 1, 2), INPUT), [4, 3]);
    assert.deepEqual(runSingleOp(pool(BuiltinOperator.MAX_POOL_2D, Padding.SAME, 2, 2), INPUT), [4, 3]);
  });

  it("clamps with a fused RELU", () => {
    assert.deepEqual(runSingleOp(pool(BuiltinOperator.MAX_POOL_2D, Padding.VALID, 1, 2, ActivationFunctionType.RELU), [-3, -2, -1, -4, -5, -6]), [0, 0]);
  });

  it("refuses different input and output quantization", () => {
    const op = pool(BuiltinOperator.MAX_POOL_2D, Padding.VALID, 1, 2);
    assert.throws(() => runSingleOp({ ...op, output: { ...op.output, zeroPoint: 1 } }, INPUT), /quantization differ/);
  });
});

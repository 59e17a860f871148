import { strict as assert } from "node:assert";
import { ActivationFunctionType, AddOptionsField, BuiltinOperator, BuiltinOptions } from "../../hosts/node/interpreter/schema.js";
import { runSingleOp } from "./single-op.js";

// ADD with input scales 0.5 and 0.25 and output scale 1 computes exactly
// (2a + b) / 4 before its last RoundingDivideByPOT, so the result is that
// quotient rounded half away from zero (input multipliers 0.5 and 0.25 of 2^20-shifted
// values are exact; the output multiplier 2^-20 is (2^30, -19)).
function add(shapeA: number[], shapeB: number[], shapeOut: number[], options: { zeroPoints?: [number, number, number]; activation?: number } = {}) {
  const [za, zb, zo] = options.zeroPoints ?? [0, 0, 0];
  return {
    code: BuiltinOperator.ADD,
    options: { type: BuiltinOptions.AddOptions, fields: [[AddOptionsField.fused_activation_function, "int8", options.activation ?? 0]] as const },
    inputs: [
      { shape: shapeA, scale: 0.5, zeroPoint: za },
      { shape: shapeB, scale: 0.25, zeroPoint: zb },
    ],
    output: { shape: shapeOut, scale: 1, zeroPoint: zo },
  };
}

describe("interpreter ADD", () => {
  it("rescales both inputs and rounds ties away from zero", () => {
    // 2a + b = 2, -2, 7, 381 -> 0.5 -> 1, -0.5 -> -1, 1.75 -> 2, 95.25 -> 95.
    assert.deepEqual(runSingleOp(add([4], [4], [4]), [1, -1, 3, 127], [0, 0, 1, 127]), [1, -1, 2, 95]);
  });

  it("applies zero points and saturates at 127", () => {
    // Same reals as above with zero points 1, -2 and output zero point 100: 195 saturates.
    assert.deepEqual(runSingleOp(add([4], [4], [4], { zeroPoints: [1, -2, 100] }), [2, 0, 4, 127], [-2, -2, -1, 125]), [101, 99, 102, 127]);
  });

  it("clamps at the output zero point with a fused RELU", () => {
    assert.deepEqual(runSingleOp(add([2], [2], [2], { zeroPoints: [0, 0, -20], activation: ActivationFunctionType.RELU }), [-8, 8], [0, 0]), [-20, -16]);
  });

  it("broadcasts a vector over the last dimension", () => {
    // a = [[1, 2], [3, 4]], b = [10, -10]: 12, -6, 16, -2 -> 3, -1.5 -> -2, 4, -0.5 -> -1.
    assert.deepEqual(runSingleOp(add([1, 2, 2], [2], [1, 2, 2]), [1, 2, 3, 4], [10, -10]), [3, -2, 4, -1]);
  });

  it("broadcasts both inputs ([2, 1] + [1, 3])", () => {
    // 2a + b for a = [4, 8], b = [0, 4, -4]: 8, 12, 4, 16, 20, 12 -> 2, 3, 1, 4, 5, 3.
    assert.deepEqual(runSingleOp(add([2, 1], [1, 3], [2, 3]), [4, 8], [0, 4, -4]), [2, 3, 1, 4, 5, 3]);
  });

  it("refuses shapes that do not broadcast", () => {
    assert.throws(() => runSingleOp(add([2], [3], [3]), [0, 0], [0, 0, 0]), /do not broadcast/);
  });
});

function mul(shapeA: number[], shapeB: number[], zeroPoints: [number, number, number] = [0, 0, 0]) {
  return {
    code: BuiltinOperator.MUL,
    inputs: [
      { shape: shapeA, scale: 0.5, zeroPoint: zeroPoints[0] },
      { shape: shapeB, scale: 1, zeroPoint: zeroPoints[1] },
    ],
    output: { shape: shapeA, scale: 1, zeroPoint: zeroPoints[2] },
  };
}

describe("interpreter MUL", () => {
  it("multiplies with one requantization (ties round up) and saturates both ways", () => {
    // Effective scale 0.5: products 3, -3, 11, 256, -256 -> 2, -1, 6, 127, -128.
    assert.deepEqual(runSingleOp(mul([5], [5]), [3, -3, 11, 16, -16], [1, 1, 1, 16, 16]), [2, -1, 6, 127, -128]);
  });

  it("broadcasts a scalar and applies zero points", () => {
    // a = [1, 2, 3, -1] (zero point 4), b = 3 (zero point -1): products 3, 6, 9, -3 -> 2, 3, 5, -1; output zero point 7.
    assert.deepEqual(runSingleOp(mul([2, 2], [1], [4, -1, 7]), [5, 6, 7, 3], [2]), [9, 10, 12, 6]);
  });
});

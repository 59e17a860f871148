import { strict as assert } from "node:assert";
import { BuiltinOperator, BuiltinOptions, SoftmaxOptionsField } from "../../hosts/node/interpreter/schema.js";
import { runSingleOp } from "./single-op.js";

// Softmax and logistic use gemmlowp's fixed-point exp and reciprocal, whose
// error is far below 1e-5: where the exact real result, times 256, lies at
// least 0.05 from a rounding tie, the int8 output is that real result rounded.
function quantized(real: number): number {
  const scaled = real * 256;
  assert.ok(Math.abs(scaled - Math.floor(scaled) - 0.5) > 0.05, `case too close to a tie: ${scaled}`);
  return Math.min(127, Math.round(scaled) - 128);
}

function softmax(shape: number[], inputScale: number, beta = 1) {
  return {
    code: BuiltinOperator.SOFTMAX,
    options: { type: BuiltinOptions.SoftmaxOptions, fields: [[SoftmaxOptionsField.beta, "float32", beta]] as const },
    inputs: [{ shape, scale: inputScale, zeroPoint: 0 }],
    output: { shape, scale: 1 / 256, zeroPoint: -128 },
  };
}

describe("interpreter SOFTMAX", () => {
  it("gives equal shares for equal inputs", () => {
    // 1/2 -> 128 - 128 = 0; 1/4 -> 64 - 128 = -64.
    assert.deepEqual(runSingleOp(softmax([1, 2], 0.1), [5, 5]), [0, 0]);
    assert.deepEqual(runSingleOp(softmax([1, 4], 0.1), [-7, -7, -7, -7]), [-64, -64, -64, -64]);
  });

  it("matches exp(x) / sum exp(x) rounded, row by row", () => {
    // Input scale 0.25: reals [0, -1] and [2, 0.5, -1.25] (a second row of a [2, 3] tensor).
    const rows = [
      [0, -4, 8],
      [8, 2, -5],
    ];
    const output = runSingleOp(softmax([2, 3], 0.25), rows.flat());
    const expected = rows.flatMap((row) => {
      const exps = row.map((q) => Math.exp(q * 0.25));
      const sum = exps.reduce((a, b) => a + b, 0);
      return exps.map((e) => quantized(e / sum));
    });
    assert.deepEqual(output, expected);
  });

  it("applies beta", () => {
    // beta 2 at scale 0.25 is the same as beta 1 at scale 0.5: reals [1, 0] -> e / (e + 1).
    const output = runSingleOp(softmax([1, 2], 0.25, 2), [2, 0]);
    assert.deepEqual(output, [quantized(Math.E / (Math.E + 1)), quantized(1 / (Math.E + 1))]);
  });

  it("saturates a certain class at 127 and gives -128 below the input radius", () => {
    // Scale 1: the diff of -255 lies beyond the radius of 15, so exp counts as 0.
    assert.deepEqual(runSingleOp(softmax([1, 2], 1), [127, -128]), [127, -128]);
  });

  it("refuses an output that is not scale 1/256, zero point -128", () => {
    const op = softmax([1, 2], 0.25);
    assert.throws(() => runSingleOp({ ...op, output: { ...op.output, zeroPoint: 0 } }, [0, 0]), /scale 1\/256, zero point -128/);
  });
});

function logistic(inputScale: number, zeroPoint = 0) {
  return {
    code: BuiltinOperator.LOGISTIC,
    inputs: [{ shape: [6], scale: inputScale, zeroPoint }],
    output: { shape: [6], scale: 1 / 256, zeroPoint: -128 },
  };
}

describe("interpreter LOGISTIC", () => {
  it("matches 1 / (1 + exp(-x)) rounded, with 0 -> exactly one half", () => {
    // Scale 0.125, zero point 3: reals 0, 1, -1, 2.5, -3, 0.375.
    const q = [3, 11, -5, 23, -21, 6];
    const expected = q.map((value) => (value === 3 ? 0 : quantized(1 / (1 + Math.exp(-(value - 3) * 0.125)))));
    assert.deepEqual(runSingleOp(logistic(0.125, 3), q), expected);
    assert.equal(expected[0], 0);
  });

  it("saturates beyond the input radius", () => {
    // Scale 0.1: radius 120 steps (15 * 2^27 / 2^24).
    assert.deepEqual(runSingleOp(logistic(0.1), [127, 120, -120, -128, 60, -60]), [127, 127, -128, -128, quantized(1 / (1 + Math.exp(-6))), quantized(1 / (1 + Math.exp(6)))]);
  });

  it("refuses an output zero point other than -128", () => {
    const op = logistic(0.1);
    assert.throws(() => runSingleOp({ ...op, output: { ...op.output, zeroPoint: 0 } }, [0, 0, 0, 0, 0, 0]), /zero point must be -128/);
  });
});

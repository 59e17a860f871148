import { strict as assert } from "node:assert";
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, Conv2DOptionsField, DepthwiseConv2DOptionsField, FullyConnectedOptionsField, Padding, TensorType } from "../../hosts/node/interpreter/schema.js";
import { runSingleOp } from "./single-op.js";

// Rounding facts used below (TensorFlow Lite Micro, double rounding):
// a multiplier of 0.5 is (2^30, shift 0): SaturatingRoundingDoublingHighMul
// rounds ties up (1.5 -> 2, -1.5 -> -1); 0.25 is (2^30, shift -1): the same,
// then RoundingDivideByPOT, which rounds ties away from zero (-0.5 -> -1).

function convOptions(padding: number, stride: number, activation = 0, dilation = 1) {
  return {
    type: BuiltinOptions.Conv2DOptions,
    fields: [
      [Conv2DOptionsField.padding, "int8", padding],
      [Conv2DOptionsField.stride_w, "int32", stride],
      [Conv2DOptionsField.stride_h, "int32", stride],
      [Conv2DOptionsField.fused_activation_function, "int8", activation],
      [Conv2DOptionsField.dilation_w_factor, "int32", dilation],
      [Conv2DOptionsField.dilation_h_factor, "int32", dilation],
    ] as const,
  };
}

describe("interpreter CONV_2D", () => {
  it("requantizes per channel with TensorFlow Lite Micro's rounding, and applies the input and output offsets", () => {
    // Real inputs 3, -3, 2, -2 (zero point 5); one 1x1 filter of weight 1 per channel;
    // channel 0 scaled by 0.5, channel 1 by 0.25; output zero point 10.
    const output = runSingleOp(
      {
        code: BuiltinOperator.CONV_2D,
        options: convOptions(Padding.VALID, 1),
        inputs: [
          { shape: [1, 1, 4, 1], scale: 1, zeroPoint: 5 },
          { shape: [2, 1, 1, 1], scale: [0.5, 0.25], zeroPoint: [0, 0], quantizedDimension: 0, data: Int8Array.of(1, 1) },
        ],
        output: { shape: [1, 1, 4, 2], scale: 1, zeroPoint: 10 },
      },
      [8, 2, 7, 3],
    );
    // x0.5: 1.5 -> 2, -1.5 -> -1, 1, -1.  x0.25: 0.75 -> 1, -0.75 -> -1, 0.5 -> 1, -0.5 -> -1.
    assert.deepEqual(output, [12, 11, 9, 9, 11, 11, 9, 9]);
  });

  it("pads SAME with stride 2, adds the bias, and clamps with RELU6", () => {
    // 3x3 input 1..9, 3x3 filter of ones, bias -20: window sums 12, 16, 24, 28 -> -8, -4, 4, 8.
    const op = (activation: number) => ({
      code: BuiltinOperator.CONV_2D,
      options: convOptions(Padding.SAME, 2, activation),
      inputs: [
        { shape: [1, 3, 3, 1], scale: 1, zeroPoint: 0 },
        { shape: [1, 3, 3, 1], scale: 1, data: new Int8Array(9).fill(1) },
        { shape: [1], type: TensorType.INT32, scale: 1, data: Int32Array.of(-20) },
      ],
      output: { shape: [1, 2, 2, 1], scale: 1, zeroPoint: 0 },
    });
    const input = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    assert.deepEqual(runSingleOp(op(ActivationFunctionType.NONE), input), [-8, -4, 4, 8]);
    assert.deepEqual(runSingleOp(op(ActivationFunctionType.RELU), input), [0, 0, 4, 8]);
    assert.deepEqual(runSingleOp(op(ActivationFunctionType.RELU6), input), [0, 0, 4, 6]);
  });

  it("saturates at -128 and 127", () => {
    // acc 127 * 127 and -128 * 127 at scale 1.
    const output = runSingleOp(
      {
        code: BuiltinOperator.CONV_2D,
        options: convOptions(Padding.VALID, 1),
        inputs: [
          { shape: [1, 1, 1, 2], scale: 1, zeroPoint: 0 },
          { shape: [2, 1, 1, 2], scale: 1, data: Int8Array.of(127, 0, 0, 127) },
        ],
        output: { shape: [1, 1, 1, 2], scale: 1, zeroPoint: 0 },
      },
      [127, -128],
    );
    assert.deepEqual(output, [127, -128]);
  });

  it("runs grouped convolutions (filter depth below the input depth)", () => {
    // Input depth 2, filter depth 1: output channel 0 reads input channel 0, channel 1 reads channel 1.
    const output = runSingleOp(
      {
        code: BuiltinOperator.CONV_2D,
        options: convOptions(Padding.VALID, 1),
        inputs: [
          { shape: [1, 1, 1, 2], scale: 1, zeroPoint: 0 },
          { shape: [2, 1, 1, 1], scale: 1, data: Int8Array.of(2, -3) },
        ],
        output: { shape: [1, 1, 1, 2], scale: 1, zeroPoint: 0 },
      },
      [5, 7],
    );
    assert.deepEqual(output, [10, -21]);
  });
});

describe("interpreter DEPTHWISE_CONV_2D", () => {
  it("applies a depth multiplier, dilation, bias and per-channel scales", () => {
    // Input 3x3x2: channel 0 = 1..9, channel 1 = -1..-9, zero point 2. 2x2 filter dilated by 2
    // reads the corners (1 + 3 + 7 + 9 = 20). Multiplier 2: weights 1, 2 (from channel 0), 1, -1 (from 1).
    // acc + bias = 20, 41, -18, 23; scales 1, 0.5, 1, 0.25 -> 20, 20.5 -> 21, -18, 5.75 -> 6; zero point -3.
    const input: number[] = [];
    for (let i = 1; i <= 9; i++) input.push(i + 2, -i + 2);
    const output = runSingleOp(
      {
        code: BuiltinOperator.DEPTHWISE_CONV_2D,
        options: {
          type: BuiltinOptions.DepthwiseConv2DOptions,
          fields: [
            [DepthwiseConv2DOptionsField.padding, "int8", Padding.VALID],
            [DepthwiseConv2DOptionsField.stride_w, "int32", 1],
            [DepthwiseConv2DOptionsField.stride_h, "int32", 1],
            [DepthwiseConv2DOptionsField.depth_multiplier, "int32", 2],
            [DepthwiseConv2DOptionsField.dilation_w_factor, "int32", 2],
            [DepthwiseConv2DOptionsField.dilation_h_factor, "int32", 2],
          ],
        },
        inputs: [
          { shape: [1, 3, 3, 2], scale: 1, zeroPoint: 2 },
          { shape: [1, 2, 2, 4], scale: [1, 0.5, 1, 0.25], zeroPoint: [0, 0, 0, 0], quantizedDimension: 3, data: Int8Array.from({ length: 16 }, (_, i) => [1, 2, 1, -1][i % 4]) },
          { shape: [4], type: TensorType.INT32, data: Int32Array.of(0, 1, 2, 3) },
        ],
        output: { shape: [1, 1, 1, 4], scale: 1, zeroPoint: -3 },
      },
      input,
    );
    assert.deepEqual(output, [17, 18, -21, 3]);
  });

  it("zero-pads SAME borders (padding adds nothing, whatever the input zero point)", () => {
    // 2x2 input of real 1 (zero point -7), 3x3 filter of ones, SAME: every window holds the 4 pixels.
    const output = runSingleOp(
      {
        code: BuiltinOperator.DEPTHWISE_CONV_2D,
        options: {
          type: BuiltinOptions.DepthwiseConv2DOptions,
          fields: [
            [DepthwiseConv2DOptionsField.padding, "int8", Padding.SAME],
            [DepthwiseConv2DOptionsField.stride_w, "int32", 1],
            [DepthwiseConv2DOptionsField.stride_h, "int32", 1],
          ],
        },
        inputs: [
          { shape: [1, 2, 2, 1], scale: 1, zeroPoint: -7 },
          { shape: [1, 3, 3, 1], scale: 1, data: new Int8Array(9).fill(1) },
        ],
        output: { shape: [1, 2, 2, 1], scale: 1, zeroPoint: 0 },
      },
      [-6, -6, -6, -6],
    );
    assert.deepEqual(output, [4, 4, 4, 4]);
  });
});

describe("interpreter FULLY_CONNECTED", () => {
  it("computes rows with a per-tensor multiplier, the bias, and tie rounding", () => {
    // x = [1, 2, 3, 4] and [-1, -2, -3, -4] (zero point -1); weights [1, 1, 1, 1] and [1, -1, 1, -1];
    // bias [1, -1]; scale 1 x 0.5: acc 11 -> 5.5 -> 6, -3 -> -1.5 -> -1, -9 -> -4.5 -> -4, 1 -> 0.5 -> 1.
    const output = runSingleOp(
      {
        code: BuiltinOperator.FULLY_CONNECTED,
        options: { type: BuiltinOptions.FullyConnectedOptions, fields: [[FullyConnectedOptionsField.fused_activation_function, "int8", 0]] },
        inputs: [
          { shape: [2, 4], scale: 1, zeroPoint: -1 },
          { shape: [2, 4], scale: 0.5, zeroPoint: 0, data: Int8Array.of(1, 1, 1, 1, 1, -1, 1, -1) },
          { shape: [2], type: TensorType.INT32, scale: 0.5, data: Int32Array.of(1, -1) },
        ],
        output: { shape: [2, 2], scale: 1, zeroPoint: 0 },
      },
      [0, 1, 2, 3, -2, -3, -4, -5],
    );
    assert.deepEqual(output, [6, -1, -4, 1]);
  });

  it("uses per-channel scales when the filter has them", () => {
    // acc 10 for both channels; scales 0.5 and 0.25 -> 5 and 2.5 -> 3 (away from zero).
    const output = runSingleOp(
      {
        code: BuiltinOperator.FULLY_CONNECTED,
        inputs: [
          { shape: [1, 4], scale: 1, zeroPoint: 0 },
          { shape: [2, 4], scale: [0.5, 0.25], zeroPoint: [0, 0], data: new Int8Array(8).fill(1) },
          null,
        ],
        output: { shape: [1, 2], scale: 1, zeroPoint: 0 },
      },
      [1, 2, 3, 4],
    );
    assert.deepEqual(output, [5, 3]);
  });
});

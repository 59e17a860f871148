import { strict as assert } from "node:assert";
import { loadModel } from "../../hosts/node/interpreter/index.js";
import { activationRange, quantizeMultiplier } from "../../hosts/node/interpreter/quantize.js";
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, Conv2DOptionsField, DepthwiseConv2DOptionsField, Padding, TensorType } from "../../hosts/node/interpreter/schema.js";
import { Random } from "./random.js";
import { singleOpModel, type SingleOp } from "./single-op.js";

// A plain scalar transcription of TensorFlow Lite Micro's reference
// arithmetic, to check the SIMD kernels bit for bit on random shapes,
// channel counts (vector blocks and scalar tails), strides, dilations,
// paddings and effective scales (left and right shifts).

function doublingHighMul(a: number, b: number): number {
  if (a === b && a === -2147483648) return 2147483647;
  const product = BigInt(a) * BigInt(b);
  const nudge = product >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((product + nudge) / (1n << 31n));
}

function divideByPOT(x: number, exponent: number): number {
  const mask = exponent === 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return divideByPOT(doublingHighMul(Math.imul(x, 2 ** left | 0), multiplier), right);
}

interface ConvCase {
  depthwise: boolean;
  shape: [number, number, number, number];
  filterShape: [number, number, number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: number;
  outShape: [number, number, number, number];
  inputScale: number;
  inputZeroPoint: number;
  filterScales: number[];
  outputScale: number;
  outputZeroPoint: number;
  activation: number;
  filter: Int8Array;
  bias: Int32Array;
  input: Int8Array;
}

function outSize(padding: number, size: number, filter: number, stride: number, dilation: number): number {
  const effective = (filter - 1) * dilation + 1;
  return padding === Padding.SAME ? Math.ceil(size / stride) : Math.floor((size - effective + stride) / stride);
}

function randomCase(random: Random, depthwise: boolean): ConvCase {
  for (;;) {
    const [h, w] = [random.int(1, 9), random.int(1, 9)];
    // Channel counts that take every path: 16- and 8-wide SIMD blocks, 4-wide blocks, scalar tails.
    const channelCounts = [1, 2, 3, 4, 5, 7, 8, 8, 12, 16, 16, 20, 24, 32];
    const inC = random.pick(channelCounts);
    const multiplier = depthwise ? random.pick([1, 1, 2, 8]) : 1;
    const outC = depthwise ? inC * multiplier : random.pick(channelCounts);
    // Grouped convolution: each group of outC / groups filters reads inC / groups input channels.
    const groups = !depthwise && inC % 2 === 0 && outC % 2 === 0 && random.int(0, 3) === 0 ? 2 : 1;
    const [kh, kw] = [random.int(1, 3), random.int(1, 3)];
    const stride: [number, number] = [random.int(1, 3), random.int(1, 3)];
    const dilation: [number, number] = [random.int(1, 2), random.int(1, 2)];
    const padding = random.pick([Padding.SAME, Padding.VALID]);
    const [oh, ow] = [outSize(padding, h, kh, stride[0], dilation[0]), outSize(padding, w, kw, stride[1], dilation[1])];
    if (oh < 1 || ow < 1) continue;
    const filterShape: [number, number, number, number] = depthwise ? [1, kh, kw, outC] : [outC, kh, kw, inC / groups];
    const inputScale = Math.fround(random.real(0.005, 0.05));
    // Effective scales from 1e-4 up to 4: both right and left shifts.
    const filterScales = Array.from({ length: outC }, () => Math.fround(random.real(0.001, 0.03) * random.pick([0.01, 0.1, 1, 10])));
    return {
      depthwise,
      shape: [1, h, w, inC],
      filterShape,
      stride,
      dilation,
      padding,
      outShape: [1, oh, ow, outC],
      inputScale,
      inputZeroPoint: random.int(-128, 127),
      filterScales,
      outputScale: Math.fround(inputScale * random.real(0.002, 0.05)),
      outputZeroPoint: random.int(-128, 127),
      activation: random.pick([ActivationFunctionType.NONE, ActivationFunctionType.RELU, ActivationFunctionType.RELU6]),
      filter: random.int8s(filterShape.reduce((a, b) => a * b, 1)),
      bias: Int32Array.from({ length: outC }, () => random.int(-100000, 100000)),
      input: random.int8s(h * w * inC),
    };
  }
}

function reference(c: ConvCase): number[] {
  const [, h, w, inC] = c.shape;
  const [, oh, ow, outC] = c.outShape;
  const [kh, kw] = [c.filterShape[1], c.filterShape[2]];
  const multiplier = outC / inC;
  const padH = Math.floor(Math.max((oh - 1) * c.stride[0] + (kh - 1) * c.dilation[0] + 1 - h, 0) / 2);
  const padW = Math.floor(Math.max((ow - 1) * c.stride[1] + (kw - 1) * c.dilation[1] + 1 - w, 0) / 2);
  const range = activationRange(c.activation, c.outputScale, c.outputZeroPoint, -128, 127) as { min: number; max: number };
  const out: number[] = [];
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (let oc = 0; oc < outC; oc++) {
        let acc = 0;
        for (let fy = 0; fy < kh; fy++) {
          for (let fx = 0; fx < kw; fx++) {
            const iy = y * c.stride[0] - padH + c.dilation[0] * fy;
            const ix = x * c.stride[1] - padW + c.dilation[1] * fx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            if (c.depthwise) {
              const value = c.input[(iy * w + ix) * inC + Math.floor(oc / multiplier)] - c.inputZeroPoint;
              acc = (acc + c.filter[(fy * kw + fx) * outC + oc] * value) | 0;
            } else {
              const filterInC = c.filterShape[3];
              const group = Math.floor(oc / (outC / (inC / filterInC)));
              for (let ic = 0; ic < filterInC; ic++) {
                const value = c.input[(iy * w + ix) * inC + group * filterInC + ic] - c.inputZeroPoint;
                acc = (acc + c.filter[((oc * kh + fy) * kw + fx) * filterInC + ic] * value) | 0;
              }
            }
          }
        }
        acc = (acc + c.bias[oc]) | 0;
        const { multiplier: m, shift } = quantizeMultiplier((c.inputScale * c.filterScales[oc]) / c.outputScale);
        const value = multiplyByQuantizedMultiplier(acc, m, shift) + c.outputZeroPoint;
        out.push(Math.min(range.max, Math.max(range.min, value)));
      }
    }
  }
  return out;
}

function op(c: ConvCase): SingleOp {
  const fields = c.depthwise
    ? [
        [DepthwiseConv2DOptionsField.padding, "int8", c.padding],
        [DepthwiseConv2DOptionsField.stride_h, "int32", c.stride[0]],
        [DepthwiseConv2DOptionsField.stride_w, "int32", c.stride[1]],
        [DepthwiseConv2DOptionsField.dilation_h_factor, "int32", c.dilation[0]],
        [DepthwiseConv2DOptionsField.dilation_w_factor, "int32", c.dilation[1]],
        [DepthwiseConv2DOptionsField.fused_activation_function, "int8", c.activation],
      ] as const
    : [
        [Conv2DOptionsField.padding, "int8", c.padding],
        [Conv2DOptionsField.stride_h, "int32", c.stride[0]],
        [Conv2DOptionsField.stride_w, "int32", c.stride[1]],
        [Conv2DOptionsField.dilation_h_factor, "int32", c.dilation[0]],
        [Conv2DOptionsField.dilation_w_factor, "int32", c.dilation[1]],
        [Conv2DOptionsField.fused_activation_function, "int8", c.activation],
      ] as const;
  return {
    code: c.depthwise ? BuiltinOperator.DEPTHWISE_CONV_2D : BuiltinOperator.CONV_2D,
    options: { type: c.depthwise ? BuiltinOptions.DepthwiseConv2DOptions : BuiltinOptions.Conv2DOptions, fields },
    inputs: [
      { shape: c.shape, scale: c.inputScale, zeroPoint: c.inputZeroPoint },
      { shape: c.filterShape, scale: c.filterScales, zeroPoint: c.filterScales.map(() => 0), quantizedDimension: c.depthwise ? 3 : 0, data: c.filter },
      { shape: [c.filterScales.length], type: TensorType.INT32, data: c.bias },
    ],
    output: { shape: c.outShape, scale: c.outputScale, zeroPoint: c.outputZeroPoint },
  };
}

describe("interpreter convolution kernels match a scalar transcription of the reference", () => {
  for (const depthwise of [false, true]) {
    it(`${depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D"}: 300 random cases, bit for bit`, () => {
      const random = new Random(depthwise ? 515 : 303);
      let outputs = 0;
      let leftShifts = 0;
      let wideBlocks = 0;
      let grouped = 0;
      for (let i = 0; i < 300; i++) {
        const c = randomCase(random, depthwise);
        const model = loadModel(singleOpModel(op(c)));
        model.inputTensors[0].set(c.input);
        model.run();
        const expected = reference(c);
        assert.deepEqual(Array.from(model.outputTensors[0]), expected, `case ${i}: ${JSON.stringify({ ...c, filter: undefined, bias: undefined, input: undefined })}`);
        outputs += expected.length;
        if (c.filterScales.some((s) => quantizeMultiplier((c.inputScale * s) / c.outputScale).shift > 0)) leftShifts++;
        if (c.filterShape[3] % 8 === 0 && c.outShape[3] % 8 === 0) wideBlocks++;
        if (!depthwise && c.filterShape[3] !== c.shape[3]) grouped++;
      }
      assert.ok(outputs > 10000 && leftShifts > 10 && wideBlocks > 10, `${outputs} outputs, ${leftShifts} cases with left shifts, ${wideBlocks} with 8-wide blocks`);
      if (!depthwise) assert.ok(grouped > 5, `${grouped} grouped cases`);
    });
  }
});

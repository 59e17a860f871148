import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { useWasmBackend } from "../../models/train/backend.js";
import { biasRelu6 } from "../../models/train/wasm-kernels.js";

type Case = { x: number[]; w: number[]; stride: number; pad: "same" | "valid"; depthwise: boolean };

const CASES: Case[] = [
  { x: [2, 9, 9, 3], w: [3, 3, 3, 4], stride: 1, pad: "same", depthwise: false },
  { x: [2, 10, 10, 1], w: [3, 3, 1, 5], stride: 2, pad: "same", depthwise: false },
  { x: [1, 7, 8, 4], w: [1, 1, 4, 6], stride: 1, pad: "valid", depthwise: false },
  { x: [2, 9, 10, 3], w: [5, 5, 3, 2], stride: 2, pad: "valid", depthwise: false },
  { x: [2, 10, 10, 4], w: [3, 3, 4, 1], stride: 2, pad: "same", depthwise: true },
  { x: [2, 9, 9, 3], w: [3, 3, 3, 1], stride: 1, pad: "same", depthwise: true },
  { x: [1, 11, 9, 2], w: [5, 5, 2, 1], stride: 2, pad: "valid", depthwise: true },
  { x: [2, 8, 8, 3], w: [3, 3, 3, 2], stride: 1, pad: "same", depthwise: true },
  { x: [2, 9, 8, 3], w: [5, 5, 3, 1], stride: 1, pad: "valid", depthwise: true },
  { x: [1, 12, 12, 4], w: [5, 5, 4, 1], stride: 1, pad: "same", depthwise: true },
  { x: [2, 6, 7, 2], w: [2, 2, 2, 1], stride: 1, pad: "same", depthwise: true },
  // The shapes of our layers, scaled down: first layer, strided depthwise (odd and even sizes), 5x5 at the grid.
  { x: [3, 16, 16, 1], w: [3, 3, 1, 8], stride: 2, pad: "same", depthwise: false },
  { x: [2, 15, 15, 2], w: [4, 4, 2, 6], stride: 4, pad: "same", depthwise: false },
  { x: [2, 12, 12, 8], w: [3, 3, 8, 1], stride: 2, pad: "same", depthwise: true },
  { x: [2, 11, 13, 5], w: [3, 3, 5, 1], stride: 2, pad: "same", depthwise: true },
  { x: [2, 6, 6, 12], w: [5, 5, 12, 1], stride: 1, pad: "same", depthwise: true },
  { x: [2, 6, 6, 6], w: [1, 1, 6, 9], stride: 1, pad: "same", depthwise: false },
];

/** Deterministic pseudo-random values in [-1, 1). */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Gradients of sum(conv(x, w) * r) with respect to x and w, on the current backend. */
function gradients(c: Case): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(values(c.x.reduce((a, b) => a * b), 1), c.x as [number, number, number, number]);
    const w = tf.tensor4d(values(c.w.reduce((a, b) => a * b), 2), c.w as [number, number, number, number]);
    const f = (xi: tf.Tensor4D, wi: tf.Tensor4D): tf.Tensor => {
      const y = c.depthwise ? tf.depthwiseConv2d(xi, wi, c.stride, c.pad) : tf.conv2d(xi, wi, c.stride, c.pad);
      return tf.sum(tf.mul(y, tf.tensor(values(y.size, 3), y.shape)));
    };
    const [dx, dw] = tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)([x, w]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-4 * (1 + Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe("models/train wasm gradient kernels", () => {
  const expected: { dx: Float32Array; dw: Float32Array }[] = [];

  before(async () => {
    await tf.setBackend("cpu");
    for (const c of CASES) expected.push(gradients(c));
    await useWasmBackend();
  });

  after(async () => {
    await tf.setBackend("cpu");
  });

  /** Gradients of sum(relu6(x + b) * r) with respect to x and b, with values on both kinks (0 and 6). */
  function biasRelu6Gradients(): { dx: Float32Array; db: Float32Array } {
    return tf.tidy(() => {
      const shape: [number, number, number, number] = [2, 5, 3, 7];
      const raw = values(2 * 5 * 3 * 7, 5).map((v, i) => (i % 11 === 0 ? 0 : i % 13 === 0 ? 6 : v * 8));
      const x = tf.tensor4d(raw, shape);
      const b = tf.tensor1d(new Float32Array(7));
      const r = tf.tensor(values(raw.length, 6), shape);
      const [dx, db] = tf.grads((xi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(biasRelu6(xi, bi as tf.Tensor1D), r)))([x, b]);
      return { dx: dx.dataSync() as Float32Array, db: db.dataSync() as Float32Array };
    });
  }
  let expectedBiasRelu6: { dx: Float32Array; db: Float32Array };

  before(async () => {
    await tf.setBackend("cpu");
    expectedBiasRelu6 = biasRelu6Gradients();
    await useWasmBackend();
  });

  it("fuses relu6(x + bias) and its gradient as the cpu backend computes them, kinks included", () => {
    assert.equal(tf.getBackend(), "wasm");
    const actual = biasRelu6Gradients();
    assertClose(actual.dx, expectedBiasRelu6.dx, "dx");
    assertClose(actual.db, expectedBiasRelu6.db, "dBias");
  });

  CASES.forEach((c, i) => {
    const name = `${c.depthwise ? "depthwise" : "conv2d"} x${c.x.join("x")} w${c.w.join("x")} stride ${c.stride} ${c.pad}`;
    it(`matches the cpu backend: ${name}`, () => {
      assert.equal(tf.getBackend(), "wasm");
      const actual = gradients(c);
      assertClose(actual.dw, expected[i].dw, "dW");
      assertClose(actual.dx, expected[i].dx, "dx");
    });
  });
});

/**
 * Gradient kernels for training on the tfjs wasm backend (4.22.0), which
 * lacks Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter and
 * DepthwiseConv2dNativeBackpropInput, and whose transposed matrix products
 * and relu6 gradient are slow. Where it can, the work goes to the backend's
 * own fast kernels (plain matrix products, forward depthwise convolutions)
 * or to our SIMD module (models/train/assembly) running on the backend's
 * heap; plain loops cover the rest. NHWC, dilation 1; test/models checks
 * every path against the cpu backend's gradients.
 */
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type ConvInfo = tf.backend_util.Conv2DInfo;
type DimRoundingMode = "floor" | "round" | "ceil" | undefined;
type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;

interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: DimRoundingMode;
  dilations?: [number, number] | number;
}

function checkNoDilation(info: ConvInfo, kernel: string): void {
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) throw new Error(`${kernel} (wasm, models/train): dilation is not supported`);
}

/** The SIMD gradient kernels of models/train/assembly, instantiated on the backend's own memory. */
interface SimdKernels {
  depthwiseFilterGrad(
    x: number, dy: number, dw: number, batch: number, inH: number, inW: number, outH: number, outW: number, channels: number,
    kh: number, kw: number, sh: number, sw: number, top: number, left: number,
  ): void;
  convFilterGrad(
    x: number, dy: number, dw: number, batch: number, inH: number, inW: number, inC: number, outH: number, outW: number, outC: number,
    kh: number, kw: number, sh: number, sw: number, top: number, left: number,
  ): void;
  biasRelu6Grad(dy: number, pre: number, dz: number, dbias: number, rows: number, channels: number): void;
}

/** The parts of the WebAssembly API used here (the project's TypeScript lib has no WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
}

const SIMD_KERNELS = new URL("./gradients.wasm", import.meta.url);
let simd: { memory: unknown; kernels: SimdKernels } | undefined;

/** The kernels on this backend's heap (instantiated once per heap). */
function simdKernels(backend: BackendWasm): SimdKernels {
  // The emscripten module keeps its WebAssembly.Memory as asm.memory.
  const memory = (backend.wasm as unknown as { asm: { memory: unknown } }).asm.memory;
  if (simd === undefined || simd.memory !== memory) {
    const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const instance = new api.Instance(new api.Module(readFileSync(SIMD_KERNELS)), { env: { memory } });
    simd = { memory, kernels: instance.exports as SimdKernels };
  }
  return simd.kernels;
}

/** Byte offset of a tensor's data in the backend's heap. */
function pointer(backend: BackendWasm, t: tf.TensorInfo): number {
  if (t.dtype !== "float32") throw new Error(`wasm gradient kernels (models/train): float32 expected, got ${t.dtype}`);
  return (backend.dataIdMap.get(t.dataId) as unknown as { memoryOffset: number }).memoryOffset;
}

/** Allocates the output first: a heap allocation may grow memory and detach earlier views. */
function output(backend: BackendWasm, shape: number[]): { info: tf.TensorInfo; values: Float32Array } {
  const info = backend.makeOutput(shape, "float32");
  return { info, values: backend.typedArrayFromHeap(info) as Float32Array };
}

function view(backend: BackendWasm, tensor: tf.TensorInfo): Float32Array {
  if (tensor.dtype !== "float32") throw new Error(`wasm gradient kernels (models/train): float32 expected, got ${tensor.dtype}`);
  return backend.typedArrayFromHeap(tensor) as Float32Array;
}

/** The output rows (or columns) that read input row iy = o * stride + k - pad, for 0 <= iy < inSize. */
function validRange(k: number, pad: number, stride: number, inSize: number, outSize: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pad - k) / stride));
  const hi = Math.min(outSize, Math.floor((inSize - 1 + pad - k) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Loops over every (filter tap, batch, output pixel) whose input pixel is
 * inside the image, with no per-pixel bounds checks: calls body(xBase,
 * dyBase, tap) with the NHWC offsets of the input and output pixels.
 */
function forEachTap(info: ConvInfo, body: (xBase: number, dyBase: number, tap: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let kh = 0; kh < filterHeight; kh++) {
    const [oy0, oy1] = validRange(kh, top, strideHeight, inHeight, outHeight);
    for (let kw = 0; kw < filterWidth; kw++) {
      const [ox0, ox1] = validRange(kw, left, strideWidth, inWidth, outWidth);
      const tap = kh * filterWidth + kw;
      for (let b = 0; b < batchSize; b++) {
        for (let oy = oy0; oy < oy1; oy++) {
          const iy = oy * strideHeight + kh - top;
          let dyBase = ((b * outHeight + oy) * outWidth + ox0) * outChannels;
          let xBase = ((b * inHeight + iy) * inWidth + ox0 * strideWidth + kw - left) * inChannels;
          for (let ox = ox0; ox < ox1; ox++) {
            body(xBase, dyBase, tap);
            dyBase += outChannels;
            xBase += strideWidth * inChannels;
          }
        }
      }
    }
  }
}

/** dW[kh,kw,c,m] = sum of x[b,iy,ix,c] * dy[b,oy,ox,c*mult+m] (loops: channel multipliers above 1, which our layers do not use). */
function depthwiseBackpropFilter(info: ConvInfo, x: Float32Array, dy: Float32Array, dW: Float32Array): void {
  const ci = info.inChannels;
  const co = info.outChannels;
  const mult = co / ci;
  const acc = new Float64Array(dW.length);
  forEachTap(info, (xBase, dyBase, tap) => {
    const wBase = tap * co;
    for (let c = 0; c < ci; c++) {
      const xv = x[xBase + c];
      for (let m = 0; m < mult; m++) acc[wBase + c * mult + m] += xv * dy[dyBase + c * mult + m];
    }
  });
  dW.set(acc);
}

/** dx[b,iy,ix,c] = sum of dy[b,oy,ox,c*mult+m] * W[kh,kw,c,m] over the outputs that read (iy,ix). */
function depthwiseBackpropInput(info: ConvInfo, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
  const ci = info.inChannels;
  const co = info.outChannels;
  const mult = co / ci;
  const acc = new Float32Array(dx.length);
  forEachTap(info, (xBase, dyBase, tap) => {
    const wBase = tap * co;
    if (mult === 1) {
      for (let c = 0; c < ci; c++) acc[xBase + c] += dy[dyBase + c] * w[wBase + c];
    } else {
      for (let c = 0; c < ci; c++) {
        let sum = 0;
        for (let m = 0; m < mult; m++) sum += dy[dyBase + c * mult + m] * w[wBase + c * mult + m];
        acc[xBase + c] += sum;
      }
    }
  });
  dx.set(acc);
}

/** A float32 view of `t` with another shape (same data). */
function asShape(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** The wasm backend's own matrix product (fast, SIMD), [M,K] x [K,N] with optional transposes. */
function matMul(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo {
  const kernel = tf.getKernel(tf.BatchMatMul, "wasm");
  if (!kernel) throw new Error("wasm backend: BatchMatMul is not registered");
  return kernel.kernelFunc({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } }) as tf.TensorInfo;
}

/** A 1x1, stride-1 convolution is a matrix product over pixels: its gradients are too. */
function isPointwise(info: ConvInfo): boolean {
  return info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1;
}

/** [rows, cols] to a new [cols, rows] tensor, in cache-friendly blocks. */
function transpose2d(backend: BackendWasm, t: tf.TensorInfo, rows: number, cols: number): tf.TensorInfo {
  const out = output(backend, [cols, rows]);
  const source = view(backend, t);
  const block = 32;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let c0 = 0; c0 < cols; c0 += block) {
      const c1 = Math.min(cols, c0 + block);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out.values[c * rows + r] = source[r * cols + c];
    }
  }
  return out.info;
}

/**
 * Multiplier 1: dx is the forward depthwise convolution of dy (with s - 1
 * zeros inserted between its pixels for stride s) with the filter turned by
 * 180 degrees, padded so that the output has the input's size. The backend's
 * forward kernel (XNNPACK) does it much faster than loops. Null when the
 * padding this needs would be negative (then the loops do it).
 */
function depthwiseBackpropInputByForward(backend: BackendWasm, info: ConvInfo, dy: tf.TensorInfo, filter: tf.TensorInfo): tf.TensorInfo | null {
  const forward = tf.getKernel(tf.DepthwiseConv2dNative, "wasm");
  if (!forward) throw new Error("wasm backend: DepthwiseConv2dNative is not registered");
  const { filterHeight: kh, filterWidth: kw, inChannels: c, strideHeight: sh, strideWidth: sw } = info;
  const { batchSize: b, inHeight, inWidth, outHeight, outWidth } = info;
  const { top, left } = info.padInfo;
  const upHeight = (outHeight - 1) * sh + 1;
  const upWidth = (outWidth - 1) * sw + 1;
  const bottom = inHeight + top - upHeight;
  const right = inWidth + left - upWidth;
  if (kh - 1 - top < 0 || kw - 1 - left < 0 || bottom < 0 || right < 0) return null;
  const turned = output(backend, [kh, kw, c, 1]);
  const w = view(backend, filter);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      const from = ((kh - 1 - y) * kw + (kw - 1 - x)) * c;
      turned.values.set(w.subarray(from, from + c), (y * kw + x) * c);
    }
  }
  let spread = dy;
  if (sh !== 1 || sw !== 1) {
    const up = output(backend, [b, upHeight, upWidth, c]);
    up.values.fill(0);
    const source = view(backend, dy);
    for (let n = 0; n < b; n++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          const from = ((n * outHeight + oy) * outWidth + ox) * c;
          up.values.set(source.subarray(from, from + c), ((n * upHeight + oy * sh) * upWidth + ox * sw) * c);
        }
      }
    }
    spread = up.info;
  }
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [kh - 1 - top, bottom], [kw - 1 - left, right], [0, 0]];
  const dx = forward.kernelFunc({ inputs: { x: spread, filter: turned.info }, backend, attrs: { strides: 1, pad, dilations: 1 } }) as tf.TensorInfo;
  backend.disposeData(turned.info.dataId);
  if (spread !== dy) backend.disposeData(spread.dataId);
  if (dx.shape.join() !== info.inShape.join()) throw new Error(`DepthwiseConv2dNativeBackpropInput: got ${dx.shape}, expected ${info.inShape}`);
  return dx;
}

/** The fused kernel that biasRelu6's gradient runs (inputs dy and the pre-activation; outputs dz and dBias). */
const BIAS_RELU6_GRAD = "EphemeraBiasRelu6Grad";

/**
 * relu6(x + bias), bias along the last axis. On the wasm backend its gradient
 * is one SIMD pass (mask, then the bias's column sums) instead of tfjs's
 * chain of step, lessEqual, cast, multiply and sum kernels; elsewhere it is
 * tf.relu6(tf.add(x, bias)) with tfjs's own gradient. Same values either way.
 */
export function biasRelu6<T extends tf.Tensor>(x: T, bias: tf.Tensor1D): T {
  if (tf.getBackend() !== "wasm") return tf.relu6(tf.add(x, bias)) as T;
  // customGrad passes the inputs, then the save function, in one rest parameter.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const pre = tf.add(input, b);
    save([pre]);
    return {
      value: tf.relu6(pre),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(BIAS_RELU6_GRAD, { dy, pre: saved[0] }) as tf.Tensor[],
    };
  });
  return op(x, bias) as T;
}

let registered = false;

/** Registers the three kernels for the wasm backend (idempotent). */
export function registerWasmGradientKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: tf.Conv2DBackpropFilter,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as BackendWasm;
      const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number]; dataFormat: "NHWC" | "NCHW" };
      if (a.dataFormat === "NCHW") throw new Error("Conv2DBackpropFilter (wasm, models/train): NCHW is not supported");
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
      if (isPointwise(info)) {
        // dW[ci, co] = X^T[ci, n] dY[n, co], n over batch and pixels, with X transposed first.
        const pixels = info.batchSize * info.outHeight * info.outWidth;
        const transposed = transpose2d(wasm, x, pixels, info.inChannels);
        const product = matMul(wasm, transposed, asShape(dy, [pixels, info.outChannels]), false, false);
        wasm.disposeData(transposed.dataId);
        return asShape(product, info.filterShape);
      }
      const out = output(wasm, info.filterShape);
      simdKernels(wasm).convFilterGrad(
        pointer(wasm, x), pointer(wasm, dy), pointer(wasm, out.info), info.batchSize, info.inHeight, info.inWidth, info.inChannels,
        info.outHeight, info.outWidth, info.outChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
        info.padInfo.top, info.padInfo.left);
      return out.info;
    },
  });
  // The backend's own Conv2DBackpropInput is plain loops; pointwise layers go through matMul instead.
  const original = tf.getKernel(tf.Conv2DBackpropInput, "wasm");
  if (!original) throw new Error("wasm backend: Conv2DBackpropInput is not registered");
  tf.unregisterKernel(tf.Conv2DBackpropInput, "wasm");
  tf.registerKernel({
    kernelName: tf.Conv2DBackpropInput,
    backendName: "wasm",
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const wasm = args.backend as BackendWasm;
      const { dy, filter } = args.inputs as unknown as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const a = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number]; dataFormat: "NHWC" | "NCHW" };
      if (a.dataFormat !== "NCHW") {
        const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode);
        if (isPointwise(info)) {
          // dX[n, ci] = dY[n, co] W[ci, co]^T, with W transposed first (small).
          const pixels = info.batchSize * info.outHeight * info.outWidth;
          const turned = transpose2d(wasm, filter, info.inChannels, info.outChannels);
          const product = matMul(wasm, asShape(dy, [pixels, info.outChannels]), turned, false, false);
          wasm.disposeData(turned.dataId);
          return asShape(product, a.inputShape);
        }
      }
      return original.kernelFunc(args);
    },
  });
  tf.registerKernel({
    kernelName: BIAS_RELU6_GRAD,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend }) => {
      const wasm = backend as BackendWasm;
      const { dy, pre } = inputs as unknown as { dy: tf.TensorInfo; pre: tf.TensorInfo };
      const channels = pre.shape[pre.shape.length - 1];
      const rows = tf.util.sizeFromShape(pre.shape) / channels;
      const dz = wasm.makeOutput(pre.shape, "float32");
      const dbias = wasm.makeOutput([channels], "float32");
      simdKernels(wasm).biasRelu6Grad(pointer(wasm, dy), pointer(wasm, pre), pointer(wasm, dz), pointer(wasm, dbias), rows, channels);
      return [dz, dbias];
    },
  });
  tf.registerKernel({
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as BackendWasm;
      const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number], a.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
      checkNoDilation(info, "DepthwiseConv2dNativeBackpropFilter");
      if (info.outChannels === info.inChannels) {
        const out = output(wasm, info.filterShape);
        simdKernels(wasm).depthwiseFilterGrad(
          pointer(wasm, x), pointer(wasm, dy), pointer(wasm, out.info), info.batchSize, info.inHeight, info.inWidth,
          info.outHeight, info.outWidth, info.inChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
          info.padInfo.top, info.padInfo.left);
        return out.info;
      }
      const out = output(wasm, info.filterShape);
      depthwiseBackpropFilter(info, view(wasm, x), view(wasm, dy), out.values);
      return out.info;
    },
  });
  tf.registerKernel({
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as BackendWasm;
      const { dy, filter } = inputs as unknown as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
      const info = tf.backend_util.computeConv2DInfo(
        a.inputShape, filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
      checkNoDilation(info, "DepthwiseConv2dNativeBackpropInput");
      if (info.outChannels === info.inChannels) {
        const dx = depthwiseBackpropInputByForward(wasm, info, dy, filter);
        if (dx) return dx;
      }
      const out = output(wasm, info.inShape);
      depthwiseBackpropInput(info, view(wasm, dy), view(wasm, filter), out.values);
      return out.info;
    },
  });
}

/**
 * Gradient kernels the tfjs wasm backend lacks (4.22.0): Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropFilter and DepthwiseConv2dNativeBackpropInput.
 * Without them training on wasm fails with "Kernel ... not registered".
 * Plain loops over the wasm heap, NHWC, dilation 1; test/models checks them
 * against the cpu backend's gradients.
 */
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

/** dW[kh,kw,ci,co] = sum over b,oy,ox of x[b, oy*s+kh-top, ox*s+kw-left, ci] * dy[b,oy,ox,co]. */
function conv2dBackpropFilter(info: ConvInfo, x: Float32Array, dy: Float32Array, dW: Float32Array): void {
  const ci = info.inChannels;
  const co = info.outChannels;
  const acc = new Float64Array(dW.length);
  forEachTap(info, (xBase, dyBase, tap) => {
    const wBase = tap * ci * co;
    for (let c = 0; c < ci; c++) {
      const xv = x[xBase + c];
      if (xv === 0) continue; // ReLU outputs are often zero
      const row = wBase + c * co;
      for (let o = 0; o < co; o++) acc[row + o] += xv * dy[dyBase + o];
    }
  });
  dW.set(acc);
}

/** dW[kh,kw,c,m] = sum of x[b,iy,ix,c] * dy[b,oy,ox,c*mult+m]. */
function depthwiseBackpropFilter(info: ConvInfo, x: Float32Array, dy: Float32Array, dW: Float32Array): void {
  const ci = info.inChannels;
  const co = info.outChannels;
  const mult = co / ci;
  const taps = info.filterHeight * info.filterWidth;
  // One accumulator row per tap, reused: fewer cache misses than the whole filter.
  const acc = new Float64Array(taps * co);
  forEachTap(info, (xBase, dyBase, tap) => {
    const wBase = tap * co;
    if (mult === 1) {
      for (let c = 0; c < ci; c++) acc[wBase + c] += x[xBase + c] * dy[dyBase + c];
    } else {
      for (let c = 0; c < ci; c++) {
        const xv = x[xBase + c];
        for (let m = 0; m < mult; m++) acc[wBase + c * mult + m] += xv * dy[dyBase + c * mult + m];
      }
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

/**
 * Stride 1, multiplier 1: dx is the forward depthwise convolution of dy with
 * the filter turned by 180 degrees, padded k - 1 - pad on each side. The
 * backend's forward kernel (XNNPACK) does it much faster than loops.
 */
function depthwiseBackpropInputByForward(backend: BackendWasm, info: ConvInfo, dy: tf.TensorInfo, filter: tf.TensorInfo): tf.TensorInfo {
  const forward = tf.getKernel(tf.DepthwiseConv2dNative, "wasm");
  if (!forward) throw new Error("wasm backend: DepthwiseConv2dNative is not registered");
  const { filterHeight: kh, filterWidth: kw, inChannels: c } = info;
  const turned = output(backend, [kh, kw, c, 1]);
  const w = view(backend, filter);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      const from = ((kh - 1 - y) * kw + (kw - 1 - x)) * c;
      turned.values.set(w.subarray(from, from + c), (y * kw + x) * c);
    }
  }
  const { top, bottom, left, right } = info.padInfo;
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]];
  const dx = forward.kernelFunc({ inputs: { x: dy, filter: turned.info }, backend, attrs: { strides: 1, pad, dilations: 1 } }) as tf.TensorInfo;
  backend.disposeData(turned.info.dataId);
  if (dx.shape.join() !== info.inShape.join()) throw new Error(`DepthwiseConv2dNativeBackpropInput: got ${dx.shape}, expected ${info.inShape}`);
  return dx;
}

/** [B, H, W, C] to [1, H, W, B*C] (batch folded into channels). */
function foldBatch(backend: BackendWasm, t: tf.TensorInfo, filterLayout: boolean): tf.TensorInfo {
  const [b, h, w, c] = t.shape;
  const folded = output(backend, filterLayout ? [h, w, b * c, 1] : [1, h, w, b * c]);
  const source = view(backend, t);
  const plane = h * w;
  for (let n = 0; n < b; n++) {
    for (let p = 0; p < plane; p++) folded.values.set(source.subarray((n * plane + p) * c, (n * plane + p + 1) * c), (p * b + n) * c);
  }
  return folded.info;
}

/**
 * Stride 1, multiplier 1: for each channel, dW is the correlation of the
 * padded input with dy, summed over the batch. With the batch folded into
 * channels, that is one forward depthwise convolution (input x, "filter" dy,
 * VALID after the layer's own padding) whose k x k output is then summed over
 * the batch.
 */
function depthwiseBackpropFilterByForward(backend: BackendWasm, info: ConvInfo, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const forward = tf.getKernel(tf.DepthwiseConv2dNative, "wasm");
  if (!forward) throw new Error("wasm backend: DepthwiseConv2dNative is not registered");
  const input = foldBatch(backend, x, false);
  const filter = foldBatch(backend, dy, true);
  const { top, bottom, left, right } = info.padInfo;
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]];
  const perImage = forward.kernelFunc({ inputs: { x: input, filter }, backend, attrs: { strides: 1, pad, dilations: 1 } }) as tf.TensorInfo;
  backend.disposeData(input.dataId);
  backend.disposeData(filter.dataId);
  const { filterHeight: kh, filterWidth: kw, inChannels: c, batchSize: b } = info;
  if (perImage.shape.join() !== [1, kh, kw, b * c].join()) throw new Error(`DepthwiseConv2dNativeBackpropFilter: got ${perImage.shape}`);
  const out = output(backend, info.filterShape);
  const values = view(backend, perImage);
  for (let tap = 0; tap < kh * kw; tap++) {
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let n = 0; n < b; n++) sum += values[(tap * b + n) * c + ch];
      out.values[tap * c + ch] = sum;
    }
  }
  backend.disposeData(perImage.dataId);
  return out.info;
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
        // dW[ci, co] = X[n, ci]^T dY[n, co] with n over batch and pixels.
        const pixels = info.batchSize * info.outHeight * info.outWidth;
        const product = matMul(wasm, asShape(x, [pixels, info.inChannels]), asShape(dy, [pixels, info.outChannels]), true, false);
        return asShape(product, info.filterShape);
      }
      const out = output(wasm, info.filterShape);
      conv2dBackpropFilter(info, view(wasm, x), view(wasm, dy), out.values);
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
          // dX[n, ci] = dY[n, co] W[ci, co]^T.
          const pixels = info.batchSize * info.outHeight * info.outWidth;
          const product = matMul(wasm, asShape(dy, [pixels, info.outChannels]), asShape(filter, [info.inChannels, info.outChannels]), false, true);
          return asShape(product, a.inputShape);
        }
      }
      return original.kernelFunc(args);
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
      if (info.strideHeight === 1 && info.strideWidth === 1 && info.outChannels === info.inChannels) {
        return depthwiseBackpropFilterByForward(wasm, info, x, dy);
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
      if (info.strideHeight === 1 && info.strideWidth === 1 && info.outChannels === info.inChannels) {
        return depthwiseBackpropInputByForward(wasm, info, dy, filter);
      }
      const out = output(wasm, info.inShape);
      depthwiseBackpropInput(info, view(wasm, dy), view(wasm, filter), out.values);
      return out.info;
    },
  });
}

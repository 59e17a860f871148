/* eslint-disable @typescript-eslint/ban-ts-comment */
// @ts-nocheck -- AssemblyScript (compiled by asc, see asconfig.json), not Node TypeScript.
//
// Training's gradient kernels, with SIMD, on the tfjs wasm backend's own heap:
// the module imports that memory, and every pointer is the byte offset of a
// float32 NHWC tensor there. No static data and no allocation, so the module
// never writes outside the tensors it is given.

/** Zeroes `count` floats at `p`. */
function zero(p: usize, count: i32): void {
  memory.fill(p, 0, <usize>count << 2);
}

/** acc[0..n) += a[0..n) * b[0..n), four lanes at a time. */
function multiplyAdd(acc: usize, a: usize, b: usize, n: i32): void {
  let c = 0;
  for (; c + 4 <= n; c += 4) {
    const o = <usize>c << 2;
    v128.store(acc + o, f32x4.add(v128.load(acc + o), f32x4.mul(v128.load(a + o), v128.load(b + o))));
  }
  for (; c < n; c++) {
    const o = <usize>c << 2;
    store<f32>(acc + o, load<f32>(acc + o) + load<f32>(a + o) * load<f32>(b + o));
  }
}

/** acc[0..n) += s * b[0..n). */
function scaleAdd(acc: usize, s: f32, b: usize, n: i32): void {
  const sv = f32x4.splat(s);
  let c = 0;
  for (; c + 4 <= n; c += 4) {
    const o = <usize>c << 2;
    v128.store(acc + o, f32x4.add(v128.load(acc + o), f32x4.mul(sv, v128.load(b + o))));
  }
  for (; c < n; c++) {
    const o = <usize>c << 2;
    store<f32>(acc + o, load<f32>(acc + o) + s * load<f32>(b + o));
  }
}

/**
 * Depthwise convolution, channel multiplier 1: dW[ky,kx,c] = sum over batch
 * and output pixels of x[b, oy*sh+ky-top, ox*sw+kx-left, c] * dy[b,oy,ox,c].
 */
export function depthwiseFilterGrad(
  x: usize, dy: usize, dw: usize,
  batch: i32, inH: i32, inW: i32, outH: i32, outW: i32, channels: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, top: i32, left: i32,
): void {
  zero(dw, kh * kw * channels);
  const pixelBytes = <usize>channels << 2;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyp = dy + <usize>((b * outH + oy) * outW + ox) * pixelBytes;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - top;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx - left;
            if (ix < 0 || ix >= inW) continue;
            multiplyAdd(dw + <usize>(ky * kw + kx) * pixelBytes, x + <usize>((b * inH + iy) * inW + ix) * pixelBytes, dyp, channels);
          }
        }
      }
    }
  }
}

/**
 * Full convolution: dW[ky,kx,ci,co] = sum over batch and output pixels of
 * x[b, oy*sh+ky-top, ox*sw+kx-left, ci] * dy[b,oy,ox,co] (for layers with few
 * input channels, e.g. the first one; 1x1 layers go through a matrix product).
 */
export function convFilterGrad(
  x: usize, dy: usize, dw: usize,
  batch: i32, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, outC: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, top: i32, left: i32,
): void {
  zero(dw, kh * kw * inC * outC);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyp = dy + (<usize>((b * outH + oy) * outW + ox) * outC << 2);
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - top;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx - left;
            if (ix < 0 || ix >= inW) continue;
            const xp = x + (<usize>((b * inH + iy) * inW + ix) * inC << 2);
            const wp = dw + (<usize>(ky * kw + kx) * inC * outC << 2);
            for (let ci = 0; ci < inC; ci++) {
              const xv = load<f32>(xp + (<usize>ci << 2));
              if (xv != 0) scaleAdd(wp + (<usize>ci * outC << 2), xv, dyp, outC);
            }
          }
        }
      }
    }
  }
}

/**
 * Gradients of relu6(z + bias) for z [rows, channels]: dz = dy where
 * 0 < z + bias <= 6 (tfjs's convention at the kinks), else 0; dBias = the
 * column sums of dz. `pre` holds z + bias.
 */
export function biasRelu6Grad(dy: usize, pre: usize, dz: usize, dbias: usize, rows: i32, channels: i32): void {
  const n = rows * channels;
  const zeros = f32x4.splat(0);
  const sixes = f32x4.splat(6);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(pre + o);
    const keep = v128.and(f32x4.gt(p, zeros), f32x4.le(p, sixes));
    v128.store(dz + o, v128.and(v128.load(dy + o), keep));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(pre + o);
    store<f32>(dz + o, p > 0 && p <= 6 ? load<f32>(dy + o) : 0);
  }
  zero(dbias, channels);
  const rowBytes = <usize>channels << 2;
  for (let r = 0; r < rows; r++) scaleAdd(dbias, 1, dz + <usize>r * rowBytes, channels);
}

import type { GrayImage } from "./gray-image.js";

/**
 * Cuts a tileW x tileH patch at (ox, oy) of the region (rx, ry, rw, rh) of
 * `image` scaled to sw x sh, with the device's frame-kernel arithmetic (the
 * frame-kernel brief): an integer box filter when shrinking, nearest
 * neighbour when enlarging; uint8 out (before the model's quantization). The
 * region must lie inside the image. Training crops go through the same
 * arithmetic as the device's tiles.
 */
export function cutTile(
  image: GrayImage,
  region: { rx: number; ry: number; rw: number; rh: number; sw: number; sh: number },
  ox: number,
  oy: number,
  tileW: number,
  tileH: number,
  out: Uint8Array = new Uint8Array(tileW * tileH),
): Uint8Array {
  const { width, pixels } = image;
  const { rx, ry, rw, rh, sw, sh } = region;
  if (rx < 0 || ry < 0 || rw < 1 || rh < 1 || rx + rw > image.width || ry + rh > image.height) {
    throw new RangeError(`cutTile: region ${rx},${ry} ${rw}x${rh} outside ${image.width}x${image.height}`);
  }
  if (ox < 0 || oy < 0 || ox + tileW > sw || oy + tileH > sh) throw new RangeError(`cutTile: tile at ${ox},${oy} outside ${sw}x${sh}`);
  const xs = new Int32Array(tileW);
  const xe = new Int32Array(tileW);
  for (let tx = 0; tx < tileW; tx++) {
    const u = ox + tx;
    const x0 = rx + Math.floor((u * rw) / sw);
    let x1 = rx + Math.floor(((u + 1) * rw) / sw);
    if (x1 <= x0) x1 = x0 + 1;
    xs[tx] = x0;
    xe[tx] = x1;
  }
  for (let ty = 0; ty < tileH; ty++) {
    const v = oy + ty;
    const y0 = ry + Math.floor((v * rh) / sh);
    let y1 = ry + Math.floor(((v + 1) * rh) / sh);
    if (y1 <= y0) y1 = y0 + 1;
    for (let tx = 0; tx < tileW; tx++) {
      const x0 = xs[tx];
      const x1 = xe[tx];
      let sum = 0;
      for (let y = y0; y < y1; y++) {
        const row = y * width;
        for (let x = x0; x < x1; x++) sum += pixels[row + x];
      }
      const n = (x1 - x0) * (y1 - y0);
      out[ty * tileW + tx] = Math.floor((sum + Math.floor(n / 2)) / n);
    }
  }
  return out;
}

/** The region (rx, ry, rw, rh) of `image` resampled whole to outW x outH. */
export function resampleRegion(image: GrayImage, rx: number, ry: number, rw: number, rh: number, outW: number, outH: number): Uint8Array {
  return cutTile(image, { rx, ry, rw, rh, sw: outW, sh: outH }, 0, 0, outW, outH);
}

/**
 * Which sensor size the camera runs at: the smallest that gives the region of
 * interest enough pixels, so that tiles are made by shrinking, never by
 * enlarging. No SDK import: tested inside XS (test/xs/device-host.spec.ts).
 */
import type { RegionOfInterest } from "../../src/config/config.js";

export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

/** The 4:3 sizes of esp32-camera's list that an OV2640 delivers, smallest first. */
export const SENSOR_FRAME_SIZES: readonly FrameSize[] = Object.freeze([
  Object.freeze({ width: 160, height: 120 }),
  Object.freeze({ width: 320, height: 240 }),
  Object.freeze({ width: 640, height: 480 }),
  Object.freeze({ width: 800, height: 600 }),
  Object.freeze({ width: 1024, height: 768 }),
  Object.freeze({ width: 1600, height: 1200 }),
]);

/** Largest frame the device captures: 480 KB per copy (the JS buffer, and each driver buffer in PSRAM). */
export const MAX_FRAME_PIXELS = 800 * 600;

/**
 * The smallest sensor size whose ROI has at least `scaledShortSide` pixels on
 * its shorter side, so that tiles are made by shrinking, never by enlarging;
 * the largest allowed size when none does.
 */
export function chooseFrameSize(roi: RegionOfInterest, scaledShortSide: number, maxPixels: number = MAX_FRAME_PIXELS): FrameSize {
  const allowed = SENSOR_FRAME_SIZES.filter((size) => size.width * size.height <= maxPixels);
  if (allowed.length === 0) throw new RangeError(`camera: no sensor size within ${maxPixels} pixels`);
  for (const size of allowed) {
    const shortSide = Math.min(Math.floor(roi.width * size.width), Math.floor(roi.height * size.height));
    if (shortSide >= scaledShortSide) return size;
  }
  return allowed[allowed.length - 1];
}


/**
 * Training and validation samples: 96x96 grayscale tiles with a 12x12 grid of
 * targets (FOMO-style: the cell holding a face's center carries its class).
 */
import { CELL_SIZE, GRID_SIZE, INPUT_SIZE } from "../train/architecture.js";
import type { GrayImage } from "./gray-image.js";
import { Random } from "./random.js";
import { resampleRegion } from "./resample.js";
import type { Face } from "./voc.js";

export interface LabelledPhoto {
  readonly name: string;
  readonly image: GrayImage;
  readonly faces: readonly Face[];
}

/** The evaluation protocol's scale (see models/eval/protocol.ts), which training scales jitter around. */
export const EVAL_SHORT_SIDE = 192;

/** Grid class ids. */
export const BACKGROUND = 0;
export const MASK = 1;
export const NO_MASK = 2;

/** A face narrower than this (tile pixels) is neither a positive nor a negative. */
export const MIN_FACE_PX = 7;
/** A face with less of its box inside the tile is neither a positive nor a negative. */
export const MIN_VISIBLE_SHARE = 0.5;

export interface TargetWeights {
  /** Loss weight of a face's center cell, by class (background cells weigh 1). */
  readonly mask: number;
  readonly noMask: number;
}

export const DEFAULT_TARGET_WEIGHTS: TargetWeights = Object.freeze({ mask: 10, noMask: 15 });

/** A face in tile pixels. */
export interface TileFace {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly cls: Face["cls"];
  /** Neither a positive nor a negative (a face cut by a mosaic seam). */
  readonly ignore?: boolean;
}

/** Where one tile's targets go: GRID_SIZE² cells from `offset` in each array. */
export interface TargetArrays {
  readonly classes: Int32Array;
  readonly weights: Float32Array;
  /** Face width / tile width, where sizeWeights is 1. */
  readonly sizes: Float32Array;
  readonly sizeWeights: Float32Array;
}

/**
 * Writes one tile's targets at `offset`. The cell holding a face's center
 * carries its class. Other cells inside the inner half of a face's box are
 * "don't care" (weight 0): the model may fire on them, and decoding keeps one
 * peak and merges nearby ones. Tiny or mostly cut-off faces are don't care
 * too. The face width is a target on the center and inner cells of the faces
 * that count (the decoder averages it over the cells around a peak).
 */
export function writeTargets(
  faces: readonly TileFace[],
  targets: TargetArrays,
  offset: number,
  targetWeights: TargetWeights = DEFAULT_TARGET_WEIGHTS,
): void {
  const { classes, weights, sizes, sizeWeights } = targets;
  const cells = GRID_SIZE * GRID_SIZE;
  classes.fill(BACKGROUND, offset, offset + cells);
  weights.fill(1, offset, offset + cells);
  sizes.fill(0, offset, offset + cells);
  sizeWeights.fill(0, offset, offset + cells);
  const inner = (face: TileFace): [number, number, number, number] => {
    const cx = (face.x0 + face.x1) / 2;
    const cy = (face.y0 + face.y1) / 2;
    const hw = (face.x1 - face.x0) / 4;
    const hh = (face.y1 - face.y0) / 4;
    return [
      Math.max(0, Math.floor((cx - hw) / CELL_SIZE)),
      Math.max(0, Math.floor((cy - hh) / CELL_SIZE)),
      Math.min(GRID_SIZE - 1, Math.floor((cx + hw) / CELL_SIZE)),
      Math.min(GRID_SIZE - 1, Math.floor((cy + hh) / CELL_SIZE)),
    ];
  };
  for (const face of faces) {
    const [gx0, gy0, gx1, gy1] = inner(face);
    for (let gy = gy0; gy <= gy1; gy++) for (let gx = gx0; gx <= gx1; gx++) weights[offset + gy * GRID_SIZE + gx] = 0;
  }
  // Largest last, so that it wins a cell shared with a smaller face.
  const bySize = [...faces].sort((a, b) => a.x1 - a.x0 - (b.x1 - b.x0));
  for (const face of bySize) {
    const cx = (face.x0 + face.x1) / 2;
    const cy = (face.y0 + face.y1) / 2;
    if (cx < 0 || cy < 0 || cx >= INPUT_SIZE || cy >= INPUT_SIZE) continue;
    const cell = offset + Math.floor(cy / CELL_SIZE) * GRID_SIZE + Math.floor(cx / CELL_SIZE);
    const width = face.x1 - face.x0;
    const area = width * (face.y1 - face.y0);
    const visibleW = Math.min(face.x1, INPUT_SIZE) - Math.max(face.x0, 0);
    const visibleH = Math.min(face.y1, INPUT_SIZE) - Math.max(face.y0, 0);
    const visible = (Math.max(0, visibleW) * Math.max(0, visibleH)) / area;
    if (face.ignore === true || width < MIN_FACE_PX || visible < MIN_VISIBLE_SHARE) {
      weights[cell] = 0;
      continue;
    }
    classes[cell] = face.cls === "mask" ? MASK : NO_MASK;
    weights[cell] = face.cls === "mask" ? targetWeights.mask : targetWeights.noMask;
    const [gx0, gy0, gx1, gy1] = inner(face);
    const fraction = Math.min(1, width / INPUT_SIZE);
    for (let gy = gy0; gy <= gy1; gy++) {
      for (let gx = gx0; gx <= gx1; gx++) {
        sizes[offset + gy * GRID_SIZE + gx] = fraction;
        sizeWeights[offset + gy * GRID_SIZE + gx] = 1;
      }
    }
    sizes[cell] = fraction;
    sizeWeights[cell] = 1;
  }
}

/** Faces of a photo in the coordinates of a tile cut from region (rx, ry) at `scale` tile px per photo px. */
export function facesInTile(faces: readonly Face[], rx: number, ry: number, scale: number): TileFace[] {
  return faces.map((f) => ({
    x0: (f.x0 - rx) * scale,
    y0: (f.y0 - ry) * scale,
    x1: (f.x1 - rx) * scale,
    y1: (f.y1 - ry) * scale,
    cls: f.cls,
  }));
}

/** How training samples are drawn. */
export interface SampleOptions {
  /** Scale range relative to the evaluation scale (log-uniform). */
  readonly scaleRange: readonly [number, number];
  /** Share of samples centred near a face (the rest are anywhere in the photo). */
  readonly faceCentred: number;
  /** Share of face-centred samples centred on a no_mask face. */
  readonly noMaskShare: number;
  readonly augment: boolean;
  readonly targetWeights: TargetWeights;
  /**
   * Share of samples that are mosaics: four 48x48 quarter tiles, each a crop
   * of a random photo around one of its faces, scaled so that face becomes
   * `mosaicFaceWidth` px wide (log-uniform). Photos of a single large face
   * then also teach the small faces a doorway camera sees.
   */
  readonly mosaicShare: number;
  readonly mosaicFaceWidth: readonly [number, number];
}

export const DEFAULT_SAMPLE_OPTIONS: SampleOptions = Object.freeze({
  scaleRange: [0.6, 1.7] as const,
  faceCentred: 0.5,
  noMaskShare: 0.4,
  augment: true,
  targetWeights: DEFAULT_TARGET_WEIGHTS,
  mosaicShare: 0,
  mosaicFaceWidth: [8, 28] as const,
});

/** A batch in the layout the trainer feeds tfjs: targets [size, side / 8, side / 8] each. */
export interface Batch extends TargetArrays {
  readonly size: number;
  /** Pixels per side of each sample: 96 (a tile) unless the batch was cropped (models/train/crop-batch.ts). */
  readonly side: number;
  /** [size, side, side, 1], pixel / 255. */
  readonly pixels: Float32Array;
}

/** An empty batch of `size` samples of `side` px (96, a tile, unless a trainer crops; see models/train/crop-batch.ts). */
export function allocateBatch(size: number, side = INPUT_SIZE): Batch {
  const cells = (side / CELL_SIZE) ** 2;
  return {
    size,
    side,
    pixels: new Float32Array(size * side * side),
    classes: new Int32Array(size * cells),
    weights: new Float32Array(size * cells),
    sizes: new Float32Array(size * cells),
    sizeWeights: new Float32Array(size * cells),
  };
}

const TILE_PIXELS = INPUT_SIZE * INPUT_SIZE;

/** Where a sample is centred: a face, or a point at a given scale (a hard negative). */
export type SampleCentre = Face | { readonly x: number; readonly y: number; readonly scale: number };

/** Jitter of a hard negative's scale (log-uniform) and position (share of the crop) around where it was found. */
const HARD_NEGATIVE_SCALE_JITTER = 1.2;
const HARD_NEGATIVE_SHIFT = 0.3;

/**
 * Draws one random training sample from `photo` into slot `index` of `batch`:
 * a square region at a random scale around the evaluation scale, near
 * `centre` (one of the photo's faces; or a hard negative, at about the scale
 * it was found at) or anywhere when it is null, resampled with the device's
 * arithmetic, then cheap-sensor augmentation.
 */
export function drawSample(
  photo: LabelledPhoto,
  centre: SampleCentre | null,
  random: Random,
  options: SampleOptions,
  batch: Batch,
  index: number,
): void {
  const { image, faces } = photo;
  const evalScale = EVAL_SHORT_SIDE / Math.min(image.width, image.height);
  const point = centre !== null && "scale" in centre ? centre : null;
  const scale = point
    ? point.scale * random.logUniform(1 / HARD_NEGATIVE_SCALE_JITTER, HARD_NEGATIVE_SCALE_JITTER)
    : evalScale * random.logUniform(options.scaleRange[0], options.scaleRange[1]);
  const side = Math.min(Math.round(INPUT_SIZE / scale), image.width, image.height);
  let rx: number;
  let ry: number;
  if (point) {
    rx = Math.round(point.x + random.uniform(-HARD_NEGATIVE_SHIFT, HARD_NEGATIVE_SHIFT) * side - side / 2);
    ry = Math.round(point.y + random.uniform(-HARD_NEGATIVE_SHIFT, HARD_NEGATIVE_SHIFT) * side - side / 2);
  } else if (centre) {
    const face = centre as Face;
    const cx = (face.x0 + face.x1) / 2 + random.uniform(-0.45, 0.45) * side;
    const cy = (face.y0 + face.y1) / 2 + random.uniform(-0.45, 0.45) * side;
    rx = Math.round(cx - side / 2);
    ry = Math.round(cy - side / 2);
  } else {
    rx = random.int(image.width - side + 1);
    ry = random.int(image.height - side + 1);
  }
  rx = Math.max(0, Math.min(image.width - side, rx));
  ry = Math.max(0, Math.min(image.height - side, ry));
  const tile = resampleRegion(image, rx, ry, side, side, INPUT_SIZE, INPUT_SIZE);
  finishSample(tile, facesInTile(faces, rx, ry, INPUT_SIZE / side), random, options, batch, index);
}

/** Augments `tile` (flipping its faces with it) into slot `index` of `batch` and writes its targets. */
function finishSample(tile: Uint8Array, faces: readonly TileFace[], random: Random, options: SampleOptions, batch: Batch, index: number): void {
  let tileFaces = faces;
  const pixels = batch.pixels.subarray(index * TILE_PIXELS, (index + 1) * TILE_PIXELS);
  if (options.augment) {
    const flip = random.chance(0.5);
    augment(tile, pixels, random, flip);
    if (flip) tileFaces = tileFaces.map((f) => ({ ...f, x0: INPUT_SIZE - f.x1, x1: INPUT_SIZE - f.x0 }));
  } else {
    for (let i = 0; i < TILE_PIXELS; i++) pixels[i] = tile[i] / 255;
  }
  writeTargets(tileFaces, batch, index * GRID_SIZE * GRID_SIZE, options.targetWeights);
}

const QUARTER = INPUT_SIZE / 2;

/**
 * Draws a mosaic sample into slot `index` of `batch`: four quarters, quarter
 * i being the photo of `quarters[i]` cropped around its face at the scale that makes that face
 * `options.mosaicFaceWidth` px wide (or wider when the photo is too small
 * to zoom out that far). A face cut by a quarter's edge counts only when at
 * least half of it is inside, and then as its visible part; otherwise it is
 * "don't care", so seams teach nothing false.
 */
export function drawMosaic(
  quarters: readonly (readonly [LabelledPhoto, Face])[],
  random: Random,
  options: SampleOptions,
  batch: Batch,
  index: number,
): void {
  if (quarters.length !== 4) throw new Error(`a mosaic takes 4 quarters, got ${quarters.length}`);
  const tile = new Uint8Array(TILE_PIXELS);
  const tileFaces: TileFace[] = [];
  quarters.forEach(([photo, face], q) => {
    const { image } = photo;
    const ox = (q % 2) * QUARTER;
    const oy = Math.floor(q / 2) * QUARTER;
    const width = random.logUniform(options.mosaicFaceWidth[0], options.mosaicFaceWidth[1]);
    const wanted = Math.round((QUARTER * (face.x1 - face.x0)) / width);
    const side = Math.max(1, Math.min(wanted, image.width, image.height));
    const cx = (face.x0 + face.x1) / 2 + random.uniform(-0.35, 0.35) * side;
    const cy = (face.y0 + face.y1) / 2 + random.uniform(-0.35, 0.35) * side;
    const rx = Math.max(0, Math.min(image.width - side, Math.round(cx - side / 2)));
    const ry = Math.max(0, Math.min(image.height - side, Math.round(cy - side / 2)));
    const quarter = resampleRegion(image, rx, ry, side, side, QUARTER, QUARTER);
    for (let y = 0; y < QUARTER; y++) tile.set(quarter.subarray(y * QUARTER, (y + 1) * QUARTER), (oy + y) * INPUT_SIZE + ox);
    for (const f of facesInTile(photo.faces, rx, ry, QUARTER / side)) {
      const x0 = Math.max(0, f.x0);
      const y0 = Math.max(0, f.y0);
      const x1 = Math.min(QUARTER, f.x1);
      const y1 = Math.min(QUARTER, f.y1);
      if (x1 <= x0 || y1 <= y0) continue;
      const visible = ((x1 - x0) * (y1 - y0)) / ((f.x1 - f.x0) * (f.y1 - f.y0));
      tileFaces.push({ x0: ox + x0, y0: oy + y0, x1: ox + x1, y1: oy + y1, cls: f.cls, ignore: visible < MIN_VISIBLE_SHARE });
    }
  });
  finishSample(tile, tileFaces, random, options, batch, index);
}

/** A point where the network fired on no face (see models/train/hard-negatives.ts). */
export interface NegativePoint {
  readonly photo: number;
  readonly x: number;
  readonly y: number;
  readonly scale: number;
}

/**
 * Picks what each training sample shows: a share of samples centred on a
 * face, the face drawn with its class balanced (no_mask faces are rarer in
 * the data), the rest anywhere in a random photo; once hard negatives are
 * set, a share of samples centred on one of them.
 */
export class SamplePicker {
  readonly #photos: readonly LabelledPhoto[];
  readonly #byClass: { readonly mask: [number, Face][]; readonly no_mask: [number, Face][] } = { mask: [], no_mask: [] };
  readonly #options: SampleOptions;
  #negatives: readonly NegativePoint[] = [];
  #negativeShare = 0;

  /** Centres `share` of later samples on these points (photo indices into this picker's photos). */
  setHardNegatives(points: readonly NegativePoint[], share: number): void {
    this.#negatives = points;
    this.#negativeShare = points.length > 0 ? share : 0;
  }

  constructor(photos: readonly LabelledPhoto[], options: SampleOptions) {
    if (photos.length === 0) throw new Error("no training photos");
    this.#photos = photos;
    this.#options = options;
    photos.forEach((photo, i) => {
      for (const face of photo.faces) this.#byClass[face.cls].push([i, face]);
    });
  }

  fill(random: Random, batch: Batch): void {
    for (let i = 0; i < batch.size; i++) {
      if (this.#negativeShare > 0 && random.chance(this.#negativeShare)) {
        const point = this.#negatives[random.int(this.#negatives.length)];
        drawSample(this.#photos[point.photo], point, random, this.#options, batch, i);
        continue;
      }
      if (this.#options.mosaicShare > 0 && this.#faceCount() > 0 && random.chance(this.#options.mosaicShare)) {
        const quarters = [0, 1, 2, 3].map((): [LabelledPhoto, Face] => {
          const picked = this.#pickFace(random);
          if (!picked) throw new Error("unreachable: the photos hold faces");
          return [this.#photos[picked[0]], picked[1]];
        });
        drawMosaic(quarters, random, this.#options, batch, i);
        continue;
      }
      let photo = random.int(this.#photos.length);
      let centre: Face | null = null;
      if (random.chance(this.#options.faceCentred)) {
        const picked = this.#pickFace(random);
        if (picked) [photo, centre] = picked;
      }
      drawSample(this.#photos[photo], centre, random, this.#options, batch, i);
    }
  }

  #faceCount(): number {
    return this.#byClass.mask.length + this.#byClass.no_mask.length;
  }

  /** A face, its class balanced by `noMaskShare`; undefined when the photos hold none. */
  #pickFace(random: Random): [number, Face] | undefined {
    const preferred = random.chance(this.#options.noMaskShare) ? this.#byClass.no_mask : this.#byClass.mask;
    const pool = preferred.length > 0 ? preferred : this.#byClass.mask.length > 0 ? this.#byClass.mask : this.#byClass.no_mask;
    return pool.length > 0 ? pool[random.int(pool.length)] : undefined;
  }
}

/**
 * Cheap-sensor augmentation, in place into `out` as pixel / 255 after
 * rounding to 8 bits (the sensor's values are integers): exposure (gain),
 * contrast, gamma, defocus blur, read noise, horizontal flip.
 */
export function augment(tile: Uint8Array, out: Float32Array, random: Random, flip: boolean): void {
  const n = INPUT_SIZE;
  let mean = 0;
  for (let i = 0; i < TILE_PIXELS; i++) mean += tile[i];
  mean /= TILE_PIXELS;
  const gamma = random.logUniform(0.7, 1.4);
  const gain = random.logUniform(0.55, 1.6);
  const contrast = random.logUniform(0.6, 1.4);
  const gammaMean = 255 * Math.pow(mean / 255, gamma);
  const tone = new Float32Array(256);
  for (let p = 0; p < 256; p++) tone[p] = ((255 * Math.pow(p / 255, gamma) - gammaMean) * contrast + gammaMean) * gain;
  const work = new Float32Array(TILE_PIXELS);
  for (let y = 0; y < n; y++) {
    const row = y * n;
    if (flip) for (let x = 0; x < n; x++) work[row + x] = tone[tile[row + n - 1 - x]];
    else for (let x = 0; x < n; x++) work[row + x] = tone[tile[row + x]];
  }
  if (random.chance(0.3)) blur121(work, n);
  const noise = random.chance(0.6) ? random.uniform(0, 7) : 0;
  const normals = standardNormals();
  let k = random.int(NORMALS);
  const step = 1 + 2 * random.int(NORMALS / 2 - 1); // odd: visits the whole table
  for (let i = 0; i < TILE_PIXELS; i++) {
    k = (k + step) & (NORMALS - 1);
    const v = Math.round(work[i] + noise * normals[k]);
    out[i] = (v < 0 ? 0 : v > 255 ? 255 : v) / 255;
  }
}

const NORMALS = 1 << 16;
let normalTable: Float32Array | undefined;

/** A fixed table of standard normal values: per-pixel noise without per-pixel logarithms. */
function standardNormals(): Float32Array {
  if (!normalTable) {
    const random = new Random(12345);
    normalTable = new Float32Array(NORMALS);
    for (let i = 0; i < NORMALS; i++) normalTable[i] = random.normal();
  }
  return normalTable;
}

/** Separable [1 2 1] / 4 blur with edge replication. */
function blur121(values: Float32Array, n: number): void {
  const tmp = new Float32Array(values.length);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const l = values[y * n + Math.max(0, x - 1)];
      const r = values[y * n + Math.min(n - 1, x + 1)];
      tmp[y * n + x] = (l + 2 * values[y * n + x] + r) / 4;
    }
  }
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const u = tmp[Math.max(0, y - 1) * n + x];
      const d = tmp[Math.min(n - 1, y + 1) * n + x];
      values[y * n + x] = (u + 2 * tmp[y * n + x] + d) / 4;
    }
  }
}

/**
 * Hard negative mining (bootstrapping): the network in training scans
 * training photos as the device would (tiles of the protocol at a scale drawn
 * from the training range), and every detection that lies on no labelled face
 * becomes the centre of later training crops. Textures that look like faces
 * to the network (patterned cloth, foliage, bags) are rare among random
 * crops; this shows them to it until it stops firing on them.
 */
import type { Network } from "./network.js";
import { buildValidationSet, detectionsAt, predict } from "./validation.js";
import { EVAL_SHORT_SIDE, type LabelledPhoto } from "../data/samples.js";
import type { Random } from "../data/random.js";

/** Where the network fired on no face: a point of a training photo, and the scale it was seen at. */
export interface HardNegative {
  readonly photo: number;
  readonly x: number;
  readonly y: number;
  /** Tile pixels per photo pixel when it fired. */
  readonly scale: number;
  readonly confidence: number;
}

export interface MiningOptions {
  /** Share of training samples centred on a hard negative once mining has started. */
  readonly share: number;
  /** First epoch (1-based) whose samples include hard negatives: mining runs before it. */
  readonly fromEpoch: number;
  /** Detection threshold on 1 - P(background) for a hard negative. */
  readonly threshold: number;
  /** Share of the training photos scanned per round (a different random subset each round). */
  readonly photoShare: number;
  /** Most hard negatives kept per round (the most confident). */
  readonly maxKept: number;
}

export const DEFAULT_MINING_OPTIONS: MiningOptions = Object.freeze({
  share: 0.25,
  fromEpoch: 4,
  threshold: 0.5,
  photoShare: 0.5,
  maxKept: 4000,
});

/** Photos scanned per batch of tile sets (bounds memory: ~20 tiles of 36 KB per photo). */
const PHOTOS_PER_CHUNK = 24;

/**
 * Scans a random subset of `photos`, each at one scale drawn from
 * `scaleRange` (relative to the protocol's), and returns the detections that
 * lie on no face box (tiny faces included: firing on those is not wrong),
 * most confident first.
 */
export function mineHardNegatives(
  network: Network,
  photos: readonly LabelledPhoto[],
  scaleRange: readonly [number, number],
  options: MiningOptions,
  random: Random,
): HardNegative[] {
  const chosen = random.shuffle(photos.map((_, i) => i)).slice(0, Math.max(1, Math.round(photos.length * options.photoShare)));
  chosen.sort((a, b) => a - b);
  // One scale per photo; photos of the same (rounded) scale share a tile set.
  const byScale = new Map<number, number[]>();
  for (const index of chosen) {
    const shortSide = Math.max(96, Math.round((EVAL_SHORT_SIDE * random.logUniform(scaleRange[0], scaleRange[1])) / 8) * 8);
    const list = byScale.get(shortSide) ?? [];
    list.push(index);
    byScale.set(shortSide, list);
  }
  const found: HardNegative[] = [];
  for (const [shortSide, indices] of [...byScale].sort((a, b) => a[0] - b[0])) {
    for (let start = 0; start < indices.length; start += PHOTOS_PER_CHUNK) {
      const chunk = indices.slice(start, start + PHOTOS_PER_CHUNK);
      const set = buildValidationSet(chunk.map((i) => photos[i]), shortSide);
      const { outputs } = predict(network, set);
      const detections = detectionsAt(set, outputs, options.threshold);
      chunk.forEach((photoIndex, k) => {
        const { image, faces } = photos[photoIndex];
        const scale = shortSide / Math.min(image.width, image.height);
        for (const d of detections[k]) {
          if (faces.some((f) => d.x >= f.x0 && d.x <= f.x1 && d.y >= f.y0 && d.y <= f.y1)) continue;
          found.push({ photo: photoIndex, x: d.x, y: d.y, scale, confidence: d.confidence });
        }
      });
    }
  }
  found.sort((a, b) => b.confidence - a.confidence || a.photo - b.photo || a.x - b.x || a.y - b.y);
  return found.slice(0, options.maxKept);
}

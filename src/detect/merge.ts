import type { Detection, FaceClass } from "./detection.js";

export interface MergeOptions {
  /** A grid cell's side in frame pixels. */
  readonly cellSize: number;
  /** Two detections closer than this many cells are the same face (default 1.5). */
  readonly radiusCells?: number;
  /** ... or closer than this fraction of the larger face width, when sizes are known (default 0.5). */
  readonly radiusSizeFraction?: number;
}

export const DEFAULT_MERGE_RADIUS_CELLS = 1.5;
export const DEFAULT_MERGE_RADIUS_SIZE_FRACTION = 0.5;

/**
 * Merges detections of the same face seen by overlapping tiles. Greedy by
 * descending confidence: the strongest detection absorbs every other one
 * within the merge radius of it (not transitively, so that a row of faces is
 * not chained into one). The merged face takes the confidence-weighted mean
 * position and size, the class with the larger summed confidence (the
 * strongest detection's class on a tie) and the highest confidence.
 */
export function mergeDetections(detections: readonly Detection[], options: MergeOptions): Detection[] {
  const radiusCells = (options.radiusCells ?? DEFAULT_MERGE_RADIUS_CELLS) * options.cellSize;
  const sizeFraction = options.radiusSizeFraction ?? DEFAULT_MERGE_RADIUS_SIZE_FRACTION;
  const order = detections.slice().sort((a, b) => b.confidence - a.confidence);
  const taken = new Uint8Array(order.length);
  const merged: Detection[] = [];
  for (let i = 0; i < order.length; i++) {
    if (taken[i]) continue;
    const keeper = order[i];
    taken[i] = 1;
    let weight = keeper.confidence;
    let sumX = keeper.x * weight;
    let sumY = keeper.y * weight;
    let sizeWeight = keeper.size === undefined ? 0 : weight;
    let sumSize = keeper.size === undefined ? 0 : keeper.size * weight;
    const votes: Record<FaceClass, number> = { mask: 0, no_mask: 0 };
    votes[keeper.cls] += weight;
    for (let j = i + 1; j < order.length; j++) {
      if (taken[j]) continue;
      const other = order[j];
      const largest = Math.max(keeper.size ?? 0, other.size ?? 0);
      const radius = Math.max(radiusCells, sizeFraction * largest);
      const dx = other.x - keeper.x;
      const dy = other.y - keeper.y;
      if (dx * dx + dy * dy > radius * radius) continue;
      taken[j] = 1;
      const w = other.confidence;
      weight += w;
      sumX += other.x * w;
      sumY += other.y * w;
      if (other.size !== undefined) {
        sizeWeight += w;
        sumSize += other.size * w;
      }
      votes[other.cls] += w;
    }
    const cls: FaceClass = votes.mask === votes.no_mask ? keeper.cls : votes.mask > votes.no_mask ? "mask" : "no_mask";
    const face: Detection = { x: sumX / weight, y: sumY / weight, cls, confidence: keeper.confidence };
    merged.push(sizeWeight > 0 ? { ...face, size: sumSize / sizeWeight } : face);
  }
  return merged;
}

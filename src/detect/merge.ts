import type { Detection } from "./detection.js";
import { DetectionList } from "./detection-list.js";

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
  const from = new DetectionList();
  from.addAll(detections);
  const into = new DetectionList();
  new DetectionMerger().merge(from, into, options.cellSize, options.radiusCells, options.radiusSizeFraction);
  return into.toArray();
}

/**
 * mergeDetections on DetectionLists, with its scratch (the order and the
 * taken flags) kept between calls: the frame loop's path, no allocation once
 * the scratch has grown to the most detections a frame has held.
 */
export class DetectionMerger {
  #order = new Int32Array(16);
  #taken = new Uint8Array(16);

  /** Clears `into` and writes the merged faces of `from` there. */
  merge(from: DetectionList, into: DetectionList, cellSize: number, radiusCells = DEFAULT_MERGE_RADIUS_CELLS, sizeFraction = DEFAULT_MERGE_RADIUS_SIZE_FRACTION): void {
    into.clear();
    const n = from.count;
    const order = this.#sortByConfidence(from);
    const taken = this.#taken.fill(0, 0, n);
    const radiusPixels = radiusCells * cellSize;
    const x = from.x;
    const y = from.y;
    const confidence = from.confidence;
    const size = from.size;
    const hasSize = from.hasSize;
    const masked = from.masked;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const keeper = order[i];
      taken[i] = 1;
      let weight = confidence[keeper];
      let sumX = x[keeper] * weight;
      let sumY = y[keeper] * weight;
      let sizeWeight = hasSize[keeper] ? weight : 0;
      let sumSize = hasSize[keeper] ? size[keeper] * weight : 0;
      let maskVotes = 0;
      let noMaskVotes = 0;
      if (masked[keeper]) maskVotes += weight;
      else noMaskVotes += weight;
      const keeperSize = hasSize[keeper] ? size[keeper] : 0;
      for (let j = i + 1; j < n; j++) {
        if (taken[j]) continue;
        const other = order[j];
        const largest = Math.max(keeperSize, hasSize[other] ? size[other] : 0);
        const radius = Math.max(radiusPixels, sizeFraction * largest);
        const dx = x[other] - x[keeper];
        const dy = y[other] - y[keeper];
        if (dx * dx + dy * dy > radius * radius) continue;
        taken[j] = 1;
        const w = confidence[other];
        weight += w;
        sumX += x[other] * w;
        sumY += y[other] * w;
        if (hasSize[other]) {
          sizeWeight += w;
          sumSize += size[other] * w;
        }
        if (masked[other]) maskVotes += w;
        else noMaskVotes += w;
      }
      const isMasked = maskVotes === noMaskVotes ? masked[keeper] === 1 : maskVotes > noMaskVotes;
      into.add(sumX / weight, sumY / weight, isMasked, confidence[keeper], sizeWeight > 0, sizeWeight > 0 ? sumSize / sizeWeight : 0);
    }
  }

  /**
   * Indices of `from` by descending confidence, equal ones in their original
   * order (as a stable sort gives them). Insertion sort: a frame holds a few
   * dozen detections at most, and it needs no comparator closure.
   */
  #sortByConfidence(from: DetectionList): Int32Array {
    const n = from.count;
    if (this.#order.length < n) {
      const capacity = Math.max(n, 2 * this.#order.length);
      this.#order = new Int32Array(capacity);
      this.#taken = new Uint8Array(capacity);
    }
    const order = this.#order;
    const confidence = from.confidence;
    for (let i = 0; i < n; i++) {
      const value = confidence[i];
      let j = i - 1;
      while (j >= 0 && confidence[order[j]] < value) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = i;
    }
    return order;
  }
}

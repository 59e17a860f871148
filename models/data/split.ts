import { createHash } from "node:crypto";
import type { GrayImage } from "./gray-image.js";

export type SplitName = "train" | "validation" | "test";
export const SPLIT_NAMES: readonly SplitName[] = Object.freeze(["train", "validation", "test"]);

/** The written split (models/split.json). */
export interface SplitFile {
  readonly about: string;
  /** Photos with byte-identical files (sha256), each group kept in one split. */
  readonly identical: readonly (readonly string[])[];
  /** Groups of near-identical photos (same scene; see nearDuplicateGroups), each kept in one split. */
  readonly nearDuplicates: readonly (readonly string[])[];
  readonly train: readonly string[];
  readonly validation: readonly string[];
  readonly test: readonly string[];
}

/** Share of photos per split. */
export const SPLIT_SHARES: Readonly<Record<SplitName, number>> = Object.freeze({ train: 0.7, validation: 0.15, test: 0.15 });

/** Hamming distance of difference hashes at or under which two photos count as the same scene. */
export const NEAR_DUPLICATE_DISTANCE = 64;

const HASH_COLUMNS = 17;
const HASH_ROWS = 16;

/**
 * A 256-bit difference hash: the photo box-averaged to 17x16, then one bit per
 * horizontally adjacent pair (is the right one brighter). Robust to
 * re-encoding, rescaling and small shifts; photos of one scene a moment apart
 * stay within NEAR_DUPLICATE_DISTANCE.
 */
export function differenceHash(image: GrayImage): Uint8Array {
  const { width, height, pixels } = image;
  const means = new Float64Array(HASH_COLUMNS * HASH_ROWS);
  for (let row = 0; row < HASH_ROWS; row++) {
    const y0 = Math.floor((row * height) / HASH_ROWS);
    const y1 = Math.max(y0 + 1, Math.floor(((row + 1) * height) / HASH_ROWS));
    for (let col = 0; col < HASH_COLUMNS; col++) {
      const x0 = Math.floor((col * width) / HASH_COLUMNS);
      const x1 = Math.max(x0 + 1, Math.floor(((col + 1) * width) / HASH_COLUMNS));
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += pixels[y * width + x];
      means[row * HASH_COLUMNS + col] = sum / ((x1 - x0) * (y1 - y0));
    }
  }
  const bits = new Uint8Array((HASH_COLUMNS - 1) * HASH_ROWS);
  let k = 0;
  for (let row = 0; row < HASH_ROWS; row++) {
    for (let col = 0; col < HASH_COLUMNS - 1; col++) {
      bits[k++] = means[row * HASH_COLUMNS + col] < means[row * HASH_COLUMNS + col + 1] ? 1 : 0;
    }
  }
  return bits;
}

export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  let distance = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) distance++;
  return distance;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Groups (of two or more) of names whose keys are equal, each sorted, in order of their first name. */
export function groupsByKey(names: readonly string[], keys: readonly string[]): string[][] {
  const byKey = new Map<string, string[]>();
  names.forEach((name, i) => {
    const group = byKey.get(keys[i]) ?? [];
    group.push(name);
    byKey.set(keys[i], group);
  });
  return [...byKey.values()].filter((group) => group.length > 1);
}

/** Union-find over indices. */
class DisjointSets {
  readonly #parent: number[];
  constructor(size: number) {
    this.#parent = Array.from({ length: size }, (_, i) => i);
  }
  find(i: number): number {
    while (this.#parent[i] !== i) {
      this.#parent[i] = this.#parent[this.#parent[i]];
      i = this.#parent[i];
    }
    return i;
  }
  union(a: number, b: number): void {
    this.#parent[this.find(a)] = this.find(b);
  }
}

/**
 * Groups photos that must share a split: byte-identical files and photos
 * whose difference hashes are within `maxDistance` (transitively). Returns
 * every photo's group (singletons included), names in input order.
 */
export function linkedGroups(
  names: readonly string[],
  sha256s: readonly string[],
  hashes: readonly Uint8Array[],
  maxDistance = NEAR_DUPLICATE_DISTANCE,
): string[][] {
  const sets = new DisjointSets(names.length);
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      if (sha256s[i] === sha256s[j] || hammingDistance(hashes[i], hashes[j]) <= maxDistance) sets.union(i, j);
    }
  }
  const byRoot = new Map<number, string[]>();
  names.forEach((name, i) => {
    const root = sets.find(i);
    const group = byRoot.get(root) ?? [];
    group.push(name);
    byRoot.set(root, group);
  });
  return [...byRoot.values()];
}

/**
 * Deals groups to splits: groups ordered by a salted hash of their first name
 * (a fixed pseudo-random order that does not depend on listing order), then
 * each split filled to its share of photos in turn.
 */
export function assignSplits(groups: readonly (readonly string[])[], salt: string): Record<SplitName, string[]> {
  const ordered = [...groups].sort((a, b) => {
    const ka = sha256Hex(new TextEncoder().encode(`${salt}:${a[0]}`));
    const kb = sha256Hex(new TextEncoder().encode(`${salt}:${b[0]}`));
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const total = groups.reduce((sum, group) => sum + group.length, 0);
  const result: Record<SplitName, string[]> = { train: [], validation: [], test: [] };
  const testQuota = Math.round(total * SPLIT_SHARES.test);
  const validationQuota = Math.round(total * SPLIT_SHARES.validation);
  for (const group of ordered) {
    const target: SplitName =
      result.test.length < testQuota ? "test" : result.validation.length < validationQuota ? "validation" : "train";
    result[target].push(...group);
  }
  return result;
}

/**
 * Writes models/split.json: the fixed train / validation / test split of the
 * shared face-mask photos, by photo, with identical and near-identical photos
 * kept together. `npm run split` (deterministic: rerunning gives the same file).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { SHARED_DATA_DIR, compareNames, listVoc } from "../data/dataset.js";
import { decodeGray } from "../data/gray-image.js";
import {
  NEAR_DUPLICATE_DISTANCE,
  SPLIT_SHARES,
  type SplitFile,
  assignSplits,
  differenceHash,
  groupsByKey,
  linkedGroups,
  sha256Hex,
} from "../data/split.js";

import { SPLIT_PATH } from "../data/split-file.js";
const SALT = "ephemera-split-v1";

export function makeSplit(dataDir: string): SplitFile {
  const entries = listVoc(dataDir);
  const names = entries.map((entry) => entry.name);
  const sha256s: string[] = [];
  const hashes: Uint8Array[] = [];
  for (const entry of entries) {
    const bytes = readFileSync(entry.imagePath);
    sha256s.push(sha256Hex(bytes));
    hashes.push(differenceHash(decodeGray(bytes, entry.imagePath)));
  }
  const groups = linkedGroups(names, sha256s, hashes);
  const splits = assignSplits(groups, SALT);
  return {
    about:
      `Fixed split of ${dataDir} by photo (shares ${JSON.stringify(SPLIT_SHARES)}), written by \`npm run split\`. ` +
      `Byte-identical photos (same sha256) and near-identical ones (difference hash within ` +
      `${NEAR_DUPLICATE_DISTANCE} of 256 bits, transitively: the same scene a moment apart) stay in one split.`,
    identical: groupsByKey(names, sha256s),
    nearDuplicates: groups.filter((group) => group.length > 1),
    train: [...splits.train].sort(compareNames),
    validation: [...splits.validation].sort(compareNames),
    test: [...splits.test].sort(compareNames),
  };
}

function main(): void {
  const split = makeSplit(SHARED_DATA_DIR);
  writeFileSync(SPLIT_PATH, `${JSON.stringify(split, null, 1)}\n`);
  console.log(
    `${SPLIT_PATH}: train ${split.train.length}, validation ${split.validation.length}, test ${split.test.length}; ` +
      `identical groups ${split.identical.length}, near-duplicate groups ${split.nearDuplicates.length}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();

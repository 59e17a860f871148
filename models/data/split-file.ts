import { readFileSync } from "node:fs";
import type { SplitFile, SplitName } from "./split.js";

export const SPLIT_PATH = "models/split.json";

export function readSplit(path = SPLIT_PATH): SplitFile {
  return JSON.parse(readFileSync(path, "utf8")) as SplitFile;
}

export function splitNames(split: SplitFile, name: SplitName): readonly string[] {
  return split[name];
}

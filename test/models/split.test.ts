import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { SHARED_DATA_DIR, listVoc } from "../../models/data/dataset.js";
import { readSplit } from "../../models/data/split-file.js";
import { assignSplits, linkedGroups, sha256Hex } from "../../models/data/split.js";
import { makeSplit } from "../../models/cli/split.js";

describe("models/split.json (the fixed split)", () => {
  const split = readSplit();
  const entries = listVoc(SHARED_DATA_DIR);
  const splitOf = new Map<string, string>();
  for (const name of ["train", "validation", "test"] as const) for (const photo of split[name]) splitOf.set(photo, name);

  it("puts every photo of the data set in exactly one split, about 70 / 15 / 15", () => {
    const total = split.train.length + split.validation.length + split.test.length;
    assert.equal(splitOf.size, total, "a photo is in two splits");
    assert.deepEqual([...splitOf.keys()].sort(), entries.map((e) => e.name).sort());
    assert.ok(Math.abs(split.test.length - 0.15 * total) <= 5 && Math.abs(split.validation.length - 0.15 * total) <= 5);
  });

  it("keeps byte-identical photos (checked here by sha256) in one split, the issue's four pairs among them", () => {
    const byHash = new Map<string, string[]>();
    for (const entry of entries) {
      const hash = sha256Hex(readFileSync(entry.imagePath));
      byHash.set(hash, [...(byHash.get(hash) ?? []), entry.name]);
    }
    const identical = [...byHash.values()].filter((group) => group.length > 1);
    for (const [a, b] of [[410, 428], [653, 775], [13, 737], [656, 690]]) {
      assert.ok(identical.some((g) => g.includes(`maksssksksss${a}.jpg`) && g.includes(`maksssksksss${b}.jpg`)), `${a}/${b} not identical`);
    }
    for (const group of identical) assert.equal(new Set(group.map((n) => splitOf.get(n))).size, 1, `${group} split apart`);
    assert.deepEqual(
      identical.map((g) => [...g].sort()).sort(),
      split.identical.map((g) => [...g].sort()).sort(),
    );
  });

  it("keeps each near-duplicate group in one split", () => {
    for (const group of split.nearDuplicates) assert.equal(new Set(group.map((n) => splitOf.get(n))).size, 1, `${group} split apart`);
  });

  it("is what `npm run split` computes (deterministic)", () => {
    assert.deepEqual(makeSplit(SHARED_DATA_DIR), JSON.parse(JSON.stringify(split)));
  });
});

describe("models/data/split", () => {
  it("links identical files and similar hashes transitively, and deals whole groups to splits", () => {
    const hash = (bits: number[]): Uint8Array => Uint8Array.from(bits);
    const groups = linkedGroups(
      ["a", "b", "c", "d", "e"],
      ["h1", "h1", "h2", "h3", "h4"],
      [hash([0, 0, 0, 0]), hash([1, 1, 1, 1]), hash([1, 1, 1, 0]), hash([1, 1, 0, 0]), hash([0, 1, 0, 1])],
      1,
    );
    assert.deepEqual(groups.map((g) => g.join("")).sort(), ["abcd", "e"]);
    const dealt = assignSplits([["a", "b"], ["c"], ["d", "e", "f"]], "salt");
    assert.deepEqual([...dealt.train, ...dealt.validation, ...dealt.test].sort(), ["a", "b", "c", "d", "e", "f"]);
    for (const part of Object.values(dealt)) assert.ok(!(part.includes("d") && !part.includes("f")));
  });
});

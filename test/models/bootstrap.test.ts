import { strict as assert } from "node:assert";
import { FaceF1Bootstrap, bootstrapReport } from "../../models/eval/bootstrap.js";
import type { PhotoResult } from "../../models/eval/protocol.js";

/** A photo with `tp` faces found, `fp` false detections and `fn` faces missed (all "mask"). */
const photo = (tp: number, fp: number, fn: number): PhotoResult => ({
  matches: Array.from({ length: tp }, () => ({ predicted: "mask", truth: "mask" })),
  falsePositives: Array.from({ length: fp }, () => "mask"),
  missed: Array.from({ length: fn }, () => "mask"),
  ignoredDetections: 0,
  ignoredFaces: 0,
  foundWidths: [],
  missedWidths: [],
});

/** Photos whose F1 differs: some perfect, some poor, so resamples disagree. */
const mixed = (n: number): PhotoResult[] => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? photo(1, 2, 2) : photo(3, 0, 0)));

describe("models/eval/bootstrap", () => {
  it("brackets the F1 on all photos with an interval that is reproducible with its seed", () => {
    const results = { a: mixed(30) };
    const first = new FaceF1Bootstrap(results, { resamples: 500, seed: 7 }).f1("a");
    const again = new FaceF1Bootstrap(results, { resamples: 500, seed: 7 }).f1("a");
    // 20 photos with 3/0/0, 10 with 1/2/2: tp 70, fp 20, fn 20.
    assert.equal(first.value, 140 / 180);
    assert.ok(first.low < first.value && first.value < first.high, JSON.stringify(first));
    assert.ok(first.high - first.low > 0.02, "photos that differ give a real spread");
    assert.deepEqual(again, first);
  });

  it("narrows as the photos grow in number", () => {
    const width = (n: number): number => {
      const f = new FaceF1Bootstrap({ a: mixed(n) }, { resamples: 1000 }).f1("a");
      return f.high - f.low;
    };
    assert.ok(width(300) < width(30) / 2, `${width(300)} vs ${width(30)}`);
  });

  it("pairs the resamples: a detector against itself differs by exactly zero", () => {
    const results = mixed(40);
    const c = new FaceF1Bootstrap({ a: results, b: results }, { resamples: 300 }).compare("a", "b");
    assert.deepEqual(c.difference, { value: 0, low: 0, high: 0 });
    assert.equal(c.shareAhead, 0);
  });

  it("puts a detector that finds more on every photo ahead in every resample", () => {
    const weaker = mixed(40);
    const stronger = weaker.map((r) => photo(r.matches.length + r.missed.length, 0, 0));
    const c = new FaceF1Bootstrap({ stronger, weaker }, { resamples: 300 }).compare("stronger", "weaker");
    assert.equal(c.shareAhead, 1);
    assert.ok(c.difference.low > 0 && c.difference.value > 0, JSON.stringify(c));
  });

  it("writes each detector's interval and the first against the others", () => {
    const b = new FaceF1Bootstrap({ ours: mixed(20), theirs: mixed(21).slice(1) }, { resamples: 100 });
    const text = bootstrapReport(b, ["ours", "theirs"]);
    assert.match(text, /100 resamples/);
    assert.match(text, /^ {2}ours: \d+\.\d% \[\d+\.\d, \d+\.\d\]$/m);
    assert.match(text, /^ {2}ours - theirs: [+-]\d+\.\d points \[[+-]\d+\.\d, [+-]\d+\.\d\], ahead in \d+% of resamples$/m);
  });

  it("refuses detectors scored on different photos, unknown names and empty splits", () => {
    assert.throws(() => new FaceF1Bootstrap({ a: mixed(3), b: mixed(4) }), /b has 4 photos, a has 3/);
    assert.throws(() => new FaceF1Bootstrap({ a: [] }), /no photos/);
    assert.throws(() => new FaceF1Bootstrap({ a: mixed(3) }).f1("b"), /no detector named b/);
    assert.throws(() => new FaceF1Bootstrap({ a: mixed(3) }, { resamples: 0 }), /resamples/);
  });
});

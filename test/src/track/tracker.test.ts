import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { FaceClass } from "../../../src/detect/detection.js";
import { Tracker, type TrackedFace } from "../../../src/track/tracker.js";

/** A synthetic person: where they are at each frame they are in view. */
interface Person {
  readonly from: number;
  readonly to: number;
  readonly at: (frame: number) => [number, number];
  readonly cls: FaceClass | ((frame: number) => FaceClass);
  /** Frames where the detector misses them. */
  readonly missed?: (frame: number) => boolean;
}

function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 2 ** 32;
  };
}

interface Outcome {
  masked: number;
  unmasked: number;
  /** Frame at which each passage was counted. */
  at: number[];
}

/** Runs people through a tracker frame by frame; `merge` may fuse faces closer than it (a detector seeing one face). */
function run(people: readonly Person[], options: { frames: number; jitter?: number; seed?: number; merge?: number; extra?: (frame: number) => TrackedFace[] }): Outcome {
  const outcome: Outcome = { masked: 0, unmasked: 0, at: [] };
  let frame = 0;
  const tracker = new Tracker({
    gate: 32,
    onPassage: (cls) => {
      if (cls === "mask") outcome.masked++;
      else outcome.unmasked++;
      outcome.at.push(frame);
    },
  });
  const random = prng(options.seed ?? 1);
  const jitter = options.jitter ?? 0;
  for (frame = 0; frame < options.frames; frame++) {
    let faces: TrackedFace[] = [];
    for (const person of people) {
      if (frame < person.from || frame >= person.to || person.missed?.(frame)) continue;
      const [x, y] = person.at(frame);
      const cls = typeof person.cls === "function" ? person.cls(frame) : person.cls;
      faces.push({ x: x + (random() * 2 - 1) * jitter, y: y + (random() * 2 - 1) * jitter, cls });
    }
    if (options.merge !== undefined) faces = mergeClose(faces, options.merge);
    faces.push(...(options.extra?.(frame) ?? []));
    tracker.update(faces);
  }
  tracker.endAll();
  return outcome;
}

function mergeClose(faces: TrackedFace[], radius: number): TrackedFace[] {
  const out: TrackedFace[] = [];
  for (const face of faces) {
    const near = out.findIndex((o) => Math.hypot(o.x - face.x, o.y - face.y) < radius);
    if (near < 0) out.push(face);
    else out[near] = { x: (out[near].x + face.x) / 2, y: (out[near].y + face.y) / 2, cls: out[near].cls };
  }
  return out;
}

const total = (o: Outcome): number => o.masked + o.unmasked;

describe("tracker", () => {
  it("counts a person standing in view for many frames once", () => {
    const outcome = run([{ from: 0, to: 600, at: () => [150, 100], cls: "mask" }], { frames: 600, jitter: 4 });
    assert.deepEqual([outcome.masked, outcome.unmasked], [1, 0]);
  });

  it("counts a person crossing the view once", () => {
    const outcome = run([{ from: 5, to: 45, at: (f) => [10 + (f - 5) * 8, 120], cls: "no_mask" }], { frames: 80, jitter: 2 });
    assert.deepEqual([outcome.masked, outcome.unmasked], [0, 1]);
  });

  it("counts a passage when the track ends: after more than 10 unseen frames", () => {
    const outcome = run([{ from: 0, to: 30, at: () => [50, 50], cls: "mask" }], { frames: 100 });
    assert.deepEqual(outcome.at, [30 + 10]);
  });

  it("keeps a passage through short gaps (missed detections, occlusion)", () => {
    const outcome = run([{ from: 0, to: 200, at: (f) => [20 + f, 80], cls: "mask", missed: (f) => (f >= 50 && f < 58) || f % 7 === 0 }], { frames: 220, jitter: 2 });
    assert.equal(total(outcome), 1);
  });

  it("counts someone who leaves and comes back again", () => {
    const outcome = run([
      { from: 0, to: 50, at: () => [100, 100], cls: "mask" },
      { from: 80, to: 130, at: () => [104, 98], cls: "mask" },
    ], { frames: 150, jitter: 2 });
    assert.equal(total(outcome), 2);
  });

  it("does not merge or swap two people crossing each other", () => {
    const people: Person[] = [
      { from: 0, to: 60, at: (f) => [20 + f * 5, 100], cls: "mask" },
      { from: 0, to: 60, at: (f) => [320 - f * 5, 104], cls: "no_mask" },
    ];
    const outcome = run(people, { frames: 80, jitter: 1.5, merge: 14 });
    assert.deepEqual([outcome.masked, outcome.unmasked], [1, 1]);
  });

  it("keeps two people crossing diagonally apart, their classes too", () => {
    const people: Person[] = [
      { from: 0, to: 50, at: (f) => [50 + f * 4, 50 + f * 3], cls: "no_mask" },
      { from: 0, to: 50, at: (f) => [250 - f * 4, 50 + f * 3], cls: "mask" },
    ];
    for (let seed = 1; seed <= 20; seed++) {
      const outcome = run(people, { frames: 70, jitter: 2, seed, merge: 10 });
      assert.deepEqual([outcome.masked, outcome.unmasked], [1, 1], `seed ${seed}`);
    }
  });

  it("counts people walking side by side in lanes", () => {
    const people: Person[] = [0, 1, 2, 3, 4].map((lane) => ({ from: lane * 3, to: 60 + lane * 3, at: (f: number): [number, number] => [10 + (f - lane * 3) * 5, 40 + lane * 36], cls: lane % 2 === 0 ? "mask" : "no_mask" }));
    const outcome = run(people, { frames: 100, jitter: 2 });
    assert.deepEqual([outcome.masked, outcome.unmasked], [3, 2]);
  });

  it("ignores flickering false detections", () => {
    const random = prng(99);
    const outcome = run([], { frames: 500, extra: (f) => (f % 3 === 0 ? [{ x: random() * 300, y: random() * 200, cls: "mask" }] : []) });
    assert.equal(total(outcome), 0);
  });

  it("decides the class by the majority of the passage's frames, a tie counting as no_mask", () => {
    const mostlyMasked = run([{ from: 0, to: 10, at: () => [10, 10], cls: (f) => (f < 7 ? "mask" : "no_mask") }], { frames: 30 });
    assert.deepEqual([mostlyMasked.masked, mostlyMasked.unmasked], [1, 0]);
    const tie = run([{ from: 0, to: 10, at: () => [10, 10], cls: (f) => (f % 2 === 0 ? "mask" : "no_mask") }], { frames: 30 });
    assert.deepEqual([tie.masked, tie.unmasked], [0, 1]);
  });

  it("ends every live track on endAll, counting only confirmed ones", () => {
    const counted: FaceClass[] = [];
    const tracker = new Tracker({ gate: 32, onPassage: (cls) => counted.push(cls) });
    tracker.update([{ x: 10, y: 10, cls: "mask" }, { x: 200, y: 10, cls: "no_mask" }]);
    tracker.update([{ x: 10, y: 10, cls: "mask" }]);
    tracker.update([{ x: 10, y: 10, cls: "mask" }, { x: 200, y: 10, cls: "no_mask" }]);
    assert.equal(tracker.activeCount, 2);
    tracker.endAll();
    assert.deepEqual(counted, ["mask"]);
    assert.equal(tracker.activeCount, 0);
  });

  it("bounds the number of live tracks", () => {
    const tracker = new Tracker({ gate: 5, maxTracks: 8, onPassage: () => undefined });
    tracker.update(Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 0, cls: "mask" as const })));
    assert.equal(tracker.activeCount, 8);
  });

  it("still matches faces to tracks when tracks end at the first miss (maxMisses 0)", () => {
    let passages = 0;
    const tracker = new Tracker({ gate: 5, maxMisses: 0, onPassage: () => passages++ });
    for (let frame = 0; frame < 10; frame++) tracker.update([{ x: 10 + frame, y: 10, cls: "mask" }]);
    assert.equal(tracker.activeCount, 1);
    tracker.update([]);
    assert.equal(passages, 1);
  });

  it("refuses a non-positive gate", () => {
    assert.throws(() => new Tracker({ gate: 0, onPassage: () => undefined }), RangeError);
  });

  it("counts each person once over random lanes, arrivals, gaps and jitter", () => {
    const personArb = fc.record({
      from: fc.integer({ min: 0, max: 300 }),
      length: fc.integer({ min: 4, max: 200 }),
      x0: fc.integer({ min: 0, max: 300 }),
      speed: fc.double({ min: -6, max: 6, noNaN: true }),
      masked: fc.boolean(),
      gapStart: fc.integer({ min: 0, max: 200 }),
      gapLength: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(fc.array(personArb, { minLength: 0, maxLength: 6 }), fc.integer({ min: 1, max: 1000 }), (specs, seed) => {
        // Each person in their own lane, lanes 100 px apart: more than 3 gates.
        const people: Person[] = specs.map((s, lane) => ({
          from: s.from,
          to: s.from + s.length,
          at: (f: number): [number, number] => [s.x0 + (f - s.from) * s.speed, 50 + lane * 100],
          cls: s.masked ? "mask" : "no_mask",
          // First and last frames always seen; one gap of at most 10 frames.
          missed: (f: number) => f > s.from + 2 && f >= s.from + s.gapStart && f < s.from + s.gapStart + s.gapLength && f < s.from + s.length - 1,
        }));
        const outcome = run(people, { frames: 600, jitter: 3, seed });
        const masked = specs.filter((s) => s.masked).length;
        assert.deepEqual([outcome.masked, outcome.unmasked], [masked, specs.length - masked]);
      }),
      { numRuns: 300, examples: [[[{"from":0,"length":4,"x0":0,"speed":0,"masked":false,"gapStart":0,"gapLength":0},{"from":0,"length":44,"x0":0,"speed":0,"masked":false,"gapStart":31,"gapLength":10}],595], [[{"from":0,"length":79,"x0":0,"speed":0,"masked":false,"gapStart":0,"gapLength":0},{"from":76,"length":17,"x0":0,"speed":0,"masked":false,"gapStart":5,"gapLength":9}],140], [[{"from":0,"length":5,"x0":0,"speed":0,"masked":false,"gapStart":0,"gapLength":0},{"from":0,"length":41,"x0":0,"speed":0,"masked":false,"gapStart":0,"gapLength":0},{"from":75,"length":71,"x0":0,"speed":0,"masked":false,"gapStart":58,"gapLength":10},{"from":71,"length":72,"x0":0,"speed":0,"masked":false,"gapStart":0,"gapLength":0}],6]] },
    );
  });
});

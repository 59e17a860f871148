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

/** The frame interval these scenes are written for (5 fps), and the speed that makes the gate 32 px there. */
const FRAME_MS = 200;
const SPEED = 160;

/**
 * Runs people through a tracker frame by frame, at FRAME_MS per frame unless
 * `timeAt` says when each frame is seen; `merge` may fuse faces closer than it
 * (a detector seeing one face).
 */
function run(people: readonly Person[], options: { frames: number; jitter?: number; seed?: number; merge?: number; extra?: (frame: number) => TrackedFace[]; timeAt?: (frame: number) => number }): Outcome {
  const outcome: Outcome = { masked: 0, unmasked: 0, at: [] };
  let frame = 0;
  const timeAt = options.timeAt ?? ((f: number) => f * FRAME_MS);
  const tracker = new Tracker({
    speed: SPEED,
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
    tracker.update(faces, timeAt(frame));
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

  it("counts a passage when the track ends: unseen for more than 2 s (10 frames at 5 fps)", () => {
    const outcome = run([{ from: 0, to: 30, at: () => [50, 50], cls: "mask" }], { frames: 100 });
    assert.deepEqual(outcome.at, [30 + 10]);
  });

  it("keeps a passage through short gaps (missed detections, occlusion)", () => {
    const outcome = run([{ from: 0, to: 200, at: (f) => [20 + f, 80], cls: "mask", missed: (f) => (f >= 50 && f < 58) || f % 7 === 0 }], { frames: 220, jitter: 2 });
    assert.equal(total(outcome), 1);
  });

  it("counts someone who leaves and comes back again", () => {
    // Walking back in: a moving passage counts however soon it follows.
    const walkingBack = run([
      { from: 0, to: 50, at: () => [100, 100], cls: "mask" },
      { from: 65, to: 130, at: (f) => [Math.min(100, 20 + (f - 65) * 8), 100], cls: "mask" },
    ], { frames: 150, jitter: 2 });
    assert.equal(total(walkingBack), 2);
    // Seen only while standing at the same place: counts again once away for more than staticMemoryMs (10 s).
    const standingAgain = run([
      { from: 0, to: 50, at: () => [100, 100], cls: "mask" },
      { from: 104, to: 150, at: () => [104, 98], cls: "mask" },
    ], { frames: 170, jitter: 2 });
    assert.equal(total(standingAgain), 2);
  });

  it("counts someone standing who looks away for a few seconds once", () => {
    // Missed for 6 s (30 frames): the track ends after 2 s, the face comes back where it stood.
    const outcome = run([{ from: 0, to: 150, at: () => [120, 80], cls: "no_mask", missed: (f) => f >= 40 && f < 70 }], { frames: 170, jitter: 3 });
    assert.deepEqual([outcome.masked, outcome.unmasked], [0, 1]);
  });

  it("forgets where a static face stood staticMemoryMs after it was last seen", () => {
    const tracker = new Tracker({ speed: SPEED, onPassage: () => undefined });
    const face: TrackedFace[] = [{ x: 80, y: 60, cls: "mask" }];
    for (let frame = 0; frame < 15; frame++) tracker.update(face, frame * FRAME_MS);
    // Last seen at 2.8 s; the track ends after 2 s unseen and its spot is kept for 10 s from 2.8 s.
    for (let frame = 15; frame <= 26; frame++) tracker.update([], frame * FRAME_MS);
    assert.equal(tracker.staticSpotCount, 1);
    tracker.update([], 12_800);
    assert.equal(tracker.staticSpotCount, 1, "10 s after");
    tracker.update([], 13_000);
    assert.equal(tracker.staticSpotCount, 0, "more than 10 s after");
    // A walker leaves no spot.
    for (let frame = 0; frame < 15; frame++) tracker.update([{ x: 20 + frame * 8, y: 60, cls: "mask" }], 14_000 + frame * FRAME_MS);
    for (let frame = 15; frame <= 26; frame++) tracker.update([], 14_000 + frame * FRAME_MS);
    assert.equal(tracker.staticSpotCount, 0);
  });

  it("counts a false detection flickering on one spot of the background a few times at most, at 2, 5 and 10 fps", () => {
    // Seen in 5% to 50% of the frames for 20 minutes (one window), at random.
    const passages = (fps: number, rate: number, staticMemoryMs?: number): number => {
      const random = prng(fps * 100 + rate * 100);
      let counted = 0;
      const tracker = new Tracker({ speed: SPEED, staticMemoryMs, onPassage: () => counted++ });
      for (let frame = 0; frame < 20 * 60 * fps; frame++) {
        const faces: TrackedFace[] = random() < rate ? [{ x: 60 + random() * 2, y: 40 + random() * 2, cls: "mask" }] : [];
        tracker.update(faces, (frame * 1000) / fps);
      }
      tracker.endAll();
      return counted;
    };
    let worstWithout = 0;
    for (const fps of [2, 5, 10]) {
      for (const rate of [0.05, 0.1, 0.2, 0.3, 0.5]) {
        const counted = passages(fps, rate);
        assert.ok(counted <= 8, `${fps} fps, seen in ${rate * 100}% of frames: ${counted} passages`);
        worstWithout = Math.max(worstWithout, passages(fps, rate, 0));
      }
    }
    assert.ok(worstWithout >= 30, `without the spot memory the same flicker counts tens of times (worst: ${worstWithout})`);
  });

  it("counts each of a queue of people standing in turn at one place when each walks in", () => {
    // Each walks 80 px in, stands 4 s, and is gone 1 s before the next: all at the same spot.
    const people: Person[] = [0, 1, 2, 3].map((i) => {
      const from = i * 35;
      return { from, to: from + 30, at: (f: number): [number, number] => [Math.min(150, 70 + (f - from) * 8), 90], cls: "mask" };
    });
    const outcome = run(people, { frames: 200, jitter: 2 });
    assert.equal(total(outcome), 4);
  });

  it("counts two people standing in turn at one place, never seen moving, 3 s apart, once: the memory's cost", () => {
    const people: Person[] = [
      { from: 0, to: 30, at: () => [150, 90], cls: "mask" },
      { from: 45, to: 75, at: () => [152, 91], cls: "mask" },
    ];
    assert.equal(total(run(people, { frames: 100, jitter: 2 })), 1);
  });

  it("does not join two static faces side by side that flicker at the same time", () => {
    // 12 px apart (within the 16 px reach of a spot), each missed for 3 s in turn, both seen around it:
    // the second's first passage began before the first's spot was last seen, so it is not its continuation.
    const people: Person[] = [
      { from: 0, to: 120, at: () => [100, 100], cls: "mask", missed: (f) => f >= 30 && f < 45 },
      { from: 0, to: 120, at: () => [112, 100], cls: "no_mask", missed: (f) => f >= 60 && f < 75 },
    ];
    const outcome = run(people, { frames: 140, jitter: 1 });
    // Each continues its own spot: one passage per person, as without the memory.
    assert.deepEqual([outcome.masked, outcome.unmasked], [1, 1]);
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
    const tracker = new Tracker({ speed: SPEED, onPassage: (cls) => counted.push(cls) });
    tracker.update([{ x: 10, y: 10, cls: "mask" }, { x: 200, y: 10, cls: "no_mask" }], 0);
    tracker.update([{ x: 10, y: 10, cls: "mask" }], 200);
    tracker.update([{ x: 10, y: 10, cls: "mask" }, { x: 200, y: 10, cls: "no_mask" }], 400);
    assert.equal(tracker.activeCount, 2);
    tracker.endAll();
    assert.deepEqual(counted, ["mask"]);
    assert.equal(tracker.activeCount, 0);
  });

  it("bounds the number of live tracks", () => {
    const tracker = new Tracker({ speed: 25, maxTracks: 8, onPassage: () => undefined });
    tracker.update(Array.from({ length: 50 }, (_, i) => ({ x: i * 20, y: 0, cls: "mask" as const })), 0);
    assert.equal(tracker.activeCount, 8);
  });

  it("still matches faces to tracks when tracks end at the first miss (maxGapMs 0)", () => {
    let passages = 0;
    const tracker = new Tracker({ speed: 25, maxGapMs: 0, onPassage: () => passages++ });
    for (let frame = 0; frame < 10; frame++) tracker.update([{ x: 10 + frame, y: 10, cls: "mask" }], frame * FRAME_MS);
    assert.equal(tracker.activeCount, 1);
    tracker.update([], 10 * FRAME_MS);
    assert.equal(passages, 1);
  });

  it("refuses a non-positive speed and a time that is not a number", () => {
    assert.throws(() => new Tracker({ speed: 0, onPassage: () => undefined }), RangeError);
    assert.throws(() => new Tracker({ speed: SPEED, onPassage: () => undefined }).update([], Number.NaN), RangeError);
  });

  it("counts the same passages at 2, 5, 10 and 30 frames per second: its parameters are in time", () => {
    // Per second of a scene: where each person is; a person unseen for 1 s stays one passage; one standing
    // still and unseen for 11 s (longer than staticMemoryMs) becomes two.
    // Lanes 200 px apart: more than the widest gate (at 2 fps, 64 px widening to 128 while unseen).
    const people = (fps: number): Person[] => {
      const f = (seconds: number): number => Math.round(seconds * fps);
      return [
        { from: f(0), to: f(6), at: (frame) => [20 + (frame / fps) * 40, 50], cls: "mask", missed: (frame) => frame >= f(2) && frame < f(3) },
        { from: f(1), to: f(20), at: () => [250, 250], cls: "no_mask", missed: (frame) => frame >= f(4) && frame < f(15) },
        { from: f(6), to: f(8), at: (frame) => [300 - ((frame - f(6)) / fps) * 100, 450], cls: "mask" },
      ];
    };
    for (const fps of [2, 5, 10, 30]) {
      const outcome = run(people(fps), { frames: 25 * fps, jitter: 2, timeAt: (frame) => (frame * 1000) / fps });
      assert.deepEqual([outcome.masked, outcome.unmasked], [2, 2], `${fps} fps`);
      // Counted once unseen for more than 2 s: within a frame of 2 s after each passage's last frame.
      const seconds = outcome.at.map((frame) => frame / fps);
      [6, 8, 10, 22].forEach((expected, i) => assert.ok(Math.abs(seconds[i] - expected) <= 1 / fps + 1e-9, `${fps} fps: passage ${i} counted at ${seconds[i]} s, expected about ${expected} s`));
    }
  });

  it("lets a tentative track miss one frame at 2 fps as at 5 fps, not two", () => {
    for (const fps of [2, 5]) {
      const timeAt = (frame: number): number => (frame * 1000) / fps;
      const oneMissed = run([{ from: 0, to: 4, at: () => [100, 100], cls: "mask", missed: (f) => f === 1 }], { frames: 8 * fps, timeAt });
      assert.equal(total(oneMissed), 1, `${fps} fps: seen, missed, seen, seen`);
      const twoMissed = run([{ from: 0, to: 5, at: () => [100, 100], cls: "mask", missed: (f) => f === 1 || f === 2 }], { frames: 8 * fps, timeAt });
      assert.equal(total(twoMissed), 0, `${fps} fps: seen, missed twice, seen, seen`);
    }
  });

  it("does not confirm a flicker faster than confirmMs, however high the frame rate", () => {
    // A false detection seen in 4 consecutive frames at 30 fps (133 ms), then gone.
    const outcome = run([{ from: 10, to: 14, at: () => [100, 100], cls: "mask" }], { frames: 60, timeAt: (frame) => (frame * 1000) / 30 });
    assert.equal(total(outcome), 0);
  });

  it("keeps its tracks when the clock is set back (time then stands still for a frame)", () => {
    let passages = 0;
    const tracker = new Tracker({ speed: SPEED, onPassage: () => passages++ });
    const face: TrackedFace[] = [{ x: 50, y: 50, cls: "mask" }];
    for (let frame = 0; frame < 5; frame++) tracker.update(face, 10_000_000 + frame * FRAME_MS);
    for (let frame = 0; frame < 5; frame++) tracker.update(face, 1_000 + frame * FRAME_MS);
    assert.equal(tracker.activeCount, 1, "one track through the step");
    for (let frame = 5; frame < 16; frame++) tracker.update([], 1_000 + frame * FRAME_MS);
    assert.equal(passages, 1);
    assert.equal(tracker.activeCount, 0);
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

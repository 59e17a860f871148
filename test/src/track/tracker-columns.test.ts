/**
 * The tracker's frame-loop path (faces as columns, Track objects reused once
 * their passage ended) against its object path and against fresh trackers:
 * the same passages, in the same order, at the same frames.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { FaceClass } from "../../../src/detect/detection.js";
import { DetectionList } from "../../../src/detect/detection-list.js";
import { Tracker, type TrackedFace } from "../../../src/track/tracker.js";

type Scene = TrackedFace[][];

/** People walking in straight lines with pauses in view, some frames missed: a scene of frames of faces. */
const scene: fc.Arbitrary<Scene> = fc
  .array(
    fc.record({
      from: fc.integer({ min: 0, max: 80 }),
      length: fc.integer({ min: 1, max: 40 }),
      x: fc.integer({ min: 0, max: 320 }),
      y: fc.integer({ min: 0, max: 240 }),
      vx: fc.integer({ min: -6, max: 6 }),
      vy: fc.integer({ min: -4, max: 4 }),
      cls: fc.constantFrom<FaceClass>("mask", "no_mask"),
      missEvery: fc.integer({ min: 0, max: 7 }),
    }),
    { maxLength: 12 },
  )
  .map((people) => {
    const frames: Scene = [];
    for (let frame = 0; frame < 130; frame++) {
      const faces: TrackedFace[] = [];
      for (const p of people) {
        const t = frame - p.from;
        if (t < 0 || t >= p.length || (p.missEvery > 0 && t % p.missEvery === p.missEvery - 1)) continue;
        faces.push({ x: p.x + p.vx * t, y: p.y + p.vy * t, cls: p.cls });
      }
      frames.push(faces);
    }
    return frames;
  });

/** 5 frames per second. */
const FRAME_MS = 200;

type Feed = (tracker: Tracker, faces: TrackedFace[], now: number) => void;

/** Passages as "frame:class", with the tracker's live count after each frame. */
function play(frames: Scene, feed: Feed, tracker?: Tracker): { passages: string[]; live: number[] } {
  const passages: string[] = [];
  let frame = 0;
  const onPassage = (cls: FaceClass): void => {
    passages.push(`${frame}:${cls}`);
  };
  const used = tracker ?? new Tracker({ speed: 120, onPassage });
  const live: number[] = [];
  for (frame = 0; frame < frames.length; frame++) {
    feed(used, frames[frame], frame * FRAME_MS);
    live.push(used.activeCount);
  }
  frame = frames.length;
  used.endAll();
  return { passages, live };
}

function columns(): Feed {
  const list = new DetectionList();
  return (tracker, faces, now) => {
    list.clear();
    for (const face of faces) list.add(face.x, face.y, face.cls === "mask", 1, false, 0);
    tracker.updateFrom(list, now);
  };
}

const objects: Feed = (tracker, faces, now) => tracker.update(faces, now);

describe("tracker on columns, with reused tracks", () => {
  it("counts as the object path does", () => {
    fc.assert(
      fc.property(scene, (frames) => {
        assert.deepEqual(play(frames, columns()), play(frames, objects));
      }),
      { numRuns: 150 },
    );
  });

  it("counts a scene the same on a tracker whose tracks were used before as on a fresh one", () => {
    fc.assert(
      fc.property(scene, scene, (first, second) => {
        let sink: string[] = [];
        let frame = 0;
        const reused = new Tracker({ speed: 120, onPassage: (cls) => sink.push(`${frame}:${cls}`) });
        for (frame = 0; frame < first.length; frame++) reused.update(first[frame], frame * FRAME_MS);
        reused.endAll();
        sink = [];
        // The second scene goes on in time after the first (as the clock does).
        const start = first.length * FRAME_MS;
        for (frame = 0; frame < second.length; frame++) reused.update(second[frame], start + frame * FRAME_MS);
        frame = second.length;
        reused.endAll();
        assert.deepEqual(sink, play(second, objects).passages);
      }),
      { numRuns: 100 },
    );
  });

  it("never holds more than maxTracks, and reuses ended tracks for new faces", () => {
    let counted = 0;
    const tracker = new Tracker({ speed: 25, maxTracks: 3, confirmHits: 1, confirmMs: 0, maxGapMs: 200, onPassage: () => counted++ });
    let now = 0;
    const update = (faces: TrackedFace[]): void => tracker.update(faces, (now += FRAME_MS));
    const row = (y: number): TrackedFace[] => [0, 1, 2, 3, 4].map((i) => ({ x: i * 50, y, cls: "mask" }));
    for (let round = 0; round < 5; round++) {
      update(row(round * 100));
      assert.equal(tracker.activeCount, 3);
      update(row(round * 100));
      assert.equal(counted, 3 * round);
      update([]);
      update([]);
      assert.equal(tracker.activeCount, 0);
    }
    tracker.endAll();
    assert.equal(counted, 15, "three passages a round");
  });
});

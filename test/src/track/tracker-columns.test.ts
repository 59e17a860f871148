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

/** Passages as "frame:class", with the tracker's live count after each frame. */
function play(frames: Scene, feed: (tracker: Tracker, faces: TrackedFace[]) => void, tracker?: Tracker): { passages: string[]; live: number[] } {
  const passages: string[] = [];
  let frame = 0;
  const onPassage = (cls: FaceClass): void => {
    passages.push(`${frame}:${cls}`);
  };
  const used = tracker ?? new Tracker({ gate: 24, onPassage });
  const live: number[] = [];
  for (frame = 0; frame < frames.length; frame++) {
    feed(used, frames[frame]);
    live.push(used.activeCount);
  }
  frame = frames.length;
  used.endAll();
  return { passages, live };
}

function columns(): (tracker: Tracker, faces: TrackedFace[]) => void {
  const list = new DetectionList();
  return (tracker, faces) => {
    list.clear();
    for (const face of faces) list.add(face.x, face.y, face.cls === "mask", 1, false, 0);
    tracker.updateFrom(list);
  };
}

describe("tracker on columns, with reused tracks", () => {
  it("counts as the object path does", () => {
    fc.assert(
      fc.property(scene, (frames) => {
        assert.deepEqual(play(frames, columns()), play(frames, (tracker, faces) => tracker.update(faces)));
      }),
      { numRuns: 150 },
    );
  });

  it("counts a scene the same on a tracker whose tracks were used before as on a fresh one", () => {
    fc.assert(
      fc.property(scene, scene, (first, second) => {
        let sink: string[] = [];
        let frame = 0;
        const reused = new Tracker({ gate: 24, onPassage: (cls) => sink.push(`${frame}:${cls}`) });
        for (frame = 0; frame < first.length; frame++) reused.update(first[frame]);
        reused.endAll();
        sink = [];
        for (frame = 0; frame < second.length; frame++) reused.update(second[frame]);
        frame = second.length;
        reused.endAll();
        assert.deepEqual(sink, play(second, (tracker, faces) => tracker.update(faces)).passages);
      }),
      { numRuns: 100 },
    );
  });

  it("never holds more than maxTracks, and reuses ended tracks for new faces", () => {
    let counted = 0;
    const tracker = new Tracker({ gate: 5, maxTracks: 3, confirmHits: 1, maxMisses: 1, onPassage: () => counted++ });
    const row = (y: number): TrackedFace[] => [0, 1, 2, 3, 4].map((i) => ({ x: i * 50, y, cls: "mask" }));
    for (let round = 0; round < 5; round++) {
      tracker.update(row(round * 100));
      assert.equal(tracker.activeCount, 3);
      tracker.update(row(round * 100));
      assert.equal(counted, 3 * round);
      tracker.update([]);
      tracker.update([]);
      assert.equal(tracker.activeCount, 0);
    }
    tracker.endAll();
    assert.equal(counted, 15, "three passages a round");
  });
});

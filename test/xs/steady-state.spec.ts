/**
 * "The steady state allocates nothing per frame", inside XS: the engine's own
 * counters (slots and chunk bytes handed out, garbage included; see
 * hosts/xs/README.md) read around each frame. People walk in and out of view,
 * so tracks start, are confirmed, end and count, frame after frame: once the
 * warm-up has grown every reused buffer to what the scene needs, a frame must
 * not allocate. Runs inside XS only (npm run test:xs).
 */
import { strict as assert } from "node:assert";
import { NativeTileKernel } from "../../hosts/moddable/native-tile-kernel.js";
import { Ephemera } from "../../src/app/ephemera.js";
import { FaceDetector } from "../../src/detect/face-detector.js";
import { MASK } from "../../src/detect/detection.js";
import type { GrayFrame } from "../../src/interfaces/index.js";
import { Tracker } from "../../src/track/tracker.js";
import { MapStore, offlineHttps, quietLog, ScriptedGridModel, StepClock, textured } from "./core-doubles.js";
import { xsHost } from "./xs-host.js";

/** Frames in one round of the scene: people in view for the first IN_VIEW, then nobody. */
const ROUND = 40;
const IN_VIEW = 24;
const WARMUP_ROUNDS = 2;
const MEASURED_ROUNDS = 3;
/** 5 frames per second: the empty part of a round (3.2 s) outlasts the tracker's 2 s gap, so tracks end and count. */
const FRAME_MS = 200;

/**
 * A model scripted by frame: in each round two faces walk across the tile
 * (one masked, one not) for IN_VIEW frames, then the view is empty long
 * enough for their tracks to end and count.
 */
class WalkingModel extends ScriptedGridModel {
  readonly id = "walking-stand-in@0";
  /** The frame being processed: set by the test before each frame. */
  frame = 0;

  protected script(): void {
    const step = this.frame % ROUND;
    if (step < IN_VIEW) {
      const walked = step >> 2; // one cell every 4 frames
      this.face(1 + walked, 3, 1);
      this.face(8, 2 + walked, 2);
    }
  }
}

/** Per measured frame: slots and chunk bytes allocated, and what the frame did. */
class FrameLog {
  readonly slots: Float64Array;
  readonly chunkBytes: Float64Array;
  readonly faces: Float64Array;
  readonly counted: Float64Array;
  readonly tracks: Float64Array;

  constructor(frames: number) {
    this.slots = new Float64Array(frames);
    this.chunkBytes = new Float64Array(frames);
    this.faces = new Float64Array(frames);
    this.counted = new Float64Array(frames);
    this.tracks = new Float64Array(frames);
  }

  /** Frames (indices) that allocated, as text for the failure message. */
  allocating(include: (frame: number) => boolean): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      if (include(i) && (this.slots[i] !== 0 || this.chunkBytes[i] !== 0)) out.push(`frame ${i}: ${this.slots[i]} slots, ${this.chunkBytes[i]} chunk bytes`);
    }
    return out;
  }
}

describe("steady state inside XS (no allocation per frame)", () => {
  it("Ephemera.processFrame allocates nothing while people come and go", () => {
    const host = xsHost();
    const model = new WalkingModel();
    const clock = new StepClock();
    const core = new Ephemera({
      config: { deviceId: "steady-01", site: "Steady", collectorUrl: "https://collector.invalid", deviceToken: "0123456789abcdef0123" },
      model, clock, store: new MapStore(), https: offlineHttps, log: quietLog, firmwareVersion: "0.0.0-test", random: () => 0.5, kernel: new NativeTileKernel(),
    });
    const width = 320;
    const height = 240;
    const pixels = new Uint8Array(width * height);
    const frame: GrayFrame = { width, height, pixels };
    let index = 0;
    for (; index < WARMUP_ROUNDS * ROUND; index++) {
      textured(pixels, index);
      model.frame = index;
      clock.advance(FRAME_MS);
      core.processFrame(frame);
    }
    const frames = MEASURED_ROUNDS * ROUND;
    const log = new FrameLog(frames);
    let counted = core.stats().peopleCounted;
    for (let i = 0; i < frames; i++, index++) {
      textured(pixels, index);
      model.frame = index;
      clock.advance(FRAME_MS);
      host.gc();
      const slots = host.slots();
      const chunks = host.chunks();
      const result = core.processFrame(frame);
      log.slots[i] = host.slots() - slots;
      log.chunkBytes[i] = host.chunks() - chunks;
      log.faces[i] = result.faces;
      log.tracks[i] = result.activeTracks;
      log.counted[i] = result.peopleCounted - counted;
      counted = result.peopleCounted;
    }
    core.close();

    // The scene did what it should: faces, tracks started from none, people counted.
    let withFaces = 0;
    let starts = 0;
    let passages = 0;
    for (let i = 0; i < frames; i++) {
      if (log.faces[i] > 0) withFaces++;
      if (i > 0 && log.tracks[i - 1] === 0 && log.tracks[i] > 0) starts++;
      passages += log.counted[i];
    }
    assert.ok(withFaces >= MEASURED_ROUNDS * IN_VIEW, `frames with faces: ${withFaces}`);
    assert.ok(starts >= MEASURED_ROUNDS - 1, `rounds whose tracks started while measured: ${starts}`);
    assert.ok(passages >= 2 * MEASURED_ROUNDS, `people counted while measured: ${passages}`);
    // Frames that count people allocate nothing either. The measured 12 s hold no
    // durable write of the window counters (at most one per 2 minutes: it encodes
    // a string), only the counting itself.
    assert.ok(log.counted.some((n) => n > 0), "frames that counted people were measured");
    assert.deepEqual(log.allocating(() => true), []);
  });

  it("the detector and the tracker allocate nothing, on frames that end tracks too", () => {
    const host = xsHost();
    const model = new WalkingModel();
    const detector = new FaceDetector({ model, scaledShortSide: 192, maxTiles: 5, kernel: new NativeTileKernel() });
    // Passages by class (mask, no_mask); MASK, not a literal: see detection.ts.
    const counts = new Float64Array(2);
    const tracker = new Tracker({ speed: 160, onPassage: (cls) => {
      counts[cls === MASK ? 0 : 1]++;
    } });
    const pixels = new Uint8Array(320 * 240);
    const frame: GrayFrame = { width: 320, height: 240, pixels };
    const run = (index: number): void => {
      textured(pixels, index);
      model.frame = index;
      tracker.updateFrom(detector.detectList(frame), index * FRAME_MS);
    };
    let index = 0;
    for (; index < WARMUP_ROUNDS * ROUND; index++) run(index);
    const frames = MEASURED_ROUNDS * ROUND;
    const log = new FrameLog(frames);
    const before = counts[0] + counts[1];
    for (let i = 0; i < frames; i++, index++) {
      host.gc();
      const slots = host.slots();
      const chunks = host.chunks();
      run(index);
      log.slots[i] = host.slots() - slots;
      log.chunkBytes[i] = host.chunks() - chunks;
    }
    assert.ok(counts[0] + counts[1] - before >= 2 * MEASURED_ROUNDS, "tracks ended and counted while measured");
    assert.ok(counts[0] > 0 && counts[1] > 0, "both classes counted");
    assert.deepEqual(log.allocating(() => true), []);
  });
});

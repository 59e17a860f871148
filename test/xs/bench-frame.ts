/**
 * Per-frame JS cost of the portable core inside XS, for test/bench/xs.ts:
 * `ephemera-xs build/test/xs/bench-frame.js <kernel> <width> <height> <frames>`
 * prints one JSON line. Measured around Ephemera.processFrame only: the frame
 * is refilled and the heap collected before each measured frame, outside the
 * measurement. The model is a stand-in with fixed outputs (two faces per tile
 * that drift across frames) whose own cost is measured apart and reported.
 *
 * - computrons: XS's meter (bytecodes and host calls), per frame
 * - slots / chunk bytes allocated per frame: counted by the engine between two
 *   reads with no collection in between (see hosts/xs/README.md)
 * - retained after N frames: live slots and chunk bytes, collected, after
 *   minus before: what the steady state keeps
 */
import { Ephemera } from "../../src/app/ephemera.js";
import type { GrayFrame } from "../../src/interfaces/index.js";
import type { TileKernel } from "../../src/frame/tile-kernel.js";
import { PortableTileKernel } from "../../src/frame/tile-kernel.js";
import { FaceDetector } from "../../src/detect/face-detector.js";
import { NativeTileKernel } from "../../hosts/moddable/native-tile-kernel.js";
import { MapStore, offlineHttps, quietLog, ScriptedGridModel, StepClock, textured } from "./core-doubles.js";
import { print, xsHost } from "./xs-host.js";

/** Two faces per tile, moved one cell every 8 calls. */
class StandInModel extends ScriptedGridModel {
  readonly id = "bench-stand-in@0";
  #calls = 0;

  protected script(): void {
    const shift = (this.#calls >> 3) % 4;
    this.face(2 + shift, 3, 1);
    this.face(8, 6 + shift, 2);
    this.#calls++;
  }
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(sorted.length / 2)];
}

function max(values: Float64Array): number {
  return values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
}

function main(): void {
  const host = xsHost();
  const [kernelName = "native", widthText = "320", heightText = "240", framesText = "200"] = host.args;
  const width = Number(widthText);
  const height = Number(heightText);
  const frames = Number(framesText);
  const kernel: TileKernel = kernelName === "native" ? new NativeTileKernel() : new PortableTileKernel();
  const clock = new StepClock();
  const model = new StandInModel();
  const core = new Ephemera({
    config: { deviceId: "bench-01", site: "Bench", collectorUrl: "https://collector.invalid", deviceToken: "0123456789abcdef0123" },
    model, clock, store: new MapStore(), https: offlineHttps, log: quietLog, firmwareVersion: "0.0.0-bench", random: () => 0.5, kernel,
  });
  const pixels = new Uint8Array(width * height);
  const frame: GrayFrame = { width, height, pixels };

  const warmup = 50;
  for (let i = 0; i < warmup; i++) {
    textured(pixels, i);
    clock.advance(100);
    core.processFrame(frame);
  }

  const computrons = new Float64Array(frames);
  const slots = new Float64Array(frames);
  const chunks = new Float64Array(frames);
  host.gc();
  const liveSlotsBefore = host.slots();
  const liveChunksBefore = host.chunks();
  let tiles = 0;
  for (let i = 0; i < frames; i++) {
    textured(pixels, warmup + i);
    clock.advance(100);
    host.gc();
    const slots0 = host.slots();
    const chunks0 = host.chunks();
    const meter0 = host.meter();
    const result = core.processFrame(frame);
    const meter1 = host.meter();
    const slots1 = host.slots();
    const chunks1 = host.chunks();
    computrons[i] = (meter1 - meter0) >>> 0;
    slots[i] = slots1 - slots0;
    chunks[i] = chunks1 - chunks0;
    tiles = result.tiles;
  }
  host.gc();
  const retainedSlots = host.slots() - liveSlotsBefore;
  const retainedChunks = host.chunks() - liveChunksBefore;

  // The detector's share (tiles, model, decoding, merging), measured alone with the same settings,
  // on the frame loop's path (detectList: faces in the detector's reused lists, no objects).
  const config = core.config;
  const detector = new FaceDetector({ model, roi: config.roi, scaledShortSide: config.scaledShortSide, maxTiles: config.maxTiles, kernel });
  const detectorSlots = new Float64Array(50);
  const detectorChunks = new Float64Array(50);
  const detectorComputrons = new Float64Array(50);
  for (let i = 0; i < 50; i++) {
    textured(pixels, i);
    host.gc();
    const slots0 = host.slots();
    const chunks0 = host.chunks();
    const meter0 = host.meter();
    detector.detectList(frame);
    const meter1 = host.meter();
    const slots1 = host.slots();
    const chunks1 = host.chunks();
    detectorComputrons[i] = (meter1 - meter0) >>> 0;
    detectorSlots[i] = slots1 - slots0;
    detectorChunks[i] = chunks1 - chunks0;
  }

  // The stand-in model's own share, measured alone.
  const input = new Int8Array(96 * 96);
  const meter0 = host.meter();
  for (let i = 0; i < 100; i++) model.invoke(input);
  const modelComputrons = ((host.meter() - meter0) >>> 0) / 100;

  print(JSON.stringify({
    kernel: kernelName, width, height, frames, tiles, slotSize: host.slotSize,
    computrons: { median: median(computrons), max: max(computrons) },
    modelComputronsPerInvoke: modelComputrons,
    detector: { computrons: median(detectorComputrons), slots: median(detectorSlots), chunkBytes: median(detectorChunks) },
    slotsPerFrame: { median: median(slots), max: max(slots) },
    chunkBytesPerFrame: { median: median(chunks), max: max(chunks) },
    retained: { slots: retainedSlots, chunkBytes: retainedChunks },
    stats: core.stats(),
  }));
  core.close();
}

main();

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
import type { Clock, Cancel, GrayFrame, Https, HttpsResponse, Log, Model, Store, TensorSpec } from "../../src/interfaces/index.js";
import type { TileKernel } from "../../src/frame/tile-kernel.js";
import { PortableTileKernel } from "../../src/frame/tile-kernel.js";
import { FaceDetector } from "../../src/detect/face-detector.js";
import { NativeTileKernel } from "../../hosts/moddable/native-tile-kernel.js";
import { print, xsHost } from "./xs-host.js";

const GRID = 12;
const OUTPUT_SCALE = 1 / 256;
const OUTPUT_ZERO = -128;

/** Fixed outputs, two faces per tile, moved one cell every 8 calls: no allocation per call. */
class StandInModel implements Model {
  readonly id = "bench-stand-in@0";
  readonly input: TensorSpec = Object.freeze({ shape: Object.freeze([1, 96, 96, 1]), scale: 1 / 255, zeroPoint: -128 });
  readonly outputs: readonly TensorSpec[] = Object.freeze([Object.freeze({ shape: Object.freeze([1, GRID, GRID, 3]), scale: OUTPUT_SCALE, zeroPoint: OUTPUT_ZERO })]);
  readonly #classes = new Int8Array(GRID * GRID * 3);
  readonly #result: readonly Int8Array[] = Object.freeze([this.#classes]);
  #calls = 0;

  invoke(input: Int8Array): readonly Int8Array[] {
    if (input.length !== 96 * 96) throw new RangeError("stand-in model: input must be 96*96");
    const classes = this.#classes;
    for (let cell = 0; cell < GRID * GRID; cell++) {
      classes[cell * 3] = 127;
      classes[cell * 3 + 1] = -128;
      classes[cell * 3 + 2] = -128;
    }
    const shift = (this.#calls >> 3) % 4;
    this.#face(2 + shift, 3, 1);
    this.#face(8, 6 + shift, 2);
    this.#calls++;
    return this.#result;
  }

  #face(column: number, row: number, channel: number): void {
    const cell = (row * GRID + column) * 3;
    this.#classes[cell] = -103; // P(background) about 0.1
    this.#classes[cell + channel] = 102; // about 0.9
  }
}

class MapStore implements Store {
  readonly #entries = new Map<string, string>();
  get(key: string): string | undefined {
    return this.#entries.get(key);
  }
  set(key: string, value: string): void {
    this.#entries.set(key, value);
  }
  delete(key: string): void {
    this.#entries.delete(key);
  }
  keys(): string[] {
    return [...this.#entries.keys()];
  }
}

/** Time moves only when told; timers are kept but never due within a run (windows are 20 min). */
class StepClock implements Clock {
  #now = Date.UTC(2026, 0, 5, 9, 0, 0);
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
  schedule(_delayMs: number, _callback: () => void): Cancel {
    return () => undefined;
  }
}

const offline: Https = { post: (): Promise<HttpsResponse> => Promise.reject(new Error("bench: offline")) };
const quiet: Log = { write: () => undefined };

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(sorted.length / 2)];
}

function max(values: Float64Array): number {
  return values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
}

function fill(pixels: Uint8Array, frame: number): void {
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + frame * 13) & 0xff;
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
    model, clock, store: new MapStore(), https: offline, log: quiet, firmwareVersion: "0.0.0-bench", random: () => 0.5, kernel,
  });
  const pixels = new Uint8Array(width * height);
  const frame: GrayFrame = { width, height, pixels };

  const warmup = 50;
  for (let i = 0; i < warmup; i++) {
    fill(pixels, i);
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
    fill(pixels, warmup + i);
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
    fill(pixels, i);
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

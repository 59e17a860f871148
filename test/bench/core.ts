/**
 * JS cost per frame of the portable core on the desktop (V8), without the
 * model: tiling (the exact kernel), grid decoding and merging, tracking, and
 * the whole Ephemera.processFrame with a model whose invoke costs nothing
 * (fixed outputs with faces in them). Also heap allocated per frame and heap
 * retained per frame at steady state. For the cost inside XS see xs.ts.
 */
import { readFileSync } from "node:fs";
import { loadModel } from "../../hosts/node/interpreter/index.js";
import { SimulatedClock } from "../../hosts/node/sim-clock.js";
import { Ephemera } from "../../src/app/ephemera.js";
import type { Detection } from "../../src/detect/detection.js";
import { GridDecoder } from "../../src/detect/grid-decoder.js";
import { mergeDetections } from "../../src/detect/merge.js";
import { FrameTiler } from "../../src/frame/frame-tiler.js";
import { estimatedInvokeMs, FRAME_BUDGET_MS, FRAME_OVERHEAD_MS, PERSON_DETECT_MACS, tilesWithinBudget } from "../../src/frame/tile-budget.js";
import { TILE_BYTES } from "../../src/frame/tile-kernel.js";
import { tileToFrame } from "../../src/frame/tile-plan.js";
import type { GrayFrame, Model, TensorSpec } from "../../src/interfaces/index.js";
import { Tracker } from "../../src/track/tracker.js";
import { FakeCollector } from "../support/fake-collector.js";
import { MemoryLog } from "../support/memory-log.js";
import { MemoryStore } from "../support/memory-store.js";
import { type BenchRow, cpuMs, median } from "./bench.js";
import { allocationPerCall, retainedPerCall } from "./heap.js";

const ROUNDS = 30;
const INPUT: TensorSpec = { shape: [1, 96, 96, 1], scale: 1 / 255, zeroPoint: -128 };
const CLASSES: TensorSpec = { shape: [1, 12, 12, 3], scale: 1 / 256, zeroPoint: -128 };
const TOKEN = "device-token-0123456789";

/** Median CPU milliseconds per call of `call`, over rounds of `perRound` calls. */
function time(perRound: number, call: () => void): number {
  for (let i = 0; i < perRound * 3; i++) call();
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = cpuMs();
    for (let i = 0; i < perRound; i++) call();
    rounds.push((cpuMs() - start) / perRound);
  }
  return median(rounds);
}

function textured(width: number, height: number): GrayFrame {
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + (i >> 7) * 17) & 0xff;
  return { width, height, pixels };
}

/** A 12x12x3 softmax grid with faces at the given cells (background elsewhere). */
function grid(faces: readonly [number, number][]): Int8Array {
  const q = (p: number): number => Math.max(-128, Math.min(127, Math.round(p * 256) - 128));
  const out = new Int8Array(12 * 12 * 3);
  for (let c = 0; c < 144; c++) out.set([q(1), q(0), q(0)], c * 3);
  for (const [row, col] of faces) {
    out.set([q(0.1), q(0.8), q(0.1)], (row * 12 + col) * 3);
    if (col + 1 < 12) out.set([q(0.4), q(0.5), q(0.1)], (row * 12 + col + 1) * 3);
  }
  return out;
}

/** A model that costs nothing: the same outputs (two faces) for every tile. */
function fixedModel(): Model {
  const outputs = [grid([[3, 3], [8, 7]])];
  return { id: "fixed-output-bench@0", input: INPUT, outputs: [CLASSES], invoke: () => outputs };
}

/** The tile budget for the committed mask model: its MACs (as the interpreter counts them) scaled against person_detect's 54 ms. */
function tileBudgetRows(): BenchRow[] {
  const model = loadModel(readFileSync(new URL("../../../models/mask-model.tflite", import.meta.url)), { name: "mask-model" });
  const macs = model.info.macs;
  return [
    { name: "mask model MACs", value: macs, unit: "MACs", note: `models/mask-model.tflite (${model.id}); person_detect: ${PERSON_DETECT_MACS}` },
    { name: "mask model invoke on ESP32-S3, estimate", value: estimatedInvokeMs(macs), unit: "ms", note: "54 ms x MACs / person_detect's MACs (ESP-NN); an estimate until measured on a board" },
    { name: "tiles per frame within 100 ms, estimate", value: tilesWithinBudget(macs), unit: "tiles", note: `(${FRAME_BUDGET_MS} - ${FRAME_OVERHEAD_MS} ms for the rest of the pipeline) / estimated invoke` },
  ];
}

export async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [...tileBudgetRows()];

  // Tiling: every tile of a frame through the exact kernel.
  const tile = new Int8Array(TILE_BYTES);
  for (const [width, height, maxTiles, stride] of [[320, 240, 5, undefined], [640, 480, 5, undefined], [400, 300, undefined, 48]] as const) {
    const tiler = new FrameTiler({ input: INPUT, scaledShortSide: 192, maxTiles, stride });
    const frame = textured(width, height);
    const plan = tiler.plan(frame);
    const ms = time(20, () => {
      for (let i = 0; i < plan.origins.length; i++) tiler.writeTile(frame, plan, i, tile);
    });
    const what = stride === undefined ? `budget ${maxTiles}` : `stride ${stride} (evaluation)`;
    rows.push({ name: `tiling ${width}x${height}, ${plan.origins.length} tiles`, value: ms, unit: "ms/frame", note: `${what}, scaled ${plan.sw}x${plan.sh}; ${(ms / plan.origins.length).toFixed(3)} ms/tile, CPU` });
  }

  // Decoding and merging: 5 tiles with two faces each.
  const decoder = new GridDecoder({ outputs: [CLASSES], tileSide: 96 });
  const tilerForPlan = new FrameTiler({ input: INPUT, scaledShortSide: 192, maxTiles: 5 });
  const decodePlan = tilerForPlan.plan({ width: 320, height: 240 });
  const outputs = [grid([[3, 3], [8, 7]])];
  const decodeMs = time(200, () => {
    const found: Detection[] = [];
    for (let i = 0; i < decodePlan.origins.length; i++) {
      for (const face of decoder.decode(outputs)) {
        const [x, y] = tileToFrame(decodePlan, i, face.x, face.y);
        found.push({ x, y, cls: face.cls, confidence: face.confidence });
      }
    }
    mergeDetections(found, { cellSize: 10 });
  });
  rows.push({ name: `decode + merge, ${decodePlan.origins.length} tiles x 2 faces`, value: decodeMs, unit: "ms/frame", note: "12x12x3 grids, CPU" });

  // Tracking: five people walking.
  let step = 0;
  const tracker = new Tracker({ speed: 200, onPassage: () => undefined });
  const trackMs = time(500, () => {
    step++;
    const faces = [0, 1, 2, 3, 4].map((i) => ({ x: (step * 3 + i * 50) % 320, y: 40 + i * 40, cls: "mask" as const }));
    tracker.update(faces, step * 200);
  });
  rows.push({ name: "tracker update, 5 faces", value: trackMs, unit: "ms/frame", note: "optimal assignment, CPU" });

  // The whole core per frame, inference excluded.
  const clock = new SimulatedClock(Date.UTC(2026, 10, 28, 16, 0));
  const core = new Ephemera({
    config: { deviceId: "bench-01", site: "Bench", collectorUrl: "https://collector.test", deviceToken: TOKEN, maxTiles: 5 },
    model: fixedModel(), clock, store: new MemoryStore(), https: new FakeCollector(clock, TOKEN), log: new MemoryLog(), firmwareVersion: "0.0.0",
  });
  const source = textured(320, 240);
  const frame: GrayFrame = { width: 320, height: 240, pixels: new Uint8Array(source.pixels.length) };
  const processFrame = (): void => {
    frame.pixels.set(source.pixels);
    core.processFrame(frame);
    clock.advance(100);
  };
  const frameMs = time(20, processFrame);
  const tiles = core.stats().tiles / core.stats().frames;
  rows.push({ name: "processFrame 320x240 without inference", value: frameMs, unit: "ms/frame", note: `${tiles} tiles, 2 faces per tile (fixed-output model), CPU; includes copying the frame in` });
  const allocation = await allocationPerCall(processFrame, 100);
  rows.push({ name: "heap allocated per frame", value: allocation.perCall, unit: "bytes", note: `least growth over ${allocation.windows} windows of 100 frames without GC (garbage included), less reading the heap size` });
  const retained = await retainedPerCall(processFrame, 20_000);
  rows.push({ name: "heap retained per frame, steady state", value: retained, unit: "bytes", note: "growth over 20000 frames (after 20000 warm-up) between full collections" });
  core.close();
  return rows;
}

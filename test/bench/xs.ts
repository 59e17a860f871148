/**
 * JS cost per frame of the portable core inside XS (the engine of the board):
 * computrons (XS's meter) and heap allocation per Ephemera.processFrame, with
 * the native (C) and the portable tile kernel, from test/xs/bench-frame.ts run
 * in the XS test host. Needs build/xs/ephemera-xs (npm run build:xs).
 *
 *   node build/test/bench/xs.js
 *
 * What "allocates nothing per frame" means here: slots and chunk bytes the
 * engine hands out during one processFrame (garbage included), and what stays
 * live after many frames (retained). Slots are 32 bytes in this host and 16
 * on the ESP32: compare slot counts, not bytes.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchRow } from "./bench.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const host = join(root, "build/xs/ephemera-xs");
const benchModule = join(root, "build/test/xs/bench-frame.js");

export interface XsFrameCost {
  readonly kernel: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly tiles: number;
  readonly slotSize: number;
  readonly computrons: { readonly median: number; readonly max: number };
  readonly modelComputronsPerInvoke: number;
  readonly detector: { readonly computrons: number; readonly slots: number; readonly chunkBytes: number };
  readonly slotsPerFrame: { readonly median: number; readonly max: number };
  readonly chunkBytesPerFrame: { readonly median: number; readonly max: number };
  readonly retained: { readonly slots: number; readonly chunkBytes: number };
}

const CASES: readonly [kernel: string, width: number, height: number, frames: number][] = [
  ["native", 320, 240, 200],
  ["native", 640, 480, 200],
  ["portable", 320, 240, 30],
];

export function measureXsFrameCost(kernel: string, width: number, height: number, frames: number): XsFrameCost {
  if (!existsSync(host)) throw new Error(`bench xs: ${host} is missing: run npm run build:xs`);
  const run = spawnSync(host, [benchModule, kernel, String(width), String(height), String(frames)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`bench xs: ${kernel} ${width}x${height} failed (${run.status}): ${run.stderr}`);
  const line = run.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as XsFrameCost;
}

export function runXsBench(): XsFrameCost[] {
  return CASES.map(([kernel, width, height, frames]) => measureXsFrameCost(kernel, width, height, frames));
}

/** The runner's rows (test/bench/index.ts): per frame, inside XS. */
export async function bench(): Promise<readonly BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const r of runXsBench()) {
    const what = `processFrame in XS, ${r.kernel} kernel, ${r.width}x${r.height}, ${r.tiles} tiles`;
    const model = `stand-in model ${Math.round(r.modelComputronsPerInvoke * r.tiles)} of them`;
    rows.push({ name: what, value: r.computrons.median, unit: "computrons", note: `median of ${r.frames} frames, max ${r.computrons.max}; ${model}` });
    rows.push({ name: `${what}: slots allocated`, value: r.slotsPerFrame.median, unit: "slots/frame", note: `detector ${r.detector.slots}; garbage included; ${r.slotSize} B/slot here, 16 on ESP32` });
    rows.push({ name: `${what}: chunk bytes allocated`, value: r.chunkBytesPerFrame.median, unit: "bytes/frame", note: `detector ${r.detector.chunkBytes}` });
    rows.push({ name: `${what}: retained after ${r.frames} frames`, value: r.retained.slots, unit: "slots", note: `${r.retained.chunkBytes} chunk bytes; after a collection` });
  }
  return rows;
}

export function formatXsBench(results: readonly XsFrameCost[]): string {
  const lines = [
    "JS cost per frame inside XS (processFrame; stand-in model with 2 faces per tile)",
    "kernel    frame     tiles  computrons (median / max)   of which model  slots/frame  chunk B/frame  detector slots  retained slots / chunk B",
  ];
  for (const r of results) {
    lines.push([
      r.kernel.padEnd(9),
      `${r.width}x${r.height}`.padEnd(9),
      String(r.tiles).padStart(5),
      `${r.computrons.median} / ${r.computrons.max}`.padStart(27),
      String(Math.round(r.modelComputronsPerInvoke * r.tiles)).padStart(15),
      String(r.slotsPerFrame.median).padStart(12),
      String(r.chunkBytesPerFrame.median).padStart(14),
      String(r.detector.slots).padStart(15),
      `${r.retained.slots} / ${r.retained.chunkBytes}`.padStart(25),
    ].join(" "));
  }
  const allocating = results.filter((r) => r.slotsPerFrame.median > 0 || r.chunkBytesPerFrame.median > 0);
  lines.push(allocating.length === 0
    ? "steady state: no allocation per frame"
    : `steady state: allocates per frame (${allocating.map((r) => `${r.kernel} ${r.width}x${r.height}: ${r.slotsPerFrame.median} slots, ${r.chunkBytesPerFrame.median} chunk bytes`).join("; ")}); retained growth shown last`);
  return lines.join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatXsBench(runXsBench()));
}

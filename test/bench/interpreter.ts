/**
 * The host interpreter on person_detect: time per inference against real
 * TensorFlow Lite's wasm runtime (tfjs-tflite: XNNPACK, SIMD, one thread) in
 * the same process, and bytes of JavaScript heap allocated per invoke.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadModel } from "../../hosts/node/interpreter/index.js";
import { loadTflite, zeroBiasQuantizedDimension } from "../../hosts/node/tflite/index.js";
import { type BenchRow, cpuMs, median } from "./bench.js";
import { allocationPerCall } from "./heap.js";

const MODEL = fileURLToPath(new URL("../../../../shared/models/person-detect/person_detect.tflite", import.meta.url));
const INPUT = fileURLToPath(new URL("../../../../shared/models/person-detect/golden/person.raw", import.meta.url));
const ROUNDS = 40;
const PER_ROUND = 20;
/** Heap growth is measured over several windows of calls; the smallest growth leaves out one-off costs (tier-up compilation). */
const ALLOCATION_WINDOWS = 4;
const ALLOCATION_CALLS = 2000;

/** Median per-call time of `call` over rounds, in CPU and wall milliseconds. */
function time(call: () => void): { cpu: number; wall: number } {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const startCpu = cpuMs();
    const startWall = performance.now();
    for (let i = 0; i < PER_ROUND; i++) call();
    wall.push((performance.now() - startWall) / PER_ROUND);
    cpu.push((cpuMs() - startCpu) / PER_ROUND);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

export async function bench(): Promise<BenchRow[]> {
  const bytes = readFileSync(MODEL);
  const raw = readFileSync(INPUT);
  const input = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);

  const loadStart = performance.now();
  const model = loadModel(bytes, { name: "person_detect" });
  const loadMs = performance.now() - loadStart;
  const tflite = await loadTflite(zeroBiasQuantizedDimension(bytes).bytes);
  const runTflite = () => {
    tflite.input(0).set(input);
    tflite.run();
  };
  try {
    for (let i = 0; i < 100; i++) {
      model.invoke(input);
      runTflite();
    }
    // Interleave the two so that a busy machine weighs on both alike.
    const ours: { cpu: number; wall: number }[] = [];
    const theirs: { cpu: number; wall: number }[] = [];
    for (let pass = 0; pass < 3; pass++) {
      ours.push(time(() => model.invoke(input)));
      theirs.push(time(runTflite));
    }
    const oursCpu = median(ours.map((t) => t.cpu));
    const theirsCpu = median(theirs.map((t) => t.cpu));
    const oursWall = median(ours.map((t) => t.wall));
    const theirsWall = median(theirs.map((t) => t.wall));

    const allocation = await allocationPerCall(() => model.invoke(input), ALLOCATION_CALLS, ALLOCATION_WINDOWS);

    // Where the time goes, by operator type (wall time, op by op).
    const byOp = new Map<string, number>();
    for (let round = 0; round < 50; round++) {
      model.inputTensors[0].set(input);
      for (const { op, ms } of model.profile(() => performance.now())) byOp.set(op, (byOp.get(op) ?? 0) + ms);
    }
    const total = [...byOp.values()].reduce((a, b) => a + b, 0);

    const rows: BenchRow[] = [
      { name: "person_detect load", value: loadMs, unit: "ms", note: "first load in the process: compile kernels, parse, check, plan, instantiate" },
      { name: "person_detect invoke, interpreter", value: oursCpu, unit: "ms", note: `CPU time, median; wall ${oursWall.toFixed(2)} ms` },
      { name: "person_detect invoke, TensorFlow Lite wasm", value: theirsCpu, unit: "ms", note: `tfjs-tflite XNNPACK SIMD 1 thread; wall ${theirsWall.toFixed(2)} ms` },
      { name: "interpreter / TensorFlow Lite", value: oursCpu / theirsCpu, unit: "x", note: `CPU time ratio; wall ${(oursWall / theirsWall).toFixed(2)}x` },
      {
        name: "heap allocated per invoke",
        value: allocation.perCall,
        unit: "bytes",
        note: `least heap growth in ${allocation.windows} windows of ${ALLOCATION_CALLS} invokes without GC: ${allocation.leastGrowth} B, of which ${allocation.baseline} B reading the heap size`,
      },
      { name: "person_detect arena", value: model.info.arena_bytes, unit: "bytes", note: "activations shared by lifetime" },
      { name: "person_detect MACs / interpreter CPU time", value: model.info.macs / oursCpu / 1e6, unit: "GMAC/s", note: `${model.info.macs} MACs` },
    ];
    for (const [op, ms] of [...byOp].sort((a, b) => b[1] - a[1])) {
      rows.push({ name: `share of time in ${op}`, value: (100 * ms) / total, unit: "%", note: "op-by-op wall time" });
    }
    return rows;
  } finally {
    tflite.close();
  }
}

/**
 * JavaScript heap measurements for the benchmarks: bytes allocated per call
 * (garbage included) and bytes retained per call at steady state.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface Allocation {
  /** Bytes allocated per call: least growth over the windows, less what reading the heap size costs. */
  readonly perCall: number;
  /** Windows of calls that saw no collection. */
  readonly windows: number;
  /** The least growth of one window, in bytes. */
  readonly leastGrowth: number;
  /** The least growth of a window without calls: the cost of reading the heap size. */
  readonly baseline: number;
}

function exposeGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Lets pending performance entries (garbage collections) reach their observer. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Heap growth over windows of `calls` calls, each window after a full collection and kept only
 * when no collection ran inside it (a collection would hide garbage). Windows without calls
 * alternate with them and measure the cost of reading the heap size itself. The least growth
 * leaves out one-off costs such as tier-up compilation.
 */
export async function allocationPerCall(call: () => void, calls: number, windows = 4): Promise<Allocation> {
  const gc = exposeGc();
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  observer.observe({ entryTypes: ["gc"] });
  const growth: number[] = [];
  const baselines: number[] = [];
  try {
    for (let window = 0; window < 2 * windows; window++) {
      const count = window % 2 === 0 ? calls : 0;
      gc();
      await settle();
      const collectionsBefore = collections;
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < count; i++) call();
      const after = process.memoryUsage().heapUsed;
      await settle();
      if (collections === collectionsBefore) (count > 0 ? growth : baselines).push(after - before);
    }
  } finally {
    observer.disconnect();
  }
  if (growth.length === 0 || baselines.length === 0) throw new Error("every allocation window saw a garbage collection");
  const leastGrowth = Math.min(...growth);
  const baseline = Math.min(...baselines);
  return { perCall: Math.max(0, leastGrowth - baseline) / calls, windows: growth.length, leastGrowth, baseline };
}

/** Heap growth per call between full collections, after as many warm-up calls: what steady state keeps. */
export async function retainedPerCall(call: () => void, calls: number): Promise<number> {
  const gc = exposeGc();
  for (let i = 0; i < calls; i++) call();
  gc();
  await settle();
  const start = process.memoryUsage().heapUsed;
  for (let i = 0; i < calls; i++) call();
  gc();
  await settle();
  return (process.memoryUsage().heapUsed - start) / calls;
}

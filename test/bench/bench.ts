/** One figure a benchmark measured. */
export interface BenchRow {
  /** What was measured, e.g. "person_detect invoke (interpreter), CPU". */
  readonly name: string;
  readonly value: number;
  /** e.g. "ms", "bytes", "x". */
  readonly unit: string;
  /** How it was measured, or what it is compared with. */
  readonly note?: string;
}

/** A benchmark module exports `bench`: it measures and returns its rows. */
export type Bench = () => Promise<readonly BenchRow[]>;

/** CPU time of this process in milliseconds (user + system): steadier than wall time on a shared machine. */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Median of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * How sure a face F1 is: a photo-level bootstrap. A split of ~100 photos
 * gives an F1 that moves by points when other photos are drawn, so a gap
 * between two detectors means little without its interval. Photos are the
 * sampling unit (faces in one photo share light, camera and crowd, so they
 * are not independent); each resample draws as many photos as there are,
 * with replacement, and every detector is scored on the same resamples, so
 * the difference between two detectors is paired.
 */
import { Random } from "../data/random.js";
import { type PhotoResult, precisionRecall } from "./protocol.js";

export const DEFAULT_BOOTSTRAP_RESAMPLES = 2000;
export const DEFAULT_BOOTSTRAP_SEED = 1;

export interface BootstrapOptions {
  readonly resamples?: number;
  readonly seed?: number;
}

/** A figure with its central 95% interval over the resamples. */
export interface Interval {
  readonly value: number;
  readonly low: number;
  readonly high: number;
}

export interface F1Comparison {
  /** F1(a) - F1(b) on all photos, with its interval. */
  readonly difference: Interval;
  /** Share of resamples where a's F1 is above b's. */
  readonly shareAhead: number;
}

/** The value at quantile q of sorted values (linear between neighbours). */
function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
}

function interval(value: number, samples: Float64Array): Interval {
  const sorted = Float64Array.from(samples).sort();
  return { value, low: quantile(sorted, 0.025), high: quantile(sorted, 0.975) };
}

/** Face F1 of each detector on each resample; all detectors must cover the same photos, in the same order. */
export class FaceF1Bootstrap {
  readonly #f1: Map<string, number>;
  readonly #samples: Map<string, Float64Array>;
  readonly resamples: number;

  constructor(results: Readonly<Record<string, readonly PhotoResult[]>>, options: BootstrapOptions = {}) {
    const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
    if (!(Number.isInteger(resamples) && resamples >= 1)) throw new RangeError("bootstrap: resamples must be a positive integer");
    const names = Object.keys(results);
    const photos = names.length > 0 ? results[names[0]].length : 0;
    for (const name of names) {
      if (results[name].length !== photos) throw new RangeError(`bootstrap: ${name} has ${results[name].length} photos, ${names[0]} has ${photos}`);
    }
    if (photos === 0) throw new RangeError("bootstrap: no photos");
    this.resamples = resamples;
    const counts = names.map((name) => results[name].map((r) => [r.matches.length, r.falsePositives.length, r.missed.length] as const));
    this.#f1 = new Map(names.map((name, d) => {
      const [tp, fp, fn] = counts[d].reduce((s, c) => [s[0] + c[0], s[1] + c[1], s[2] + c[2]], [0, 0, 0]);
      return [name, precisionRecall(tp, fp, fn).f1];
    }));
    const samples = names.map(() => new Float64Array(resamples));
    this.#samples = new Map(names.map((name, d) => [name, samples[d]]));
    const random = new Random(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
    const drawn = new Int32Array(photos);
    for (let s = 0; s < resamples; s++) {
      for (let i = 0; i < photos; i++) drawn[i] = random.int(photos);
      counts.forEach((photoCounts, d) => {
        let tp = 0;
        let fp = 0;
        let fn = 0;
        for (const photo of drawn) {
          const [t, f, n] = photoCounts[photo];
          tp += t;
          fp += f;
          fn += n;
        }
        samples[d][s] = precisionRecall(tp, fp, fn).f1;
      });
    }
  }

  #of(name: string): [number, Float64Array] {
    const f1 = this.#f1.get(name);
    const samples = this.#samples.get(name);
    if (f1 === undefined || samples === undefined) throw new RangeError(`bootstrap: no detector named ${name}`);
    return [f1, samples];
  }

  /** A detector's face F1 on all photos, with its interval. */
  f1(name: string): Interval {
    const [f1, samples] = this.#of(name);
    return interval(f1, samples);
  }

  /** Detector a against detector b on the same resamples. */
  compare(a: string, b: string): F1Comparison {
    const [f1a, samplesA] = this.#of(a);
    const [f1b, samplesB] = this.#of(b);
    const differences = samplesA.map((v, i) => v - samplesB[i]);
    const ahead = differences.reduce((n, d) => n + (d > 0 ? 1 : 0), 0);
    return { difference: interval(f1a - f1b, differences), shareAhead: ahead / differences.length };
  }
}

const points = (v: number): string => (100 * v).toFixed(1);
/** A difference of fractions in signed percentage points: -0.026 -> "-2.6". */
export const signedPoints = (v: number): string => `${v >= 0 ? "+" : "-"}${points(Math.abs(v))}`;

/** The intervals as text: each detector's F1, then `first` against each other one. */
export function bootstrapReport(bootstrap: FaceF1Bootstrap, names: readonly string[]): string {
  const lines = [`face F1 with its 95% interval (bootstrap: ${bootstrap.resamples} resamples of the photos):`];
  for (const name of names) {
    const f = bootstrap.f1(name);
    lines.push(`  ${name}: ${points(f.value)}% [${points(f.low)}, ${points(f.high)}]`);
  }
  const [first, ...others] = names;
  for (const other of others) {
    const c = bootstrap.compare(first, other);
    const d = c.difference;
    lines.push(`  ${first} - ${other}: ${signedPoints(d.value)} points [${signedPoints(d.low)}, ${signedPoints(d.high)}], ahead in ${Math.round(100 * c.shareAhead)}% of resamples`);
  }
  return lines.join("\n");
}

import { parseArgs } from "node:util";
import { TRACKER_DEFAULTS } from "../../src/track/tracker.js";

/** A command-line mistake: the demo prints it with the usage and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * How long held images' people need to leave: every track ends (unseen for
 * longer than maxGapMs) and the tracker forgets where static faces stood
 * (staticMemoryMs).
 */
export const LEAVE_MS = Math.max(TRACKER_DEFAULTS.maxGapMs, TRACKER_DEFAULTS.staticMemoryMs);

/** Empty frames after each held image by default: LEAVE_MS, plus one frame. */
export function defaultGapFrames(fps: number): number {
  return Math.ceil((LEAVE_MS * fps) / 1000) + 1;
}

export const DEMO_USAGE = `Usage: npm start -- [options]

Runs the collector and the desktop host at simulated time, then prints a summary.
Default: the held-out test photos of ../shared/data/face-mask, each held in view
for a few seconds with a little motion, then an empty scene so that people leave.

Options:
  --frames DIR     run the images of DIR (JPEG/PNG, natural name order) as consecutive frames
  --video FILE     run a video file (needs ffmpeg on the PATH)
  --fps N          camera frames per second of camera time (default 5, as on the board)
  --hold S         seconds each image stays in view (default 4 for the demo, one frame with --frames)
  --gap S          seconds of empty scene after each held image (default: long enough for its
                   people to leave, ${LEAVE_MS / 1000} s and one frame; none when images are single frames)
  --photos N       the demo: use the first N photos of the sequence
  --config FILE    device configuration (JSON) over the demo's own, e.g. {"windowMinutes": 30}
  --model FILE     the model to run (default models/mask-model.tflite)
  --start ISO      simulated start time (default 2026-03-02T09:00:00Z)
  --json           print the summary as one JSON object, the last line of stdout
  --keep           keep the run's data folder (device store, collector database) and say where
  --verbose        log info events too (default: warnings and errors)
  -h, --help       this text`;

export interface DemoOptions {
  readonly source: { readonly kind: "demo" } | { readonly kind: "frames"; readonly folder: string } | { readonly kind: "video"; readonly file: string };
  readonly fps: number;
  /** Undefined: the source's default. */
  readonly holdSeconds: number | undefined;
  readonly gapSeconds: number | undefined;
  readonly photos: number | undefined;
  readonly configFile: string | undefined;
  readonly modelFile: string | undefined;
  /** Simulated start, ms since the epoch. */
  readonly start: number;
  readonly json: boolean;
  readonly keep: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
}

export const DEFAULT_START = "2026-03-02T09:00:00Z";
/**
 * Camera frames per second by default: what the board sustains with room to spare (its frame
 * timer runs every 100 ms; a frame of four tiles is estimated at under 80 ms, `npm run bench`).
 * The tracker's parameters are in time; a higher rate still gives the model more chances to see
 * a face (README: the demo's counts at 2, 5 and 10 fps).
 */
export const DEFAULT_FPS = 5;

/** Parses the demo's arguments; throws UsageError naming the bad one. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        frames: { type: "string" },
        video: { type: "string" },
        fps: { type: "string" },
        hold: { type: "string" },
        gap: { type: "string" },
        photos: { type: "string" },
        config: { type: "string" },
        model: { type: "string" },
        start: { type: "string" },
        json: { type: "boolean", default: false },
        keep: { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.frames !== undefined && values.video !== undefined) throw new UsageError("give --frames or --video, not both");
  if (values.photos !== undefined && (values.frames !== undefined || values.video !== undefined)) throw new UsageError("--photos applies to the demo sequence only");
  const source: DemoOptions["source"] =
    values.frames !== undefined ? { kind: "frames", folder: values.frames } : values.video !== undefined ? { kind: "video", file: values.video } : { kind: "demo" };
  const start = Date.parse(values.start ?? DEFAULT_START);
  if (Number.isNaN(start)) throw new UsageError(`--start must be an ISO 8601 time, got '${values.start}'`);
  return {
    source,
    fps: number("--fps", values.fps, DEFAULT_FPS, { min: 0.01, max: 120 }),
    holdSeconds: optionalNumber("--hold", values.hold, { min: 0, max: 3600 }),
    gapSeconds: optionalNumber("--gap", values.gap, { min: 0, max: 3600 }),
    photos: values.photos === undefined ? undefined : integer("--photos", values.photos),
    configFile: values.config,
    modelFile: values.model,
    start,
    json: values.json,
    keep: values.keep,
    verbose: values.verbose,
    help: values.help,
  };
}

function optionalNumber(flag: string, text: string | undefined, range: { min: number; max: number }): number | undefined {
  return text === undefined ? undefined : number(flag, text, 0, range);
}

function number(flag: string, text: string | undefined, fallback: number, range: { min: number; max: number }): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < range.min || value > range.max) {
    throw new UsageError(`${flag} must be a number from ${range.min} to ${range.max}, got '${text}'`);
  }
  return value;
}

function integer(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a whole number >= 1, got '${text}'`);
  return value;
}

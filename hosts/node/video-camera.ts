import { spawn as nodeSpawn, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Readable } from "node:stream";
import type { Camera, GrayFrame, Log } from "../../src/interfaces/index.js";

/** What the camera needs of a child process (a real one, or a fake in tests). */
export interface FrameProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  on(event: "close", listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: "error", listener: (error: Error) => void): this;
  kill(signal?: NodeJS.Signals): boolean;
}

export type SpawnFrames = (command: string, args: readonly string[]) => FrameProcess;
/** Runs a command to completion and returns its stdout (throws on failure). */
export type RunProbe = (command: string, args: readonly string[]) => string;

export interface VideoCameraOptions {
  readonly file: string;
  /** Frames per second taken from the video (the camera's frame interval). */
  readonly fps: number;
  readonly log: Log;
  /** For tests: stand-ins for ffmpeg and ffprobe. Default: the real ones from the PATH. */
  readonly spawn?: SpawnFrames;
  readonly probe?: RunProbe;
}

/** Frames decoded ahead of the reader before ffmpeg is paused. */
const MAX_QUEUED_FRAMES = 4;

export const FFMPEG_MISSING_MESSAGE =
  "ffmpeg is not on the PATH: a video file needs ffmpeg and ffprobe (Debian: apt-get install ffmpeg). A folder of images works without it.";

/** Whether an executable is on the PATH. */
export function onPath(command: string, path = process.env.PATH ?? ""): boolean {
  return path.split(delimiter).some((folder) => {
    if (folder === "") return false;
    try {
      accessSync(join(folder, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** ffprobe arguments that print the first video stream's size as "WIDTHxHEIGHT". */
export function probeArgs(file: string): string[] {
  return ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0:s=x", "--", file];
}

/** ffmpeg arguments: decode, resample to `fps`, raw 8-bit gray frames on stdout. No audio, no rotation. */
export function decodeArgs(file: string, fps: number): string[] {
  return ["-v", "error", "-nostdin", "-noautorotate", "-i", file, "-an", "-sn", "-vf", `fps=${fps}`, "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"];
}

/** Parses ffprobe's "640x480" answer. */
export function parseProbe(output: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)/.exec(output.trim());
  if (!match) throw new Error(`video: ffprobe gave no frame size (got ${JSON.stringify(output.trim().slice(0, 80))})`);
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width < 1 || height < 1) throw new Error(`video: bad frame size ${width}x${height}`);
  return { width, height };
}

function runProbe(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`video: ${command} failed: ${result.stderr.trim().slice(0, 300)}`);
  return result.stdout;
}

/**
 * A camera over a video file, decoded by ffmpeg to grayscale frames at `fps`.
 * Throws at construction when ffmpeg is missing, with a message that says so.
 */
export class VideoCamera implements Camera {
  readonly width: number;
  readonly height: number;
  #process: FrameProcess;
  #frameBytes: number;
  #queue: Uint8Array[] = [];
  #partial: Uint8Array;
  #filled = 0;
  #ended = false;
  #closed = false;
  #failure: Error | undefined;
  #stderrTail = "";
  #waiter: (() => void) | undefined;

  constructor(options: VideoCameraOptions) {
    if (!(options.fps > 0)) throw new RangeError(`video: fps must be > 0, got ${options.fps}`);
    if (options.spawn === undefined && (!onPath("ffmpeg") || !onPath("ffprobe"))) throw new Error(FFMPEG_MISSING_MESSAGE);
    const probe = options.probe ?? runProbe;
    const spawn = options.spawn ?? ((command, args) => nodeSpawn(command, args, { stdio: ["ignore", "pipe", "pipe"] }));
    ({ width: this.width, height: this.height } = parseProbe(probe("ffprobe", probeArgs(options.file))));
    this.#frameBytes = this.width * this.height;
    this.#partial = new Uint8Array(this.#frameBytes);
    this.#process = spawn("ffmpeg", decodeArgs(options.file, options.fps));
    this.#process.stdout.on("data", (chunk: Buffer) => this.#take(chunk));
    this.#process.stderr.on("data", (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString("utf8")).slice(-500);
    });
    this.#process.on("error", (error) => this.#finish(new Error(`video: ffmpeg could not run: ${error.message}`)));
    this.#process.on("close", (code, signal) => {
      if (this.#closed) return; // stopped on purpose (ffmpeg answers SIGTERM with code 255)
      if (this.#filled > 0) options.log.write("warn", "camera.partial_frame", { bytes: this.#filled });
      this.#finish(code !== 0 ? new Error(`video: ffmpeg exited with ${code ?? signal}: ${this.#stderrTail.trim()}`) : undefined);
    });
  }

  async read(): Promise<GrayFrame | null> {
    for (;;) {
      const pixels = this.#queue.shift();
      if (pixels !== undefined) {
        if (this.#queue.length < MAX_QUEUED_FRAMES) this.#process.stdout.resume();
        return { width: this.width, height: this.height, pixels };
      }
      if (this.#failure !== undefined) throw this.#failure;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#ended) this.#process.kill("SIGTERM");
    this.#ended = true;
    this.#queue = [];
  }

  /** Cuts ffmpeg's byte stream into frames. */
  #take(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const count = Math.min(this.#frameBytes - this.#filled, chunk.length - offset);
      this.#partial.set(chunk.subarray(offset, offset + count), this.#filled);
      this.#filled += count;
      offset += count;
      if (this.#filled === this.#frameBytes) {
        this.#queue.push(this.#partial);
        this.#partial = new Uint8Array(this.#frameBytes);
        this.#filled = 0;
      }
    }
    if (this.#queue.length >= MAX_QUEUED_FRAMES) this.#process.stdout.pause();
    this.#wake();
  }

  #finish(failure: Error | undefined): void {
    this.#ended = true;
    this.#failure ??= failure;
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}

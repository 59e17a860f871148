import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import cliProgress from "cli-progress";
import { Ephemera } from "../../src/app/ephemera.js";
import type { BatchRecord } from "../../src/batch/record.js";
import { ConfigError } from "../../src/config/config-error.js";
import { parseConfig } from "../../src/config/config.js";
import type { Camera, Log } from "../../src/interfaces/index.js";
import { Collector } from "../../collector/server.js";
import { loadModel } from "./interpreter/index.js";
import { ConsoleLog } from "./console-log.js";
import { DEMO_USAGE, defaultGapFrames, parseDemoArgs, UsageError, type DemoOptions } from "./demo-options.js";
import { buildSummary, formatSummary, fullyDelivered } from "./demo-summary.js";
import { FileStore } from "./file-store.js";
import { flush, runCamera } from "./host-run.js";
import { ImageCamera, listImages } from "./image-camera.js";
import { PinnedHttps } from "./pinned-https.js";
import { SimulatedClock } from "./sim-clock.js";
import { FFMPEG_MISSING_MESSAGE, onPath, VideoCamera } from "./video-camera.js";
import { GroundTruth } from "./voc-truth.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DEMO_DATA = join(ROOT, "..", "shared", "data", "face-mask");
const DEFAULT_MODEL = join(ROOT, "models", "mask-model.tflite");
/** The device the demo registers; its site is what the summary reads back. */
const DEMO_DEVICE = Object.freeze({ deviceId: "demo-cam-1", site: "Demo entrance" });
/** Stands in for the collector's URL and token while the config is checked, before anything starts. */
const PLACEHOLDER_LINK = Object.freeze({ collectorUrl: "https://localhost", deviceToken: "placeholder-token-0000000000000000" });
const DEMO_HOLD_SECONDS = 4;
/** Largest shift of a held photo, in pixels: people standing, not walking. */
const HOLD_MOTION_PX = 2;

/** Exit codes: 0 done, 1 failed (or batches left undelivered), 2 bad usage or config (nothing run). */
async function main(argv: readonly string[]): Promise<number> {
  const wallStart = performance.now();
  let options: DemoOptions;
  try {
    options = parseDemoArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`demo: ${error.message}\n\n${DEMO_USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(DEMO_USAGE);
    return 0;
  }

  // Everything that can be refused is checked before anything starts.
  let userConfig: Record<string, unknown>;
  let plan: SourcePlan;
  let modelBytes: Uint8Array;
  try {
    userConfig = readConfigFile(options.configFile);
    parseConfig({ ...DEMO_DEVICE, ...userConfig, ...PLACEHOLDER_LINK });
    plan = planSource(options);
    modelBytes = readModel(options.modelFile ?? DEFAULT_MODEL);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`demo: bad config${options.configFile ? ` in ${options.configFile}` : ""}: ${error.message}`);
      return 2;
    }
    if (error instanceof UsageError) {
      console.error(`demo: ${error.message}`);
      return 2;
    }
    throw error;
  }

  const folder = mkdtempSync(join(tmpdir(), "ephemera-demo-"));
  const progress = new Progress();
  const log = new ConsoleLog({ level: options.verbose ? "info" : "warn", write: (line) => progress.log(line) });
  const collector = await Collector.start({ dataDir: join(folder, "collector"), log: options.verbose ? (line) => progress.log(line) : undefined });
  let core: Ephemera | undefined;
  let camera: Camera | undefined;
  try {
    const deviceConfig = { ...DEMO_DEVICE, ...userConfig };
    const deviceId = String(deviceConfig.deviceId);
    const deviceToken = collector.database.registerDevice(deviceId);
    const adminToken = collector.database.createAdminToken();
    const https = new PinnedHttps({ ca: collector.caCertPem });
    const model = loadModel(modelBytes, { name: "mask-model" });
    const clock = new SimulatedClock(options.start);
    const truth = new GroundTruth({ log, consecutive: plan.consecutive });
    let imagesShown = 0;
    camera = plan.open(log, (file) => {
      imagesShown++;
      truth.add(file);
    });
    core = new Ephemera({
      config: { ...deviceConfig, collectorUrl: collector.url, deviceToken },
      model,
      clock,
      store: new FileStore(join(folder, "device", "store.json")),
      https,
      log,
      firmwareVersion: firmwareVersion(),
    });
    const running = core;
    const stopCamera = () => camera?.close();
    process.once("SIGINT", stopCamera);

    progress.start(plan.expectedFrames);
    const loopStart = performance.now();
    await runCamera({
      camera,
      core: running,
      clock,
      frameIntervalMs: 1000 / options.fps,
      onFrame: (_result, frames) => progress.update(frames, running.stats(), clock.now()),
    });
    const frameLoopMs = performance.now() - loopStart;
    const flushed = await flush({ core: running, clock, windowMinutes: running.config.windowMinutes });
    progress.update(running.stats().frames, running.stats(), clock.now());
    progress.stop();
    process.off("SIGINT", stopCamera);

    const collectorBatches = await readCollector(https, collector.url, adminToken, running.config.site);
    const summary = buildSummary({
      source: plan.description,
      modelId: model.id,
      fps: options.fps,
      stats: running.stats(),
      truth: truth.summary(),
      imagesShown,
      imagesSkipped: camera instanceof ImageCamera ? camera.skipped.length : 0,
      windowMinutes: running.config.windowMinutes,
      collectorBatches,
      wallMs: performance.now() - wallStart,
      frameLoopMs,
    });
    console.log(formatSummary(summary));
    if (options.keep) console.log(`  data kept in   ${folder}`);
    const delivered = flushed.delivered && fullyDelivered(summary);
    if (!delivered) console.error("demo: some batches were not delivered (see batches_queued and failed_attempts)");
    if (options.json) console.log(JSON.stringify(summary));
    return delivered ? 0 : 1;
  } finally {
    progress.stop();
    camera?.close();
    core?.close();
    await collector.close();
    if (!options.keep) rmSync(folder, { recursive: true, force: true });
  }
}

/** Where the frames come from, checked but not opened yet. */
interface SourcePlan {
  readonly description: string;
  /** Frames the source will give, when known (for the progress bar). */
  readonly expectedFrames: number | undefined;
  /** The images are consecutive frames of one scene (no empty scene between them): labels link across them. */
  readonly consecutive: boolean;
  open(log: Log, onShown: (file: string) => void): Camera;
}

function planSource(options: DemoOptions): SourcePlan {
  const { source, fps } = options;
  if (source.kind === "video") {
    if (options.holdSeconds !== undefined || options.gapSeconds !== undefined) throw new UsageError("--hold and --gap apply to images, not to --video");
    const file = resolve(source.file);
    if (!existsSync(file)) throw new UsageError(`--video: no such file ${file}`);
    // A missing ffmpeg stops the run before anything starts.
    if (!onPath("ffmpeg") || !onPath("ffprobe")) throw new UsageError(FFMPEG_MISSING_MESSAGE);
    return { description: `video ${source.file} at ${fps} fps`, expectedFrames: undefined, consecutive: true, open: (log) => new VideoCamera({ file, fps, log }) };
  }
  const files = source.kind === "frames" ? listImagesOrRefuse(source.folder) : demoPhotos(options.photos);
  const holdDefault = source.kind === "demo" ? DEMO_HOLD_SECONDS : 0;
  const holdFrames = Math.max(1, Math.round((options.holdSeconds ?? holdDefault) * fps));
  // Held images get enough empty frames after them for their people to leave.
  const gapFrames = options.gapSeconds !== undefined ? Math.round(options.gapSeconds * fps) : holdFrames > 1 ? defaultGapFrames(fps) : 0;
  const description =
    source.kind === "demo"
      ? `${files.length} held-out photos of ../shared/data/face-mask, each ${holdFrames} frames in view + ${gapFrames} empty`
      : `${files.length} images of ${source.folder}` + (holdFrames > 1 || gapFrames > 0 ? `, each ${holdFrames} frames in view + ${gapFrames} empty` : "");
  return {
    description,
    expectedFrames: files.length * (holdFrames + gapFrames),
    consecutive: gapFrames === 0,
    open: (log, onShown) => new ImageCamera({ files, log, holdFrames, gapFrames, motionPx: holdFrames > 1 ? HOLD_MOTION_PX : 0, onShown }),
  };
}

function listImagesOrRefuse(folder: string): string[] {
  try {
    return listImages(folder);
  } catch (error) {
    throw new UsageError(`--frames: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The demo sequence: the photos the model never trained on (models/split.json "test"), in natural order. */
function demoPhotos(limit: number | undefined): string[] {
  const images = join(DEMO_DATA, "images");
  if (!existsSync(images)) throw new Error(`demo: ${images} not found: the demo needs ../shared/data/face-mask beside the repository`);
  const splitFile = join(ROOT, "models", "split.json");
  let files = listImages(images);
  if (existsSync(splitFile)) {
    const test = new Set((JSON.parse(readFileSync(splitFile, "utf8")) as { test: string[] }).test);
    files = files.filter((file) => test.has(file.slice(images.length + 1)));
  }
  return limit === undefined ? files : files.slice(0, limit);
}

function readConfigFile(path: string | undefined): Record<string, unknown> {
  if (path === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`--config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError(`--config ${path}: must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

function readModel(path: string): Uint8Array {
  if (!existsSync(path)) throw new UsageError(`model ${path} not found`);
  return readFileSync(path);
}

function firmwareVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
}

async function readCollector(https: PinnedHttps, url: string, adminToken: string, site: string): Promise<BatchRecord[]> {
  const response = await https.get({ url: `${url}/v1/batches?site=${encodeURIComponent(site)}`, headers: { authorization: `Bearer ${adminToken}` }, timeoutMs: 10_000 });
  if (response.status !== 200) throw new Error(`demo: the collector answered ${response.status} to GET /v1/batches: ${response.body.slice(0, 200)}`);
  return (JSON.parse(response.body) as { batches: BatchRecord[] }).batches;
}

/** A progress bar on stderr (only on a terminal), with log lines printed above it. */
class Progress {
  #bars: cliProgress.MultiBar | undefined;
  #bar: cliProgress.SingleBar | undefined;
  #enabled = process.stderr.isTTY === true;

  start(total: number | undefined): void {
    if (!this.#enabled) return;
    this.#bars = new cliProgress.MultiBar(
      {
        stream: process.stderr,
        hideCursor: true,
        barsize: 24,
        format: total === undefined ? "{value} frames | {status}" : "{bar} {percentage}% | {value}/{total} frames | {status}",
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar = this.#bars.create(total ?? 0, 0, { status: "" });
  }

  update(frames: number, stats: ReturnType<Ephemera["stats"]>, now: number): void {
    const time = new Date(now).toISOString().slice(11, 16);
    this.#bar?.update(frames, { status: `${time} UTC | ${stats.peopleCounted} people | ${stats.batchesAcknowledged}/${stats.batchesSent} batches` });
  }

  log(line: string): void {
    if (this.#bars !== undefined) this.#bars.log(line + "\n");
    else process.stderr.write(line + "\n");
  }

  stop(): void {
    this.#bars?.update(); // prints log lines still buffered: stop() alone drops them
    this.#bars?.stop();
    this.#bars = undefined;
    this.#bar = undefined;
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
});

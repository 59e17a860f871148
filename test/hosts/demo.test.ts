import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import batchSchema from "../../src/batch/batch.schema.json" with { type: "json" };
import { join } from "node:path";
import { GroundTruth } from "../../hosts/node/voc-truth.js";
import { removeFolder, tempFolder } from "../collector/fixtures.js";
import { MemoryLog } from "./memory-log.js";

const DEMO = join("build", "hosts", "node", "demo.js");
const FACE_MASK = join("..", "shared", "data", "face-mask");
/**
 * Held-out photos (models/split.json "test") with the most faces that come out 10 to 40 px
 * at the default scale, so that the count clears the 10-person threshold with a margin.
 */
const PHOTOS = Object.freeze([424, 223, 460, 111, 329, 49, 680, 722, 516, 30].map((n) => `maksssksksss${n}.jpg`));
const LABELLED_FACES = 22 + 14 + 12 + 12 + 9 + 8 + 10 + 9 + 7 + 7;
const HOLD_FRAMES = 4; // --hold 4 at --fps 1
const GAP_FRAMES = 11; // empty frames after each: tracks end (unseen for 2 s) and static spots are forgotten (10 s)
const MINUTE_MS = 60_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runDemo(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Privacy at rest after a run: the device store holds only the core's small
 * aggregate entries, and the collector's tables hold only the schema's fields.
 */
function checkNothingButAggregates(dataFolder: string): void {
  const files = readdirSync(dataFolder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  const names = files.map((entry) => join(entry.parentPath, entry.name).slice(dataFolder.length + 1)).sort();
  const expected = ["ca.cert.pem", "ca.key.pem", "collector.sqlite", "server.cert.pem", "server.key.pem"].map((name) => join("collector", name));
  assert.deepEqual(
    names.filter((name) => !/collector\.sqlite-(wal|shm)$/.test(name)),
    [...expected, join("device", "store.json")].sort(),
  );
  const store = JSON.parse(readFileSync(join(dataFolder, "device", "store.json"), "utf8")) as { entries: Record<string, string> };
  for (const [key, value] of Object.entries(store.entries)) {
    assert.ok(key === "win" || key.startsWith("bq"), `store key ${key}`);
    assert.ok(value.length < 1000, `store value of ${key} is small (${value.length} characters)`);
  }
  const database = new Database(join(dataFolder, "collector", "collector.sqlite"), { readonly: true });
  try {
    const columns = (database.prepare("PRAGMA table_info(batches)").all() as { name: string }[]).map((column) => column.name);
    assert.deepEqual(columns.sort(), Object.keys(batchSchema.properties).sort());
  } finally {
    database.close();
  }
}

describe("demo (npm start) end to end, with the project's mask model", function () {
  this.timeout(600_000);
  let folder: string;

  before(() => {
    folder = tempFolder("demo-frames");
    mkdirSync(join(folder, "images"));
    mkdirSync(join(folder, "annotations"));
    for (const photo of PHOTOS) {
      copyFileSync(join(FACE_MASK, "images", photo), join(folder, "images", photo));
      const label = photo.replace(/\.jpg$/, ".xml");
      copyFileSync(join(FACE_MASK, "annotations", label), join(folder, "annotations", label));
    }
    // A corrupt image in the middle of the sequence (natural order puts it between 223 and 329).
    writeFileSync(join(folder, "images", "maksssksksss250.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]));
  });

  after(() => removeFolder(folder));

  it("--frames DIR --hold 4 --json: counts, releases, delivers every batch once, none under 10 people or 15 minutes", async () => {
    const run = await runDemo(["--frames", folder, "--hold", "4", "--fps", "1", "--json", "--keep"]);
    assert.equal(run.code, 0, run.stderr);
    const kept = /data kept in +(\S+)/.exec(run.stdout)?.[1];
    assert.ok(kept !== undefined, "the data folder is named");
    try {
      checkNothingButAggregates(kept);
    } finally {
      removeFolder(kept);
    }
    const lines = run.stdout.trim().split("\n");
    const summary = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;

    assert.equal(summary.frames, PHOTOS.length * (HOLD_FRAMES + GAP_FRAMES));
    assert.equal(summary.images_shown, PHOTOS.length);
    assert.equal(summary.images_skipped, 1);
    assert.equal(summary.people_true, LABELLED_FACES);
    assert.equal(typeof summary.masked_share_true, "number");
    assert.equal(typeof summary.people_counted, "number");
    for (const key of ["masked_share", "windows_released", "windows_merged", "batches_sent", "batches_acknowledged", "batches_in_collector"]) {
      assert.ok(key in summary, `summary has ${key}`);
    }

    assert.ok((summary.batches_sent as number) > 0, "at least one batch released and sent");
    assert.equal(summary.batches_acknowledged, summary.batches_sent);
    assert.equal(summary.batches_in_collector, summary.batches_sent);
    const batches = summary.batches as { people: number; masked: number; unmasked: number; window_start: string; window_end: string }[];
    assert.equal(batches.length, summary.batches_in_collector);
    for (const batch of batches) {
      assert.ok(batch.people >= 10, `batch of ${batch.people} people`);
      assert.equal(batch.people, batch.masked + batch.unmasked);
      assert.ok(Date.parse(batch.window_end) - Date.parse(batch.window_start) >= 15 * MINUTE_MS, `${batch.window_start} .. ${batch.window_end}`);
    }
    const released = batches.reduce((sum, batch) => sum + batch.people, 0);
    assert.equal(released + (summary.people_pending as number), summary.people_counted, "released + pending = counted");

    // The corrupt image: logged once, skipped, and the run went on.
    const skips = run.stderr.split("\n").filter((line) => line.includes("camera.skip"));
    assert.equal(skips.length, 1, run.stderr);
    assert.match(skips[0], /file=maksssksksss250\.jpg/);
    // The human summary comes first.
    assert.match(run.stdout, /people counted/);
  });

  it("--frames DIR --fps N: each image is one frame, taken 1/N s apart", async () => {
    const run = await runDemo(["--frames", join(folder, "images"), "--fps", "2", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as Record<string, unknown>;
    assert.equal(summary.frames, PHOTOS.length);
    assert.equal(summary.camera_seconds, PHOTOS.length / 2);
    // Consecutive frames: labels are linked into passages across frames (hosts/node/voc-truth.ts,
    // tested on its own), in the camera's natural name order.
    const truth = new GroundTruth({ log: new MemoryLog(), consecutive: true });
    for (const photo of [...PHOTOS].sort((a, b) => a.localeCompare(b, "en", { numeric: true }))) truth.add(join(folder, "images", photo));
    assert.equal(summary.people_true, truth.summary().peopleTrue, "labels found in annotations/ beside images/, linked across frames");
    assert.ok((summary.people_true as number) < LABELLED_FACES, "faces that stay put across frames are one passage");
    assert.equal(summary.batches_acknowledged, summary.batches_sent);
    assert.equal(summary.batches_in_collector, summary.batches_sent);
  });

  it("refuses a bad config at start, naming the key, with exit code 2 and nothing run", async () => {
    const scratch = tempFolder("demo-bad-config");
    try {
      const cases: ReadonlyArray<[object, RegExp]> = [
        [{ windowMinutes: 10 }, /"windowMinutes" must be between 15 and 1440, got 10/],
        [{ minPeople: 9 }, /"minPeople" must be between 10/],
        [{ windowMinutes: 20, flashLight: true }, /"flashLight" is not a known key/],
      ];
      for (const [config, message] of cases) {
        const file = join(scratch, "config.json");
        writeFileSync(file, JSON.stringify(config));
        const temp = join(scratch, "tmp");
        mkdirSync(temp, { recursive: true });
        const run = await runDemo(["--frames", folder, "--config", file, "--json"], { ...process.env, TMPDIR: temp });
        assert.equal(run.code, 2);
        assert.match(run.stderr, message);
        assert.match(run.stderr, /^demo: bad config in /);
        assert.equal(run.stdout, "", "no summary: nothing ran");
        assert.deepEqual(readdirSync(temp), [], "no data folder created: the collector never started");
      }
    } finally {
      removeFolder(scratch);
    }
  });
});

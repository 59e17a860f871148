import { strict as assert } from "node:assert";
import { EventEmitter } from "node:events";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { decodeArgs, FFMPEG_MISSING_MESSAGE, onPath, parseProbe, probeArgs, VideoCamera, type FrameProcess } from "../../hosts/node/video-camera.js";
import { removeFolder, tempFolder } from "../collector/fixtures.js";
import { MemoryLog } from "./memory-log.js";

/** Stands in for ffmpeg: the test writes its stdout and ends it. */
class FakeFfmpeg extends EventEmitter implements FrameProcess {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly calls: { command: string; args: readonly string[] }[] = [];
  killedWith: string | undefined;

  kill(signal?: NodeJS.Signals): boolean {
    this.killedWith = signal;
    return true;
  }

  exit(code: number, stderr = ""): void {
    if (stderr !== "") this.stderr.write(stderr);
    this.stdout.end();
    // ffmpeg's close comes after its streams end.
    setImmediate(() => this.emit("close", code, null));
  }
}

function camera(fake: FakeFfmpeg, size = "4x2\n"): VideoCamera {
  return new VideoCamera({
    file: "clip.mp4",
    fps: 2,
    log: new MemoryLog(),
    probe: (command, args) => {
      fake.calls.push({ command, args });
      return size;
    },
    spawn: (command, args) => {
      fake.calls.push({ command, args });
      return fake;
    },
  });
}

describe("hosts/node: VideoCamera (ffmpeg through a fake process)", () => {
  it("builds ffprobe and ffmpeg arguments for gray frames at the camera's rate", () => {
    assert.deepEqual(probeArgs("in.mp4"), ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0:s=x", "--", "in.mp4"]);
    const args = decodeArgs("in.mp4", 1.5);
    assert.deepEqual(args.slice(args.indexOf("-i"), args.indexOf("-i") + 2), ["-i", "in.mp4"]);
    assert.equal(args[args.indexOf("-vf") + 1], "fps=1.5");
    assert.equal(args[args.indexOf("-pix_fmt") + 1], "gray");
    assert.equal(args[args.indexOf("-f") + 1], "rawvideo");
    assert.equal(args.at(-1), "pipe:1");
  });

  it("parses ffprobe's size and refuses anything else", () => {
    assert.deepEqual(parseProbe("640x480\n"), { width: 640, height: 480 });
    assert.throws(() => parseProbe(""), /no frame size/);
    assert.throws(() => parseProbe("N/A"), /no frame size/);
    assert.throws(() => parseProbe("0x480"), /bad frame size/);
  });

  it("cuts ffmpeg's byte stream into frames, across chunk boundaries", async () => {
    const fake = new FakeFfmpeg();
    const video = camera(fake);
    assert.deepEqual(fake.calls.map((call) => call.command), ["ffprobe", "ffmpeg"]);
    fake.stdout.write(Buffer.from([1, 2, 3, 4, 5]));
    fake.stdout.write(Buffer.from([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]));
    fake.exit(0);
    const first = await video.read();
    const second = await video.read();
    assert.deepEqual(first && { width: first.width, height: first.height, pixels: [...first.pixels] }, { width: 4, height: 2, pixels: [1, 2, 3, 4, 5, 6, 7, 8] });
    assert.deepEqual(second && [...second.pixels], [9, 10, 11, 12, 13, 14, 15, 16]);
    assert.equal(await video.read(), null);
  });

  it("waits for frames that have not arrived yet", async () => {
    const fake = new FakeFfmpeg();
    const video = camera(fake);
    const pending = video.read();
    setTimeout(() => fake.stdout.write(Buffer.alloc(8, 7)), 10);
    const frame = await pending;
    assert.deepEqual(frame && [...frame.pixels], [7, 7, 7, 7, 7, 7, 7, 7]);
    video.close();
    assert.equal(fake.killedWith, "SIGTERM");
  });

  it("pauses ffmpeg while decoded frames pile up, and resumes as they are read", async () => {
    const fake = new FakeFfmpeg();
    const video = camera(fake);
    fake.stdout.write(Buffer.alloc(8 * 6, 3));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fake.stdout.isPaused(), true);
    for (let i = 0; i < 3; i++) assert.ok(await video.read());
    assert.equal(fake.stdout.isPaused(), false);
    video.close();
  });

  it("reports ffmpeg's failure with its message", async () => {
    const fake = new FakeFfmpeg();
    const video = camera(fake);
    fake.exit(1, "clip.mp4: Invalid data found when processing input\n");
    await assert.rejects(video.read(), /ffmpeg exited with 1: clip.mp4: Invalid data/);
  });

  it("drops a trailing partial frame with a warning", async () => {
    const fake = new FakeFfmpeg();
    const log = new MemoryLog();
    const video = new VideoCamera({ file: "v", fps: 1, log, probe: () => "2x2", spawn: () => fake });
    fake.stdout.write(Buffer.alloc(6, 1));
    fake.exit(0);
    assert.ok(await video.read());
    assert.equal(await video.read(), null);
    assert.deepEqual(log.lines.map((line) => [line.event, line.fields.bytes]), [["camera.partial_frame", 2]]);
  });

  it("says clearly that ffmpeg is missing when it is not on the PATH", () => {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      assert.throws(() => new VideoCamera({ file: "clip.mp4", fps: 1, log: new MemoryLog() }), (error: Error) => error.message === FFMPEG_MISSING_MESSAGE);
    } finally {
      process.env.PATH = saved;
    }
    assert.match(FFMPEG_MISSING_MESSAGE, /apt-get install ffmpeg/);
  });

  it("finds executables on a PATH", () => {
    const folder = tempFolder("path");
    try {
      writeFileSync(join(folder, "ffmpeg"), "#!/bin/sh\n");
      chmodSync(join(folder, "ffmpeg"), 0o755);
      writeFileSync(join(folder, "ffprobe"), "not executable");
      assert.equal(onPath("ffmpeg", `/nonexistent:${folder}`), true);
      assert.equal(onPath("ffprobe", folder), false);
    } finally {
      removeFolder(folder);
    }
  });
});

import { strict as assert } from "node:assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { GrayFrame } from "../../src/interfaces/index.js";
import { ImageCamera, listImages } from "../../hosts/node/image-camera.js";
import { removeFolder, tempFolder } from "../collector/fixtures.js";
import { MemoryLog } from "./memory-log.js";

/** A PNG of `width` x `height` filled by `rgb(x, y)`. */
function png(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      image.data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return PNG.sync.write(image);
}

async function readAll(camera: ImageCamera): Promise<GrayFrame[]> {
  const frames: GrayFrame[] = [];
  for (let frame = await camera.read(); frame !== null; frame = await camera.read()) frames.push(frame);
  return frames;
}

describe("hosts/node: ImageCamera", () => {
  let folder: string;

  beforeEach(() => {
    folder = tempFolder("camera");
  });

  afterEach(() => {
    removeFolder(folder);
  });

  it("lists JPEG and PNG files in natural order (2 before 10), ignoring other files", () => {
    for (const name of ["f10.png", "f2.PNG", "f1.jpg", "f01b.jpeg", "notes.txt", "f3.xml"]) writeFileSync(join(folder, name), "");
    assert.deepEqual(listImages(folder).map((file) => file.slice(folder.length + 1)), ["f1.jpg", "f01b.jpeg", "f2.PNG", "f10.png"]);
  });

  it("reads a VOC folder's images/ when the folder itself has no images", () => {
    mkdirSync(join(folder, "images"));
    mkdirSync(join(folder, "annotations"));
    writeFileSync(join(folder, "images", "a.png"), "");
    assert.deepEqual(listImages(folder), [join(folder, "images", "a.png")]);
  });

  it("refuses a folder without images, with a message naming it", () => {
    assert.throws(() => listImages(folder), new RegExp(`no JPEG or PNG images in ${folder}`));
    assert.throws(() => listImages(join(folder, "missing")), /is not a folder/);
  });

  it("converts colour to BT.601 integer luma", async () => {
    const colours: [number, number, number][] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [0, 0, 0], [10, 200, 90]];
    writeFileSync(join(folder, "c.png"), png(colours.length, 1, (x) => colours[x]));
    const [frame] = await readAll(new ImageCamera({ files: listImages(folder), log: new MemoryLog() }));
    assert.equal(frame.width, 6);
    assert.equal(frame.height, 1);
    const expected = colours.map(([r, g, b]) => (77 * r + 150 * g + 29 * b + 128) >> 8);
    assert.deepEqual([...frame.pixels], expected);
    assert.deepEqual(expected.slice(0, 5), [77, 149, 29, 255, 0]);
  });

  it("decodes JPEG too", async () => {
    const width = 16;
    const height = 8;
    const data = Buffer.alloc(width * height * 4, 100);
    writeFileSync(join(folder, "g.jpg"), jpeg.encode({ data, width, height }, 95).data);
    const [frame] = await readAll(new ImageCamera({ files: listImages(folder), log: new MemoryLog() }));
    assert.equal(frame.pixels.length, width * height);
    for (const value of frame.pixels) assert.ok(Math.abs(value - 100) <= 2, `gray ${value}`);
  });

  it("logs a corrupt or unreadable image once, skips it and goes on", async () => {
    writeFileSync(join(folder, "f1.png"), png(2, 2, () => [10, 10, 10]));
    writeFileSync(join(folder, "f2.jpg"), Buffer.from("this is not a jpeg"));
    writeFileSync(join(folder, "f3.png"), png(2, 2, () => [20, 20, 20]).subarray(0, 30)); // truncated
    writeFileSync(join(folder, "f10.png"), png(2, 2, () => [30, 30, 30]));
    const log = new MemoryLog();
    const shown: string[] = [];
    const camera = new ImageCamera({ files: listImages(folder), log, onShown: (file) => shown.push(file) });
    const frames = await readAll(camera);
    assert.deepEqual(frames.map((frame) => frame.pixels[0]), [10, 30]);
    assert.deepEqual(log.lines.map((line) => [line.level, line.event, line.fields.file]), [
      ["warn", "camera.skip", "f2.jpg"],
      ["warn", "camera.skip", "f3.png"],
    ]);
    assert.deepEqual(camera.skipped.map((file) => file.slice(folder.length + 1)), ["f2.jpg", "f3.png"]);
    assert.deepEqual(shown.map((file) => file.slice(folder.length + 1)), ["f1.png", "f10.png"]);
    assert.equal(await camera.read(), null, "stays at the end");
    assert.equal(log.lines.length, 2, "each bad file logged once");
  });

  it("holds each image with small shifts, then shows an empty scene", async () => {
    const width = 12;
    const height = 10;
    const pattern = (x: number, y: number): number => (x * 17 + y * 29) % 251;
    writeFileSync(join(folder, "a.png"), png(width, height, (x, y) => [pattern(x, y), pattern(x, y), pattern(x, y)]));
    writeFileSync(join(folder, "b.png"), png(width, height, () => [50, 50, 50]));
    const camera = new ImageCamera({ files: listImages(folder), log: new MemoryLog(), holdFrames: 6, gapFrames: 2, motionPx: 2 });
    const frames = await readAll(camera);
    assert.equal(frames.length, 2 * (6 + 2));
    const held = frames.slice(0, 6);
    const shifts = held.map((frame) => shiftOf(frame, width, height, pattern));
    assert.deepEqual(shifts[0], [0, 0], "the first frame is the photo as is");
    for (const [dx, dy] of shifts) assert.ok(Math.abs(dx) <= 2 && Math.abs(dy) <= 2);
    assert.ok(shifts.some(([dx, dy]) => dx !== 0 || dy !== 0), "there is some motion");
    for (const gap of frames.slice(6, 8)) assert.ok(gap.pixels.every((value) => value === 128), "empty scene");
    assert.ok(frames[8].pixels.every((value) => value === 50));
    assert.notEqual(frames[0].pixels, frames[1].pixels, "a fresh buffer per frame (the core wipes frames)");
  });
});

/** The (dx, dy) within ±2 for which `frame` is the pattern moved by (dx, dy) in its interior. */
function shiftOf(frame: GrayFrame, width: number, height: number, pattern: (x: number, y: number) => number): [number, number] {
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      let match = true;
      for (let y = 2; y < height - 2 && match; y++) {
        for (let x = 2; x < width - 2 && match; x++) match = frame.pixels[y * width + x] === pattern(x - dx, y - dy);
      }
      if (match) return [dx, dy];
    }
  }
  throw new Error("frame is not a small shift of the photo");
}

import { strict as assert } from "node:assert";
import { join } from "node:path";
import { Ephemera } from "../../src/app/ephemera.js";
import type { Camera, GrayFrame } from "../../src/interfaces/index.js";
import { FileStore } from "../../hosts/node/file-store.js";
import { flush, runCamera } from "../../hosts/node/host-run.js";
import { PinnedHttps } from "../../hosts/node/pinned-https.js";
import { SimulatedClock } from "../../hosts/node/sim-clock.js";
import { Collector } from "../../collector/server.js";
import { drawFace, StandInModel } from "../support/stand-in-model.js";
import { removeFolder, tempFolder } from "../collector/fixtures.js";
import { MemoryLog } from "./memory-log.js";

const WIDTH = 320;
const HEIGHT = 240;

/** A visit: people standing in view for `hold` frames, then `gap` empty frames. */
interface Visit {
  readonly faces: readonly { x: number; y: number; cls: "mask" | "no_mask" }[];
}

/** Synthetic scenes of face markers that the stand-in model (tests only) recognises. */
class MarkerCamera implements Camera {
  #frames: (() => GrayFrame)[] = [];

  constructor(visits: readonly Visit[], hold = 4, gap = 11) {
    for (const visit of visits) {
      for (let i = 0; i < hold; i++) this.#frames.push(() => this.#draw(visit, i % 2));
      for (let i = 0; i < gap; i++) this.#frames.push(() => this.#draw({ faces: [] }, 0));
    }
  }

  get length(): number {
    return this.#frames.length;
  }

  async read(): Promise<GrayFrame | null> {
    return this.#frames.shift()?.() ?? null;
  }

  close(): void {
    this.#frames = [];
  }

  #draw(visit: Visit, jiggle: number): GrayFrame {
    const pixels = new Uint8Array(WIDTH * HEIGHT).fill(60);
    for (const face of visit.faces) drawFace(pixels, WIDTH, HEIGHT, face.x + jiggle, face.y, 26, face.cls);
    return { width: WIDTH, height: HEIGHT, pixels };
  }
}

/** `count` visits of two people each: one masked, one not, at places that change per visit. */
function visits(count: number): Visit[] {
  return Array.from({ length: count }, (_, i) => ({
    faces: [
      { x: 60 + (i % 5) * 10, y: 80 + (i % 3) * 12, cls: "mask" as const },
      { x: 230 - (i % 4) * 10, y: 150 - (i % 3) * 10, cls: "no_mask" as const },
    ],
  }));
}

describe("hosts/node: the desktop host end to end (stand-in model, real collector, file store, pinned HTTPS)", function () {
  this.timeout(60_000); // child processes and key generation on a busy 2-core machine
  let folder: string;
  let collector: Collector;
  let token: string;

  beforeEach(async () => {
    folder = tempFolder("host-run");
    collector = await Collector.start({ dataDir: join(folder, "collector") });
    token = collector.database.registerDevice("cam-test");
  });

  afterEach(async () => {
    await collector.close();
    removeFolder(folder);
  });

  function core(clock: SimulatedClock, collectorUrl = collector.url, log = new MemoryLog()): Ephemera {
    return new Ephemera({
      config: { deviceId: "cam-test", site: "Test door", collectorUrl, deviceToken: token },
      model: new StandInModel({ withSize: true }),
      clock,
      store: new FileStore(join(folder, "device", "store.json")),
      https: new PinnedHttps({ ca: collector.caCertPem }),
      log,
      firmwareVersion: "0.1.0",
    });
  }

  it("counts every visitor once and delivers the released window exactly once", async () => {
    const clock = new SimulatedClock(Date.parse("2026-03-02T09:00:00Z"));
    const camera = new MarkerCamera(visits(20));
    const frameCount = camera.length;
    const running = core(clock);
    const frames = await runCamera({ camera, core: running, clock, frameIntervalMs: 1000 });
    assert.equal(frames, frameCount);
    const result = await flush({ core: running, clock, windowMinutes: running.config.windowMinutes });
    running.close();
    assert.equal(result.delivered, true);
    const stats = running.stats();
    assert.equal(stats.peopleCounted, 40);
    assert.equal(stats.masked, 20);
    assert.equal(stats.batchesSent, 1);
    assert.equal(stats.batchesAcknowledged, 1);
    const stored = collector.database.batchesForSite("Test door");
    assert.deepEqual(stored, [
      {
        batch_id: "cam-test-20260302T0900Z",
        device_id: "cam-test",
        site: "Test door",
        window_start: "2026-03-02T09:00:00Z",
        window_end: "2026-03-02T09:20:00Z",
        people: 40,
        masked: 20,
        unmasked: 20,
        model_id: "stand-in-test-model@0",
        firmware_version: "0.1.0",
      },
    ]);
  });

  it("merges a window under 10 people into the next: the batch spans both", async () => {
    // 09:19:00 start: the first window gets one minute of camera time (4 visits, 8 people).
    const clock = new SimulatedClock(Date.parse("2026-03-02T09:19:00Z"));
    const running = core(clock);
    await runCamera({ camera: new MarkerCamera(visits(12)), core: running, clock, frameIntervalMs: 1000 });
    await flush({ core: running, clock, windowMinutes: 20 });
    running.close();
    const stats = running.stats();
    assert.equal(stats.windowsMerged, 1);
    assert.equal(stats.windowsReleased, 1);
    const [batch] = collector.database.batchesForSite("Test door");
    assert.equal(batch.window_start, "2026-03-02T09:00:00Z");
    assert.equal(batch.window_end, "2026-03-02T09:40:00Z");
    assert.equal(batch.people, 24);
  });

  it("keeps a batch in the file store while the collector is unreachable and sends it after a restart", async () => {
    const clock = new SimulatedClock(Date.parse("2026-03-02T09:00:00Z"));
    const log = new MemoryLog();
    const offline = core(clock, "https://localhost:1", log); // nothing listens on port 1
    await runCamera({ camera: new MarkerCamera(visits(8)), core: offline, clock, frameIntervalMs: 1000 });
    const first = await flush({ core: offline, clock, windowMinutes: 20, maxDeliveryMs: 10 * 60_000 });
    offline.close();
    assert.equal(first.delivered, false);
    assert.equal(offline.stats().batchesQueued, 1);
    assert.ok(offline.stats().failedAttempts >= 1);
    assert.ok(log.lines.some((line) => line.event === "batch_send_failed"));
    assert.equal(collector.database.countBatches(), 0);

    const restarted = core(clock); // same store file, collector now reachable
    const second = await flush({ core: restarted, clock, windowMinutes: 20 });
    restarted.close();
    assert.equal(second.delivered, true);
    assert.equal(restarted.stats().batchesAcknowledged, 1);
    const [batch] = collector.database.batchesForSite("Test door");
    assert.equal(batch.people, 16);
  });
});

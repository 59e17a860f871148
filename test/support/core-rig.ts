/**
 * The portable core wired to test doubles (stand-in model, simulated clock,
 * memory store and log, fake collector), with the scene its app tests play.
 */
import { SimulatedClock } from "../../hosts/node/sim-clock.js";
import { Ephemera } from "../../src/app/ephemera.js";
import { FakeCollector } from "./fake-collector.js";
import { MemoryLog } from "./memory-log.js";
import { MemoryStore } from "./memory-store.js";
import { StandInModel } from "./stand-in-model.js";

export const MINUTE = 60_000;
export const T0 = Date.UTC(2026, 10, 28, 16, 0, 30);
export const TOKEN = "device-token-0123456789";
export const CONFIG = Object.freeze({ deviceId: "door-01", site: "Library", collectorUrl: "https://collector.test", deviceToken: TOKEN, scaledShortSide: 96, maxTiles: 4 });
/** The scene's frame size and interval. */
export const WIDTH = 128;
export const HEIGHT = 96;
export const FRAME_MS = 200;

export interface CoreRigOptions {
  readonly store?: MemoryStore;
  readonly clock?: SimulatedClock;
  readonly config?: unknown;
}

/** A core on fresh doubles (or the store and clock given, e.g. to restart over the same store). */
export function coreRig(options: CoreRigOptions = {}) {
  const clock = options.clock ?? new SimulatedClock(T0);
  const store = options.store ?? new MemoryStore();
  const log = new MemoryLog();
  const collector = new FakeCollector(clock, TOKEN);
  const model = new StandInModel();
  const core = new Ephemera({ config: options.config ?? CONFIG, model, clock, store, https: collector, log, firmwareVersion: "0.1.0", random: () => 0.5 });
  return { clock, store, log, collector, model, core };
}

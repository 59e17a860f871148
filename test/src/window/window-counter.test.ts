import { strict as assert } from "node:assert";
import { SimulatedClock } from "../../../hosts/node/sim-clock.js";
import { decodeWindowState, encodeWindowState } from "../../../src/window/window-state.js";
import { WINDOW_STATE_KEY, WindowCounter, type ReleasedSpan } from "../../../src/window/window-counter.js";
import { MemoryLog } from "../../support/memory-log.js";
import { MemoryStore } from "../../support/memory-store.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 28, 16, 0);

function setup(options: { start?: number; store?: MemoryStore; accept?: () => boolean } = {}) {
  const clock = new SimulatedClock(options.start ?? T0 + 3 * MINUTE);
  const store = options.store ?? new MemoryStore();
  const log = new MemoryLog();
  const released: ReleasedSpan[] = [];
  const counter = new WindowCounter({
    windowMinutes: 20, minPeople: 10, clock, store, log,
    release: (span) => {
      if (options.accept !== undefined && !options.accept()) return false;
      released.push(span);
      return true;
    },
  });
  return { clock, store, log, released, counter };
}

function countMany(counter: WindowCounter, masked: number, unmasked: number): void {
  for (let i = 0; i < masked; i++) counter.count("mask");
  for (let i = 0; i < unmasked; i++) counter.count("no_mask");
}

describe("window state encoding", () => {
  it("round-trips in whole minutes and refuses malformed text", () => {
    const state = { spanStart: T0, windowEnd: T0 + 20 * MINUTE, people: 5, masked: 3, unmasked: 2 };
    assert.deepEqual(decodeWindowState(encodeWindowState(state)), state);
    assert.equal(decodeWindowState("{"), undefined);
    assert.equal(decodeWindowState(JSON.stringify({ v: 1, s: 1, e: 2, p: 3, m: 1, u: 1 })), undefined, "people != masked + unmasked");
    assert.equal(decodeWindowState(JSON.stringify({ v: 2, s: 1, e: 2, p: 0, m: 0, u: 0 })), undefined);
    assert.equal(decodeWindowState(JSON.stringify({ v: 1, s: 5, e: 5, p: 0, m: 0, u: 0 })), undefined);
    const withOutbox = { ...state, outbox: { start: T0 - 20 * MINUTE, end: T0, people: 11, masked: 4, unmasked: 7 } };
    assert.deepEqual(decodeWindowState(encodeWindowState(withOutbox)), withOutbox);
    assert.equal(decodeWindowState(JSON.stringify({ v: 1, s: 5, e: 6, p: 0, m: 0, u: 0, o: [5, 7, 1, 1] })), undefined, "outbox after the span");
  });
});

describe("windows", () => {
  it("releases a window with enough people at its UTC-aligned end", () => {
    const { clock, released, counter } = setup();
    countMany(counter, 7, 5);
    assert.deepEqual(released, []);
    clock.advanceTo(T0 + 20 * MINUTE - 1);
    assert.deepEqual(released, []);
    clock.advanceTo(T0 + 20 * MINUTE);
    assert.deepEqual(released, [{ start: T0, end: T0 + 20 * MINUTE, people: 12, masked: 7, unmasked: 5 }]);
    assert.equal(counter.released, 1);
    assert.deepEqual(counter.pending, { start: T0 + 20 * MINUTE, end: T0 + 40 * MINUTE, people: 0, masked: 0, unmasked: 0 });
  });

  it("merges a small window into the next; the batch spans both", () => {
    const { clock, released, counter } = setup();
    countMany(counter, 4, 2);
    clock.advanceTo(T0 + 25 * MINUTE);
    assert.deepEqual(released, []);
    assert.equal(counter.merged, 1);
    countMany(counter, 3, 1);
    clock.advanceTo(T0 + 40 * MINUTE);
    assert.deepEqual(released, [{ start: T0, end: T0 + 40 * MINUTE, people: 10, masked: 7, unmasked: 3 }]);
  });

  it("lets empty windows pass without stretching the next batch", () => {
    const { clock, released, counter } = setup();
    clock.advanceTo(T0 + 65 * MINUTE);
    countMany(counter, 10, 0);
    clock.advanceTo(T0 + 80 * MINUTE);
    assert.deepEqual(released, [{ start: T0 + 60 * MINUTE, end: T0 + 80 * MINUTE, people: 10, masked: 10, unmasked: 0 }]);
    assert.equal(counter.merged, 0);
  });

  it("counts a person at the boundary into the new window", () => {
    const { clock, released, counter } = setup();
    countMany(counter, 10, 0);
    clock.advanceTo(T0 + 20 * MINUTE);
    counter.count("no_mask");
    assert.equal(released[0].people, 10);
    assert.equal(counter.pending.people, 1);
  });

  it("writes the counters at most once per 2 minutes while counting, and the last ones by timer", () => {
    const { clock, store, counter } = setup();
    const writes = (): number => store.writes.filter((w) => w.key === WINDOW_STATE_KEY).length;
    const before = writes();
    counter.count("mask");
    assert.equal(writes(), before + 1, "the first count is written at once");
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      counter.count("mask");
    }
    assert.equal(writes(), before + 1, "no write within the interval");
    clock.advance(2 * MINUTE);
    assert.equal(writes(), before + 2, "the timer wrote the last counts");
    assert.equal(decodeWindowState(store.get(WINDOW_STATE_KEY) ?? "")?.people, 6);
    clock.advance(10 * MINUTE);
    assert.equal(writes(), before + 2, "nothing new, nothing written");
  });

  it("writes at every window end and on close", () => {
    const { clock, store, counter } = setup();
    countMany(counter, 2, 0);
    const before = store.writes.length;
    clock.advanceTo(T0 + 20 * MINUTE);
    assert.ok(store.writes.length > before);
    counter.count("mask");
    counter.count("mask");
    counter.close();
    assert.equal(decodeWindowState(store.get(WINDOW_STATE_KEY) ?? "")?.people, 4);
    assert.throws(() => counter.count("mask"), /closed/);
  });

  it("resumes after a restart: the open window goes on", () => {
    const store = new MemoryStore();
    const first = setup({ store });
    countMany(first.counter, 6, 0);
    first.counter.close();
    const second = setup({ store, start: T0 + 10 * MINUTE });
    assert.equal(second.counter.pending.people, 6);
    countMany(second.counter, 0, 4);
    second.clock.advanceTo(T0 + 20 * MINUTE);
    assert.deepEqual(second.released, [{ start: T0, end: T0 + 20 * MINUTE, people: 10, masked: 6, unmasked: 4 }]);
  });

  it("closes windows that ended while the device was off", () => {
    const store = new MemoryStore();
    const first = setup({ store });
    countMany(first.counter, 11, 0);
    first.counter.close();
    const second = setup({ store, start: T0 + 3 * 60 * MINUTE });
    assert.deepEqual(second.released, [{ start: T0, end: T0 + 20 * MINUTE, people: 11, masked: 11, unmasked: 0 }]);
    assert.deepEqual(second.counter.pending, { start: T0 + 180 * MINUTE, end: T0 + 200 * MINUTE, people: 0, masked: 0, unmasked: 0 });
  });

  it("carries a small span over a long power cut, releasing it once it reaches the threshold", () => {
    const store = new MemoryStore();
    const first = setup({ store });
    countMany(first.counter, 3, 0);
    first.counter.close();
    const second = setup({ store, start: T0 + 400 * 24 * 60 * MINUTE + 5 * MINUTE });
    assert.equal(second.released.length, 0);
    assert.equal(second.counter.pending.people, 3);
    assert.equal(second.counter.pending.start, T0);
    countMany(second.counter, 0, 7);
    second.clock.advance(20 * MINUTE);
    assert.equal(second.released.length, 1);
    assert.equal(second.released[0].start, T0);
    assert.equal(second.released[0].people, 10);
  });

  it("loses at most the counts of the last 2 minutes on a power cut", () => {
    const store = new MemoryStore();
    const first = setup({ store });
    countMany(first.counter, 5, 0);
    first.clock.advance(3 * MINUTE);
    countMany(first.counter, 2, 0);
    first.clock.advance(MINUTE / 2);
    // Power cut: no close.
    const second = setup({ store, start: first.clock.now() });
    assert.equal(second.counter.pending.people, 5);
  });

  it("writes a release ahead of queueing it: after a power cut in between, the span is handed over again", () => {
    const store = new MemoryStore();
    const first = setup({ store, accept: () => false });
    countMany(first.counter, 12, 0);
    first.clock.advanceTo(T0 + 20 * MINUTE);
    // The queue did not take it (as if the power went off right after the write-ahead).
    assert.deepEqual(decodeWindowState(store.get(WINDOW_STATE_KEY) ?? "")?.outbox, { start: T0, end: T0 + 20 * MINUTE, people: 12, masked: 12, unmasked: 0 });
    assert.equal(first.counter.pending.people, 0);
    const second = setup({ store, start: T0 + 21 * MINUTE });
    assert.deepEqual(second.released, [{ start: T0, end: T0 + 20 * MINUTE, people: 12, masked: 12, unmasked: 0 }]);
    assert.equal(second.counter.outbox, undefined);
    second.counter.close();
    assert.equal(decodeWindowState(store.get(WINDOW_STATE_KEY) ?? "")?.outbox, undefined, "dropped once taken");
  });

  it("merges on when the counters cannot be written at a window end", () => {
    const store = new MemoryStore();
    const { clock, released, counter, log } = setup({ store });
    countMany(counter, 10, 0);
    store.failKey = (key) => key === WINDOW_STATE_KEY;
    clock.advanceTo(T0 + 20 * MINUTE);
    assert.deepEqual(released, []);
    assert.equal(log.named("window_release_deferred")[0]?.fields?.reason, "counters_not_writable");
    store.failKey = () => false;
    counter.count("no_mask");
    clock.advanceTo(T0 + 40 * MINUTE);
    assert.deepEqual(released, [{ start: T0, end: T0 + 40 * MINUTE, people: 11, masked: 10, unmasked: 1 }]);
  });

  it("keeps a released span in the outbox while the queue refuses it (storage full); the open span merges on", () => {
    let accept = false;
    const { clock, released, counter, log } = setup({ accept: () => accept });
    countMany(counter, 10, 0);
    clock.advanceTo(T0 + 20 * MINUTE);
    assert.deepEqual(released, []);
    assert.equal(counter.outbox?.people, 10);
    assert.equal(log.named("window_release_deferred")[0]?.fields?.reason, "queue_full");
    countMany(counter, 0, 10);
    clock.advanceTo(T0 + 40 * MINUTE);
    assert.deepEqual(released, [], "one outbox at a time");
    assert.equal(counter.pending.people, 10);
    assert.equal(counter.pending.start, T0 + 20 * MINUTE);
    accept = true;
    counter.count("mask");
    assert.deepEqual(released, [], "not offered at every call: once per persist interval");
    clock.advance(2 * MINUTE);
    counter.count("mask");
    assert.deepEqual(released, [{ start: T0, end: T0 + 20 * MINUTE, people: 10, masked: 10, unmasked: 0 }]);
    clock.advanceTo(T0 + 60 * MINUTE);
    assert.deepEqual(released[1], { start: T0 + 20 * MINUTE, end: T0 + 60 * MINUTE, people: 12, masked: 2, unmasked: 10 });
  });

  it("keeps the counters in RAM when the store fails, and writes them when it recovers", () => {
    const store = new MemoryStore();
    const { clock, counter, log } = setup({ store });
    store.failWrites = true;
    countMany(counter, 3, 0);
    assert.ok(log.named("window_state_write_failed").length > 0);
    assert.equal(counter.pending.people, 3);
    store.failWrites = false;
    clock.advance(3 * MINUTE);
    counter.count("mask");
    assert.equal(decodeWindowState(store.get(WINDOW_STATE_KEY) ?? "")?.people, 4);
  });

  it("starts afresh, loudly, from unreadable counters", () => {
    const store = new MemoryStore();
    store.set(WINDOW_STATE_KEY, "garbage");
    const { counter, log } = setup({ store });
    assert.equal(counter.pending.people, 0);
    assert.equal(log.named("window_state_unreadable").length, 1);
  });

  it("moves the window end to a new boundary when the window length changed", () => {
    const store = new MemoryStore();
    store.set(WINDOW_STATE_KEY, encodeWindowState({ spanStart: T0, windowEnd: T0 + 20 * MINUTE, people: 4, masked: 4, unmasked: 0 }));
    const clock = new SimulatedClock(T0 + 5 * MINUTE);
    const counter = new WindowCounter({ windowMinutes: 30, minPeople: 10, clock, store, log: new MemoryLog(), release: () => true });
    assert.deepEqual(counter.pending, { start: T0, end: T0 + 30 * MINUTE, people: 4, masked: 4, unmasked: 0 });
  });
});

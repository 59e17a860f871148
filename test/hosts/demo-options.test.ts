import { strict as assert } from "node:assert";
import { DEFAULT_START, DEMO_USAGE, LEAVE_MS, defaultGapFrames, parseDemoArgs, UsageError } from "../../hosts/node/demo-options.js";
import { TRACKER_DEFAULTS } from "../../src/track/tracker.js";

describe("hosts/node: demo options", () => {
  it("defaults to the demo sequence at 5 fps from the default start", () => {
    const options = parseDemoArgs([]);
    assert.deepEqual(options.source, { kind: "demo" });
    assert.equal(options.fps, 5);
    assert.equal(options.start, Date.parse(DEFAULT_START));
    assert.equal(options.json, false);
    assert.equal(options.holdSeconds, undefined);
  });

  it("reads --frames, --fps, --hold, --gap, --json and --config", () => {
    const options = parseDemoArgs(["--frames", "shots", "--fps", "2.5", "--hold", "3", "--gap", "0", "--json", "--config", "c.json"]);
    assert.deepEqual(options.source, { kind: "frames", folder: "shots" });
    assert.equal(options.fps, 2.5);
    assert.equal(options.holdSeconds, 3);
    assert.equal(options.gapSeconds, 0);
    assert.equal(options.json, true);
    assert.equal(options.configFile, "c.json");
  });

  it("by default leaves held images' people time to leave, and says how long in the help", () => {
    assert.ok(LEAVE_MS > TRACKER_DEFAULTS.maxGapMs, "the static-spot memory (10 s) outlasts a track's 2 s");
    assert.equal(defaultGapFrames(5), 51); // 10 s at 5 fps, and one frame more
    assert.ok((defaultGapFrames(2) - 1) * 500 >= LEAVE_MS && (defaultGapFrames(30) - 1) * (1000 / 30) >= LEAVE_MS);
    assert.match(DEMO_USAGE, new RegExp(`people to leave, ${LEAVE_MS / 1000} s and one frame`));
  });

  it("reads --video", () => {
    assert.deepEqual(parseDemoArgs(["--video", "door.mp4"]).source, { kind: "video", file: "door.mp4" });
  });

  const refused: ReadonlyArray<[string[], RegExp]> = [
    [["--fps", "0"], /--fps must be a number from 0.01 to 120, got '0'/],
    [["--fps", "fast"], /--fps/],
    [["--hold", "-1"], /--hold/],
    [["--photos", "2.5"], /--photos must be a whole number/],
    [["--frames", "a", "--video", "b"], /not both/],
    [["--frames", "a", "--photos", "3"], /--photos applies to the demo sequence only/],
    [["--start", "yesterday"], /--start must be an ISO 8601 time/],
    [["--colour"], /Unknown option '--colour'/],
    [["stray"], /positional/i],
  ];
  for (const [argv, message] of refused) {
    it(`refuses ${argv.join(" ")} with a UsageError`, () => {
      assert.throws(() => parseDemoArgs(argv), (error: Error) => error instanceof UsageError && message.test(error.message));
    });
  }
});

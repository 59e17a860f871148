import { strict as assert } from "node:assert";
import { DEFAULT_START, parseDemoArgs, UsageError } from "../../hosts/node/demo-options.js";

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

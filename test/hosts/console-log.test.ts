import { strict as assert } from "node:assert";
import { ConsoleLog, formatLine } from "../../hosts/node/console-log.js";

describe("hosts/node: ConsoleLog", () => {
  it("prints one concise line per event: level, event, key=value", () => {
    assert.equal(formatLine("info", "batch_acknowledged", { key: "bq1", status: 201, ok: true }), "info  batch_acknowledged key=bq1 status=201 ok=true");
    assert.equal(formatLine("warn", "camera.skip", { file: "a b.jpg", reason: 'bad "x"' }), 'warn  camera.skip file="a b.jpg" reason="bad \\"x\\""');
  });

  it("never prints credentials, by field name or by shape", () => {
    const line = formatLine("error", "uplink", {
      deviceToken: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
      authorization: "Bearer abc",
      header: "Bearer abcdefghijklmnop",
      password: "hunter2",
      pem: "-----BEGIN PRIVATE KEY-----\nMIIE",
    });
    for (const secret of ["abcdefghijklmnopqrstuvwxyz", "Bearer", "hunter2", "MIIE"]) assert.equal(line.includes(secret), false, line);
    assert.equal(line.match(/\[redacted\]/g)?.length, 5);
  });

  it("keeps lines short and on one line", () => {
    const line = formatLine("error", "batch_refused", { message: "x".repeat(500) + "\nsecond line" });
    assert.equal(line.includes("\n"), false);
    assert.ok(line.length < 260);
  });

  it("drops events below its level", () => {
    const lines: string[] = [];
    const log = new ConsoleLog({ level: "warn", write: (line) => lines.push(line) });
    log.write("debug", "a");
    log.write("info", "b");
    log.write("warn", "c");
    log.write("error", "d");
    assert.deepEqual(lines, ["warn  c", "error d"]);
  });
});

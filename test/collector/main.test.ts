import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CollectorDatabase } from "../../collector/database.js";
import { PinnedHttps } from "../../hosts/node/pinned-https.js";
import type { BatchRecord } from "../../src/batch/record.js";
import { removeFolder, tempFolder, validBatch } from "./fixtures.js";

const MAIN = join("build", "collector", "main.js");

describe("collector: command line (npm run collector)", function () {
  this.timeout(60_000); // child processes and key generation on a busy 2-core machine
  let folder: string;

  beforeEach(() => {
    folder = tempFolder("collector-cli");
  });

  afterEach(() => {
    removeFolder(folder);
  });

  it("registers a device, then serves batches for it until SIGTERM", async () => {
    const registered = spawnSync(process.execPath, [MAIN, "register-device", "dev-one", "--data", folder], { encoding: "utf8" });
    assert.equal(registered.status, 0, registered.stderr);
    const token = registered.stdout.trim();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.match(registered.stderr, /not shown again/);

    const again = spawnSync(process.execPath, [MAIN, "register-device", "dev-one", "--data", folder], { encoding: "utf8" });
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already registered/);

    const server = spawn(process.execPath, [MAIN, "--data", folder, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = "";
        server.stderr.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
          const match = /listening on (https:\/\/localhost:\d+)/.exec(text);
          if (match) resolve(match[1]);
        });
        server.on("exit", (code) => reject(new Error(`collector exited with ${code}: ${text}`)));
      });
      const client = new PinnedHttps({ ca: readFileSync(join(folder, "ca.cert.pem"), "utf8") });
      const response = await client.post({
        url: `${url}/v1/batches`,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(validBatch()),
        timeoutMs: 5000,
      });
      assert.equal(response.status, 201, response.body);
    } finally {
      const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
      server.kill("SIGTERM");
      assert.equal(await exited, 0);
    }
  });

  it("exits with 2 and the usage on an unknown command or a bad port", () => {
    const unknown = spawnSync(process.execPath, [MAIN, "frobnicate", "--data", folder], { encoding: "utf8" });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    const badPort = spawnSync(process.execPath, [MAIN, "--data", folder, "--port", "99999"], { encoding: "utf8" });
    assert.equal(badPort.status, 2);
    assert.match(badPort.stderr, /--port/);
  });

  function run(...args: string[]) {
    return spawnSync(process.execPath, [MAIN, ...args, "--data", folder], { encoding: "utf8" });
  }

  it("rotates and revokes device tokens, names admin tokens, lists devices and exports CSV", async () => {
    const first = run("register-device", "dev-one").stdout.trim();
    const rotated = run("rotate-device", "dev-one");
    assert.equal(rotated.status, 0, rotated.stderr);
    const second = rotated.stdout.trim();
    assert.match(second, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(second, first);
    assert.equal(run("rotate-device", "dev-ghost").status, 2);
    const alice = run("admin-token", "alice");
    assert.equal(alice.status, 0, alice.stderr);
    assert.match(alice.stderr, /admin token 'alice' printed above/);
    assert.equal(run("revoke-admin", "alice").status, 0);
    assert.match(run("revoke-admin", "alice").stderr, /no admin token named 'alice'/);

    const database = new CollectorDatabase(join(folder, "collector.sqlite"));
    try {
      assert.equal(database.deviceForToken(first), undefined, "the old token no longer works");
      assert.equal(database.deviceForToken(second), "dev-one");
      assert.equal(database.storeBatch(validBatch() as unknown as BatchRecord), "stored");
    } finally {
      database.close();
    }
    const listed = run("list-devices");
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^dev-one\tlate\tlast window 2026-03-02T09:00:00Z\.\.2026-03-02T09:20:00Z at Lobby \(\d+ min ago\)$/m);
    const csv = run("export-csv", "--site", "Lobby");
    assert.equal(csv.status, 0, csv.stderr);
    assert.equal(csv.stdout.split("\r\n")[1], "dev-one-20260302T0900Z,dev-one,Lobby,2026-03-02T09:00:00Z,2026-03-02T09:20:00Z,12,9,3,mask-fomo@1a2b3c4d5e6f,0.1.0");
    assert.equal(run("export-csv", "--from", "yesterday").status, 2);

    const revoked = run("revoke-device", "dev-one");
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.match(run("list-devices").stdout, /^dev-one\trevoked\t/m);
    assert.equal(run("revoke-device", "dev-ghost").status, 2);
  });

  it("checks a config file and refuses to serve with a bad one, naming the key", () => {
    const path = join(folder, "collector.config.json");
    mkdirSync(folder, { recursive: true });
    writeFileSync(path, JSON.stringify({ sites: { Lobby: { rules: [{ id: "low", type: "share_below", percent: 60, windows: 3, sms: ["+33612345678"] }] } } }));
    const bad = run("check-config");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /collector config .*collector\.config\.json: sites\.Lobby\.rules\[0\]\.sms: recipients given but no 'sms' section/);
    const serving = run("serve", "--port", "0");
    assert.equal(serving.status, 2, "a bad config stops the collector before it listens");
    assert.match(serving.stderr, /sites\.Lobby\.rules\[0\]\.sms/);
    writeFileSync(path, JSON.stringify({ sms: { url: "https://sms.example/send", method: "POST", body_template: "{{text}}" }, sites: { Lobby: { rules: [{ id: "low", type: "share_below", percent: 60, windows: 3, sms: ["+33612345678"] }] } } }));
    const good = run("check-config");
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stdout, /config OK: 1 rule\(s\) on 1 site\(s\); e-mail off; SMS on/);
  });
});

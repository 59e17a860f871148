import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PinnedHttps } from "../../hosts/node/pinned-https.js";
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
});

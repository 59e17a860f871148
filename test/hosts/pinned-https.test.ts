import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { caCertPath, ensureCertificates, type CollectorCertificates } from "../../collector/certificates.js";
import { PinnedHttps } from "../../hosts/node/pinned-https.js";
import { removeFolder, tempFolder } from "../collector/fixtures.js";

/** An HTTPS server with `certificates`, answering with `handler`. */
async function serve(certificates: CollectorCertificates, handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer({ key: certificates.serverKeyPem, cert: certificates.serverCertPem }, handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `https://localhost:${(server.address() as AddressInfo).port}` };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe("hosts/node: PinnedHttps", function () {
  this.timeout(60_000); // child processes and key generation on a busy 2-core machine
  let folders: string[];
  let ours: CollectorCertificates;
  let theirs: CollectorCertificates;

  before(async () => {
    folders = [tempFolder("ca-ours"), tempFolder("ca-theirs")];
    ours = await ensureCertificates(folders[0]);
    theirs = await ensureCertificates(folders[1]);
  });

  after(() => folders.forEach(removeFolder));

  const echo: Parameters<typeof createServer>[1] = (request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      response.writeHead(201, { "content-type": "application/json" });
      response.end(JSON.stringify({ method: request.method, auth: request.headers.authorization ?? null, body }));
    });
  };

  it("posts to a server whose certificate comes from the pinned CA", async () => {
    const { server, url } = await serve(ours, echo);
    try {
      const response = await new PinnedHttps({ ca: ours.caCertPem }).post({ url: `${url}/v1/batches`, headers: { authorization: "Bearer t" }, body: '{"a":1}', timeoutMs: 5000 });
      assert.equal(response.status, 201);
      assert.deepEqual(JSON.parse(response.body), { method: "POST", auth: "Bearer t", body: '{"a":1}' });
    } finally {
      await stop(server);
    }
  });

  it("refuses a server with a certificate from another CA, even with NODE_TLS_REJECT_UNAUTHORIZED=0", async () => {
    const { server, url } = await serve(theirs, echo);
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    try {
      const client = new PinnedHttps({ ca: ours.caCertPem });
      const request = { url: `${url}/v1/batches`, headers: {}, body: "{}", timeoutMs: 5000 };
      await assert.rejects(client.post(request), /certificate|self.signed|verify/i);
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
      await assert.rejects(client.post(request), /certificate|self.signed|verify/i);
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
      await stop(server);
    }
  });

  it("trusts no CA but the pinned one: not Node's default store, even with NODE_EXTRA_CA_CERTS", async () => {
    const { server, url } = await serve(theirs, echo);
    try {
      // A child process whose default store holds "their" CA (NODE_EXTRA_CA_CERTS extends it).
      const script = `
        import { request } from "node:https";
        import { readFileSync } from "node:fs";
        const { PinnedHttps } = await import(${JSON.stringify(pathToFileURL(join("build", "hosts", "node", "pinned-https.js")).href)});
        const plain = await new Promise((resolve) => request(process.argv[1], { method: "POST" }, (r) => { r.resume(); resolve(r.statusCode); }).on("error", (e) => resolve(e.code)).end());
        const pinned = await new PinnedHttps({ ca: readFileSync(process.argv[2], "utf8") }).post({ url: process.argv[1], headers: {}, body: "", timeoutMs: 5000 }).then((r) => r.status, (e) => e.code);
        console.log(JSON.stringify({ plain, pinned }));`;
      const child = spawn(process.execPath, ["--input-type=module", "-e", script, url, caCertPath(folders[0])], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertPath(folders[1]) },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      await new Promise((resolve) => child.on("exit", resolve));
      const result = JSON.parse(output) as { plain: unknown; pinned: unknown };
      assert.equal(result.plain, 201, "the default store trusts their CA in this process");
      assert.equal(result.pinned, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "the pinned client still refuses it");
    } finally {
      await stop(server);
    }
  });

  it("refuses plain http:// URLs", async () => {
    await assert.rejects(new PinnedHttps({ ca: ours.caCertPem }).post({ url: "http://localhost:1/v1/batches", headers: {}, body: "", timeoutMs: 1000 }), /refusing a http: URL/);
  });

  it("gives up after timeoutMs when the server does not answer", async () => {
    const { server, url } = await serve(ours, () => {
      /* never answers */
    });
    try {
      const started = Date.now();
      await assert.rejects(new PinnedHttps({ ca: ours.caCertPem }).post({ url, headers: {}, body: "", timeoutMs: 200 }), /no answer within 200 ms/);
      assert.ok(Date.now() - started < 3000);
    } finally {
      await stop(server);
    }
  });

  it("cuts off an oversized answer", async () => {
    const { server, url } = await serve(ours, (_request, response) => {
      response.writeHead(200);
      response.end("x".repeat(200_000));
    });
    try {
      await assert.rejects(new PinnedHttps({ ca: ours.caCertPem }).post({ url, headers: {}, body: "", timeoutMs: 5000 }), /larger than/);
    } finally {
      await stop(server);
    }
  });

  it("resolves with any HTTP status (the uplink decides what a 5xx means)", async () => {
    const { server, url } = await serve(ours, (_request, response) => {
      response.writeHead(503);
      response.end("busy");
    });
    try {
      assert.deepEqual(await new PinnedHttps({ ca: ours.caCertPem }).post({ url, headers: {}, body: "", timeoutMs: 5000 }), { status: 503, body: "busy" });
    } finally {
      await stop(server);
    }
  });
});

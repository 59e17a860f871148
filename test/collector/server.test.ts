import { strict as assert } from "node:assert";
import { request } from "node:https";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Collector } from "../../collector/server.js";
import { PinnedHttps } from "../../hosts/node/pinned-https.js";
import { removeFolder, startCollector, validBatch, type CollectorFixture } from "./fixtures.js";

function json(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

describe("collector: POST /v1/batches and GET /v1/batches", function () {
  this.timeout(60_000); // child processes and key generation on a busy 2-core machine
  let fixture: CollectorFixture;

  beforeEach(async () => {
    fixture = await startCollector();
  });

  afterEach(async () => {
    await fixture.close();
    removeFolder(fixture.folder);
  });

  async function storedCount(): Promise<number> {
    return fixture.collector.database.countBatches();
  }

  it("stores a new batch (201) and lists it for its site", async () => {
    const response = await fixture.post(JSON.stringify(validBatch()));
    assert.equal(response.status, 201);
    assert.deepEqual(json(response.body), { status: "stored", batch_id: "dev-one-20260302T0900Z" });
    const listed = await fixture.get("/v1/batches?site=Lobby");
    assert.equal(listed.status, 200);
    assert.deepEqual(json(listed.body).batches, [validBatch()]);
    const other = await fixture.get("/v1/batches?site=Elsewhere");
    assert.deepEqual(json(other.body).batches, []);
  });

  it("is idempotent on batch_id: an identical replay is a 200 duplicate, stored once", async () => {
    assert.equal((await fixture.post(JSON.stringify(validBatch()))).status, 201);
    const replay = await fixture.post(JSON.stringify(validBatch()));
    assert.equal(replay.status, 200);
    assert.equal(json(replay.body).status, "duplicate");
    assert.equal(await storedCount(), 1);
  });

  it("refuses the same batch_id with different content (409) and keeps the first", async () => {
    assert.equal((await fixture.post(JSON.stringify(validBatch()))).status, 201);
    const changed = await fixture.post(JSON.stringify(validBatch({ people: 13, masked: 10 })));
    assert.equal(changed.status, 409);
    assert.equal(json(changed.body).error, "batch_id_conflict");
    assert.match(String(json(changed.body).message), /different content/);
    assert.equal(fixture.collector.database.batchesForSite("Lobby")[0].people, 12);
  });

  const badBodies: ReadonlyArray<{ name: string; body: string; status: number; error: string; message: RegExp }> = [
    { name: "malformed JSON", body: '{"batch_id": ', status: 400, error: "malformed_json", message: /not valid JSON/ },
    { name: "a JSON array", body: "[]", status: 400, error: "schema_violation", message: /must be object/ },
    { name: "an extra field", body: JSON.stringify(validBatch({ faces: [] } as never)), status: 400, error: "schema_violation", message: /'faces' is not allowed/ },
    { name: "a missing field", body: JSON.stringify({ ...validBatch(), site: undefined }), status: 400, error: "schema_violation", message: /site/ },
    { name: "fewer than 10 people", body: JSON.stringify(validBatch({ people: 5, masked: 3, unmasked: 2 })), status: 400, error: "schema_violation", message: /people must be >= 10/ },
    { name: "a time finer than a minute", body: JSON.stringify(validBatch({ window_start: "2026-03-02T09:00:17Z" })), status: 400, error: "schema_violation", message: /window_start/ },
    { name: "people != masked + unmasked", body: JSON.stringify(validBatch({ people: 12, masked: 9, unmasked: 4 })), status: 422, error: "invalid_batch", message: /must equal masked \+ unmasked/ },
    { name: "window_end before window_start", body: JSON.stringify(validBatch({ window_end: "2026-03-02T08:40:00Z" })), status: 422, error: "invalid_batch", message: /must be after window_start/ },
    { name: "window_end equal to window_start", body: JSON.stringify(validBatch({ window_end: "2026-03-02T09:00:00Z" })), status: 422, error: "invalid_batch", message: /must be after window_start/ },
    { name: "a span under 15 minutes", body: JSON.stringify(validBatch({ window_end: "2026-03-02T09:10:00Z" })), status: 422, error: "invalid_batch", message: /at least 15/ },
    { name: "an impossible date", body: JSON.stringify(validBatch({ window_start: "2026-02-30T09:00:00Z", window_end: "2026-03-02T09:20:00Z" })), status: 422, error: "invalid_batch", message: /not a real UTC time/ },
    { name: "a batch_id that does not match device and window", body: JSON.stringify(validBatch({ batch_id: "dev-two-20260302T0900Z" })), status: 422, error: "invalid_batch", message: /batch_id must be 'dev-one-20260302T0900Z'/ },
    { name: "an unknown device", body: JSON.stringify(validBatch({ device_id: "dev-ghost", batch_id: "dev-ghost-20260302T0900Z" })), status: 403, error: "unknown_device", message: /dev-ghost/ },
    { name: "another device's batch", body: JSON.stringify(validBatch({ device_id: "dev-two", batch_id: "dev-two-20260302T0900Z" })), status: 403, error: "wrong_device", message: /does not belong to device 'dev-two'/ },
  ];

  for (const bad of badBodies) {
    it(`answers ${bad.status} with a clear message and stores nothing for ${bad.name}`, async () => {
      const response = await fixture.post(bad.body);
      assert.equal(response.status, bad.status, response.body);
      const answer = json(response.body);
      assert.equal(answer.error, bad.error);
      assert.match(String(answer.message), bad.message);
      assert.equal(await storedCount(), 0);
    });
  }

  it("refuses a missing, malformed or wrong token (401) and stores nothing", async () => {
    const body = JSON.stringify(validBatch());
    const missing = await fixture.post(body, null);
    assert.equal(missing.status, 401);
    assert.match(String(json(missing.body).message), /Bearer/);
    const garbage = await fixture.post(body, "not-a-token");
    assert.equal(garbage.status, 401);
    const wrong = await fixture.post(body, "A".repeat(43));
    assert.equal(wrong.status, 401);
    assert.match(String(json(wrong.body).message), /unknown or wrong device token/);
    const admin = await fixture.post(body, fixture.tokens.admin);
    assert.equal(admin.status, 401);
    assert.equal(await storedCount(), 0);
  });

  it("refuses an oversized body (413) whether declared or streamed", async () => {
    const padded = JSON.stringify({ ...validBatch(), padding: "x".repeat(20_000) });
    const declared = await fixture.post(padded);
    assert.equal(declared.status, 413);
    assert.equal(json(declared.body).error, "body_too_large");
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request(
        `${fixture.collector.url}/v1/batches`,
        { method: "POST", ca: fixture.collector.caCertPem, headers: { authorization: `Bearer ${fixture.tokens.devOne}`, "content-type": "application/json" } },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      outgoing.on("error", reject);
      // No content-length: chunked, so the limit must be enforced while reading.
      outgoing.write(padded.slice(0, 10_000));
      outgoing.end(padded.slice(10_000));
    });
    assert.equal(streamed.status, 413);
    assert.equal(await storedCount(), 0);
  });

  it("refuses a body that is not JSON by content type (415)", async () => {
    const response = await fixture.post(JSON.stringify(validBatch()), fixture.tokens.devOne, { "content-type": "text/plain" });
    assert.equal(response.status, 415);
    assert.equal(await storedCount(), 0);
  });

  it("lets only the admin token read batches, and needs a site", async () => {
    assert.equal((await fixture.get("/v1/batches?site=Lobby", null)).status, 401);
    const device = await fixture.get("/v1/batches?site=Lobby", fixture.tokens.devOne);
    assert.equal(device.status, 403);
    assert.match(String(json(device.body).message), /admin token/);
    const noSite = await fixture.get("/v1/batches");
    assert.equal(noSite.status, 400);
    assert.equal(json(noSite.body).error, "missing_site");
  });

  it("answers unknown routes with 404 and wrong methods with 405, as JSON", async () => {
    const missing = await fixture.get("/v2/else");
    assert.equal(missing.status, 404);
    assert.equal(json(missing.body).error, "not_found");
    const wrongMethod = await fixture.client.post({ url: `${fixture.collector.url}/v1/health`, headers: {}, body: "", timeoutMs: 5000 });
    assert.equal(wrongMethod.status, 405);
  });

  it("answers on 127.0.0.1 as well as localhost (both are in the certificate)", async () => {
    const response = await fixture.client.get({ url: `https://127.0.0.1:${fixture.collector.port}/v1/health`, headers: {}, timeoutMs: 5000 });
    assert.equal(response.status, 200);
  });

  it("keeps tokens hashed at rest: no token text in the database files", async () => {
    assert.equal((await fixture.post(JSON.stringify(validBatch()))).status, 201);
    await fixture.close();
    const files = ["collector.sqlite", "collector.sqlite-wal"].map((name) => join(fixture.folder, name));
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue; // the WAL may have been checkpointed away on close
      }
      for (const token of Object.values(fixture.tokens)) assert.equal(bytes.includes(token), false, `${file} holds a token`);
    }
  });

  it("survives a restart: same CA, tokens still valid, replays still recognised", async () => {
    assert.equal((await fixture.post(JSON.stringify(validBatch()))).status, 201);
    const { folder, tokens } = fixture;
    const firstCa = fixture.collector.caCertPem;
    await fixture.close();
    const again = await Collector.start({ dataDir: folder });
    try {
      assert.equal(again.caCertPem, firstCa);
      const client = new PinnedHttps({ ca: again.caCertPem });
      const replay = await client.post({
        url: `${again.url}/v1/batches`,
        headers: { authorization: `Bearer ${tokens.devOne}`, "content-type": "application/json" },
        body: JSON.stringify(validBatch()),
        timeoutMs: 5000,
      });
      assert.equal(replay.status, 200);
      assert.equal(json(replay.body).status, "duplicate");
      assert.equal(again.database.countBatches(), 1);
    } finally {
      await again.close();
    }
  });
});

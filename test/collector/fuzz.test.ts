import { strict as assert } from "node:assert";
import { connect } from "node:tls";
import { parseConfig } from "../../collector/config.js";
import { rawRequest, removeFolder, startCollector, validBatch, type CollectorFixture, type RawResponse } from "./fixtures.js";

/** Fixed seed: the same requests on every run (change it to explore, keep it fixed in CI). */
const SEED = 0x5eed_c011;
const ROUNDS = { mutatedBodies: 1000, randomBodies: 200, headers: 300, paths: 500, raw: 150 };

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Fuzzer {
  #random: () => number;
  constructor(seed: number) {
    this.#random = prng(seed);
  }
  int(below: number): number {
    return Math.floor(this.#random() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.#random() < p;
  }
  string(maxLength: number, alphabet = STRING_ALPHABET): string {
    let text = "";
    const length = this.int(maxLength + 1);
    for (let i = 0; i < length; i++) text += this.pick(alphabet);
    return text;
  }
  json(depth = 0): unknown {
    const kind = this.int(depth > 2 ? 5 : 7);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1, 9, 10, 12, 1e6, 1e6 + 1, 2 ** 53, -(2 ** 31), 0.5, 1e308, -0]);
      case 3:
        return this.pick(["", "Lobby", "dev-one", "2026-03-02T09:00:00Z", "' OR 1=1 --", "<script>", "\u0000", "é".repeat(70), "x".repeat(this.int(300))]);
      case 4:
        return this.string(20);
      case 5:
        return Array.from({ length: this.int(4) }, () => this.json(depth + 1));
      default: {
        const object: Record<string, unknown> = {};
        for (let i = this.int(4); i > 0; i--) object[this.pick([...FIELDS, "faces", "frame", "__proto__", "constructor", this.string(8)])] = this.json(depth + 1);
        return object;
      }
    }
  }
}

const STRING_ALPHABET = [..."abcdefghijklmnopqrstuvwxyz0123456789-_:TZ{}[]\",.\\ /%#?&=+@'", "\u0000", "\u001f", "\n", "\r", "é", "\u2028", "😷", "\ud800"];
const FIELDS = Object.keys(validBatch());
const PATH_PIECES = ["v1", "batches", "batches.csv", "sites", "Lobby", "curve", "devices", "dev-one", "rotate", "revoke", "alerts", "deliveries", "1", "retry", "health", "openapi.json", "dashboard", "dashboard.js", "uPlot.iife.min.js", "..", ".", "", "%2e%2e", "%2F", "%E0%A4%A", "%00", "%ZZ", "é", "x".repeat(100), "index.html", "v2", "admin"];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
/** What may answer 2xx or 3xx without a token: the public routes. */
const PUBLIC_GET = new Set(["/v1/health", "/v1/openapi.json", "/", "/dashboard/", "/dashboard/index.html", "/dashboard/dashboard.js", "/dashboard/dashboard.css", "/dashboard/uPlot.iife.min.js", "/dashboard/uPlot.min.css"]);

/** Every character but unreserved ones as UTF-8 percent-escapes (lone surrogates included, as U+FFFD). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, "utf8")].map((byte) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`)).join("");
}

/** One request over a raw TLS socket: the status of the answer, or 0 when the server closed without one. */
function rawTls(fixture: CollectorFixture, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "localhost", port: fixture.collector.port, ca: fixture.collector.caCertPem, servername: "localhost" }, () => socket.end(bytes));
    let answer = "";
    socket.setTimeout(10_000, () => socket.destroy(new Error("no answer in 10 s")));
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
    socket.on("close", () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0)));
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? undefined : reject(error)));
  });
}

describe("collector: API fuzzing (random and mutated bodies, headers, paths; fixed seed)", function () {
  this.timeout(300_000); // several hundred TLS connections on a busy 2-core machine
  let fixture: CollectorFixture;
  const fuzz = new Fuzzer(SEED);
  const stored = validBatch();
  const statuses = new Map<number, number>();

  before(async () => {
    // Limits high enough that the fuzz reaches validation rather than the rate limiter (tested on its own).
    const config = parseConfig({ limits: { device_burst: 100_000, failed_auth_burst: 100_000 } });
    fixture = await startCollector(undefined, { config, alertTickMs: 0 });
    assert.equal((await fixture.post(JSON.stringify(stored))).status, 201);
  });

  after(async () => {
    await fixture.close();
    removeFolder(fixture.folder);
  });

  function count(response: RawResponse | number): number {
    const status = typeof response === "number" ? response : response.status;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    return status;
  }

  async function assertNothingChanged(): Promise<void> {
    assert.equal(fixture.collector.database.countBatches(), 1, "nothing stored");
    assert.deepEqual(fixture.collector.database.batchesForSite("Lobby"), [stored], "the stored batch is unchanged");
    assert.equal(fixture.collector.database.devices().length, 2, "no device registered");
    assert.deepEqual(fixture.collector.alerts.recentAlerts(10), []);
    const health = await rawRequest(fixture.collector, "GET", "/v1/health");
    assert.equal(health.status, 200, "the server keeps answering");
  }

  function mutate(text: string): string {
    const at = fuzz.int(text.length);
    switch (fuzz.int(7)) {
      case 0:
        return text.slice(0, at) + fuzz.pick(STRING_ALPHABET) + text.slice(at + 1);
      case 1:
        return text.slice(0, at) + text.slice(at + 1 + fuzz.int(20));
      case 2:
        return text.slice(0, at) + fuzz.string(12) + text.slice(at);
      case 3:
        return text.slice(0, at);
      case 4:
        return text.slice(0, at) + text.slice(at, at + fuzz.int(40)) + text.slice(at);
      default: {
        const object: Record<string, unknown> = { ...stored };
        const field = fuzz.pick(FIELDS);
        const action = fuzz.int(4);
        if (action === 0) delete object[field];
        else if (action === 1) object[fuzz.pick(["faces", "frame", "timestamp", "track_id", fuzz.string(6)])] = fuzz.json();
        else object[field] = fuzz.json();
        return JSON.stringify(object);
      }
    }
  }

  it("answers mutated batches with 4xx (or 200 for a mutation that is still the stored batch) and stores nothing", async () => {
    const headers = { authorization: `Bearer ${fixture.tokens.devOne}`, "content-type": "application/json" };
    let body = JSON.stringify(stored);
    for (let round = 0; round < ROUNDS.mutatedBodies; round++) {
      body = fuzz.chance(0.3) ? mutate(body) : mutate(JSON.stringify(stored)); // sometimes stack mutations
      const response = await rawRequest(fixture.collector, "POST", "/v1/batches", headers, body);
      const status = count(response);
      let same: boolean;
      try {
        same = JSON.stringify(JSON.parse(body)) === JSON.stringify(stored);
      } catch {
        same = false;
      }
      if (same) assert.equal(status, 200, `an equal batch is a duplicate: ${body}`);
      else assert.ok(status >= 400 && status < 500, `${status} for ${JSON.stringify(body).slice(0, 300)}: ${response.body}`);
    }
    await assertNothingChanged();
  });

  it("answers random bodies with 4xx, with and without a device token", async () => {
    for (let round = 0; round < ROUNDS.randomBodies; round++) {
      const body = fuzz.chance(0.5) ? JSON.stringify(fuzz.json()) : Buffer.from(Array.from({ length: fuzz.int(600) }, () => fuzz.int(256)));
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fuzz.chance(0.7)) headers.authorization = `Bearer ${fixture.tokens.devOne}`;
      const response = await rawRequest(fixture.collector, "POST", "/v1/batches", headers, body);
      assert.ok(count(response) >= 400 && response.status < 500, `${response.status}: ${response.body}`);
    }
    await assertNothingChanged();
  });

  it("answers random and mutated headers with 4xx", async () => {
    const authorizations = () => [
      `Bearer ${fixture.tokens.devOne.slice(0, 42)}`,
      `Bearer ${fixture.tokens.devOne}x`,
      `bearer ${fixture.tokens.devOne}`,
      `Bearer  ${fixture.tokens.devOne}`,
      `Basic ${Buffer.from("admin:admin").toString("base64")}`,
      `Bearer ${fixture.tokens.devTwo}`,
      `Bearer ${"A".repeat(43)}`,
      `Bearer ${fuzz.string(60, [..."ABCxyz019-_=+/"])}`,
      "",
      "Bearer",
    ];
    for (let round = 0; round < ROUNDS.headers; round++) {
      const headers: Record<string, string> = {
        "content-type": fuzz.pick(["application/json", "application/JSON; charset=utf-8", "text/plain", "application/json-patch+json", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "*/*", "application/jsonx"]),
        authorization: fuzz.pick(authorizations()),
      };
      for (let extra = fuzz.int(4); extra > 0; extra--) headers[`x-${fuzz.string(10, [..."abcdefghij-"])}z`] = fuzz.string(200, [..."abc 123;=,\"'\t"]);
      if (fuzz.chance(0.2)) headers["transfer-encoding"] = "chunked";
      // A valid batch other than the stored one: only a wrong header can stop it, and every header here is wrong.
      const body = JSON.stringify(validBatch({ people: 20, masked: 10, unmasked: 10, batch_id: "dev-one-20260302T1000Z", window_start: "2026-03-02T10:00:00Z", window_end: "2026-03-02T10:20:00Z" }));
      const wrongDevice = headers.authorization === `Bearer ${fixture.tokens.devTwo}`;
      const goodType = /^application\/json\s*(;|$)/i.test(headers["content-type"]);
      if (!wrongDevice && goodType && headers.authorization === `Bearer ${fixture.tokens.devOne}`) continue; // would be a valid request
      const response = await rawRequest(fixture.collector, "POST", "/v1/batches", headers, body);
      assert.ok(count(response) >= 400 && response.status < 500, `${response.status} for ${JSON.stringify(headers)}: ${response.body}`);
    }
    await assertNothingChanged();
  });

  it("answers random paths and methods with 4xx, except the public pages", async () => {
    for (let round = 0; round < ROUNDS.paths; round++) {
      const segments = Array.from({ length: 1 + fuzz.int(5) }, () => fuzz.pick(PATH_PIECES));
      const query = fuzz.chance(0.4) ? `?${fuzz.pick(["site", "from", "to", "limit", "slot_minutes", "x"])}=${percentEncode(fuzz.string(30))}` : "";
      const path = `/${segments.map((segment) => segment.replace(/[^\u0021-\u007e]/gu, percentEncode)).join("/")}${query}`;
      const method = fuzz.pick(METHODS);
      const headers: Record<string, string> = fuzz.chance(0.5) ? { authorization: `Bearer ${fuzz.pick([fixture.tokens.devOne, fixture.tokens.devTwo, "A".repeat(43)])}` } : {};
      const body = method === "GET" || method === "HEAD" ? undefined : JSON.stringify(fuzz.json());
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await rawRequest(fixture.collector, method, path, headers, body);
      const status = count(response);
      const normalized = new URL(`https://localhost${path}`).pathname;
      if (method === "GET" && PUBLIC_GET.has(normalized)) assert.ok(status === 200 || status === 302, `${status} for GET ${path}`);
      else assert.ok(status >= 400 && status < 500, `${status} for ${method} ${path}: ${response.body.slice(0, 200)}`);
    }
    await assertNothingChanged();
  });

  it("answers malformed HTTP on a raw TLS connection with 4xx", async () => {
    const batch = JSON.stringify(stored);
    const heads = [
      () => `POST /v1/batches HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n${batch}`,
      () => `POST /v1/batches HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nContent-Length: 7\r\n\r\n${batch}`,
      () => `POST /v1/batches HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nAuthorization: Bearer ${fixture.tokens.devOne}\r\n\r\nZZ\r\n${batch}\r\n0\r\n\r\n`,
      () => `GET ${fuzz.string(40, [..."/ab%\u0001 "])} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
      () => `${fuzz.pick(["GE T", "POST\u0000", "BREW", "get"])} /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n`,
      () => `GET /v1/health HTTP/9.9\r\nHost: localhost\r\n\r\n`,
      () => `GET /v1/health HTTP/1.1\r\nHost: localhost\r\nBad Header Name: x\r\n\r\n`,
      () => `OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n`,
      () => `GET http://evil.example/v1/health HTTP/1.1\r\nHost: evil.example\r\n\r\n`,
      () => fuzz.string(200),
    ];
    for (let round = 0; round < ROUNDS.raw; round++) {
      const text = fuzz.pick(heads)();
      const status = count(await rawTls(fixture, Buffer.from(text, "utf8")));
      assert.ok(status >= 400 && status < 500, `${status} for ${JSON.stringify(text).slice(0, 200)}`);
    }
    await assertNothingChanged();
  });

  after(() => {
    // The spread of answers, for whoever changes the seed or the rounds.
    if (process.env.FUZZ_REPORT) console.log(`fuzz answers (status, count): ${JSON.stringify([...statuses].sort())}`);
    assert.ok(![...statuses.keys()].some((status) => status >= 500), `5xx answers: ${JSON.stringify([...statuses])}`);
    for (const status of [200, 400, 401, 403, 404, 405, 409, 415, 422]) assert.ok(statuses.has(status), `the fuzz never reached a ${status}: ${JSON.stringify([...statuses])}`);
  });
});

import { strict as assert } from "node:assert";
import { parseConfig } from "../../collector/config.js";
import { batchAt, rawRequest, removeFolder, startCollector, validBatch, type CollectorFixture } from "./fixtures.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0);

function json(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

describe("collector: admin API (devices, sites, curve, CSV) and edge limits", function () {
  this.timeout(60_000); // key generation and TLS handshakes on a busy 2-core machine
  let fixture: CollectorFixture;
  let now: number;

  beforeEach(async () => {
    now = T0 + 2 * 60 * MINUTE;
    const config = parseConfig({ devices: { late_after_minutes: 60 }, limits: { device_burst: 5, device_per_minute: 1 } });
    fixture = await startCollector(undefined, { config, now: () => now, alertTickMs: 0 });
  });

  afterEach(async () => {
    await fixture.close();
    removeFolder(fixture.folder);
  });

  it("registers a device over the API (token shown once, hashed at rest), and refuses a known id", async () => {
    const created = await fixture.postTo("/v1/devices", JSON.stringify({ device_id: "cam-new" }));
    assert.equal(created.status, 201, created.body);
    const { token } = json(created.body) as { token: string };
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(fixture.collector.database.deviceForToken(token), "cam-new");
    const again = await fixture.postTo("/v1/devices", JSON.stringify({ device_id: "cam-new" }));
    assert.equal(again.status, 409);
    assert.equal(json(again.body).error, "device_exists");
    for (const body of ['{"device_id": "Bad Id"}', '{"device_id": "cam-x", "extra": 1}', "[]"]) {
      const bad = await fixture.postTo("/v1/devices", body);
      assert.equal(bad.status, 400, body);
    }
    assert.equal((await fixture.postTo("/v1/devices", "{", fixture.tokens.admin)).status, 400);
    assert.equal((await fixture.postTo("/v1/devices", JSON.stringify({ device_id: "cam-y" }), fixture.tokens.devOne)).status, 403, "a device cannot register devices");
    assert.equal((await fixture.postTo("/v1/devices", JSON.stringify({ device_id: "cam-y" }), null)).status, 401);
  });

  it("rotates a token (the old one stops working) and revokes a device (refused, its batches kept)", async () => {
    assert.equal((await fixture.post(JSON.stringify(validBatch()))).status, 201);
    const rotated = await fixture.postTo("/v1/devices/dev-one/rotate", "");
    assert.equal(rotated.status, 200, rotated.body);
    const fresh = (json(rotated.body) as { token: string }).token;
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0 + 20 * MINUTE, 9, 12)))).status, 401, "the old token is refused");
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0 + 20 * MINUTE, 9, 12)), fresh)).status, 201);

    const revoked = await fixture.postTo("/v1/devices/dev-one/revoke", "");
    assert.deepEqual(json(revoked.body), { device_id: "dev-one", state: "revoked" });
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0 + 40 * MINUTE, 9, 12)), fresh)).status, 401);
    assert.equal(fixture.collector.database.countBatches(), 2, "batches stay");
    const devices = json((await fixture.get("/v1/devices")).body).devices as { device_id: string; state: string }[];
    assert.equal(devices.find((device) => device.device_id === "dev-one")?.state, "revoked");

    const reinstated = json((await fixture.postTo("/v1/devices/dev-one/rotate", "")).body) as { token: string };
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0 + 40 * MINUTE, 9, 12)), reinstated.token)).status, 201, "rotate reinstates");
    assert.equal((await fixture.postTo("/v1/devices/ghost-cam/rotate", "")).status, 404);
    assert.equal((await fixture.postTo("/v1/devices/ghost-cam/revoke", "")).status, 404);
    assert.equal((await fixture.postTo("/v1/devices/dev-two/revoke", "", fixture.tokens.devTwo)).status, 403);
  });

  it("lists devices with their newest batch; late and silent devices stand out", async () => {
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0 + 80 * MINUTE, 9, 12)))).status, 201); // ends 10:40, 20 min before now
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0, 9, 12, "dev-two")), fixture.tokens.devTwo)).status, 201); // ends 09:20, 100 min before
    fixture.collector.database.registerDevice("dev-three");
    const answer = json((await fixture.get("/v1/devices")).body) as { late_after_minutes: number; devices: { device_id: string; state: string; minutes_since_last: number | null; last_batch: Record<string, unknown> | null }[] };
    assert.equal(answer.late_after_minutes, 60);
    assert.deepEqual(answer.devices.map((device) => [device.device_id, device.state, device.minutes_since_last]), [["dev-one", "ok", 20], ["dev-three", "silent", null], ["dev-two", "late", 100]]);
    assert.deepEqual(answer.devices[0].last_batch, { batch_id: "dev-one-20260302T1020Z", site: "Lobby", window_start: "2026-03-02T10:20:00Z", window_end: "2026-03-02T10:40:00Z", people: 12, masked: 9 });
  });

  it("serves sites and a site's curve per slot over a range; checks the range", async () => {
    for (const [minutes, masked] of [[0, 10], [20, 5], [40, 20]]) assert.equal((await fixture.post(JSON.stringify(batchAt(T0 + minutes * MINUTE, masked, 20)))).status, 201);
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0, 10, 10, "dev-two", "Hall")), fixture.tokens.devTwo)).status, 201);
    const sites = json((await fixture.get("/v1/sites")).body);
    assert.deepEqual(sites, { sites: [{ site: "Hall", last_window_end: "2026-03-02T09:20:00Z", rules: [] }, { site: "Lobby", last_window_end: "2026-03-02T10:00:00Z", rules: [] }] });
    const curve = await fixture.get("/v1/sites/Lobby/curve?from=2026-03-02T09:00:00Z&to=2026-03-02T10:20:00Z&slot_minutes=20");
    assert.equal(curve.status, 200, curve.body);
    assert.deepEqual((json(curve.body).slots as { people: number; masked: number }[]).map((slot) => [slot.people, slot.masked]), [[20, 10], [20, 5], [20, 20], [0, 0]]);
    const hourly = json((await fixture.get("/v1/sites/Lobby/curve?from=2026-03-02T09:00:00Z&to=2026-03-02T10:00:00Z&slot_minutes=60")).body);
    assert.deepEqual(hourly.slots, [{ start: "2026-03-02T09:00:00Z", people: 60, masked: 35 }]);
    const bad: [string, string][] = [
      ["/v1/sites/Lobby/curve?to=2026-03-02T10:00:00Z", "missing_from"],
      ["/v1/sites/Lobby/curve?from=2026-03-02T09:00:30Z&to=2026-03-02T10:00:00Z", "bad_from"],
      ["/v1/sites/Lobby/curve?from=2026-03-02T10:00:00Z&to=2026-03-02T09:00:00Z", "bad_range"],
      ["/v1/sites/Lobby/curve?from=2026-03-01T00:00:00Z&to=2026-03-04T00:00:00Z", "range_too_long"],
      ["/v1/sites/Lobby/curve?from=2026-03-02T09:00:00Z&to=2026-03-02T10:00:00Z&slot_minutes=1", "bad_slot_minutes"],
      ["/v1/sites/%E0%A4%A/curve?from=2026-03-02T09:00:00Z&to=2026-03-02T10:00:00Z", "bad_path"],
    ];
    for (const [path, error] of bad) {
      const response = await fixture.get(path);
      assert.equal(response.status, 400, path);
      assert.equal(json(response.body).error, error, path);
    }
  });

  it("exports batches as CSV, for a site or all, within a range", async () => {
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0, 10, 20)))).status, 201);
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0 + 20 * MINUTE, 10, 20)))).status, 201);
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0, 10, 10, "dev-two", "Hall")), fixture.tokens.devTwo)).status, 201);
    const all = await fixture.get("/v1/batches.csv");
    assert.equal(all.status, 200);
    const lines = all.body.trimEnd().split("\r\n");
    assert.equal(lines[0], "batch_id,device_id,site,window_start,window_end,people,masked,unmasked,model_id,firmware_version");
    assert.equal(lines.length, 4);
    const lobby = (await fixture.get("/v1/batches.csv?site=Lobby&from=2026-03-02T09:20:00Z")).body.trimEnd().split("\r\n");
    assert.deepEqual(lobby.slice(1).map((line) => line.split(",")[0]), ["dev-one-20260302T0920Z"]);
    assert.equal((await fixture.get("/v1/batches.csv", fixture.tokens.devOne)).status, 403);
    const ranged = json((await fixture.get("/v1/batches?site=Lobby&to=2026-03-02T09:20:00Z")).body);
    assert.equal(ranged.count, 1);
  });

  it("rate-limits each device on its own (429 with Retry-After), and stores nothing refused", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fixture.post(JSON.stringify(batchAt(T0 + i * 20 * MINUTE, 9, 12)))).status);
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429, 429]);
    assert.equal(fixture.collector.database.countBatches(), 5);
    const other = await fixture.post(JSON.stringify(batchAt(T0, 9, 12, "dev-two")), fixture.tokens.devTwo);
    assert.equal(other.status, 201, "another device is not slowed down");
    now += 60_000;
    assert.equal((await fixture.post(JSON.stringify(batchAt(T0 + 5 * 20 * MINUTE, 9, 12)))).status, 201, "one request regained per minute");
  });

  it("slows down an address that keeps presenting refused tokens", async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 70; i++) statuses.add((await fixture.get("/v1/devices", "B".repeat(43))).status);
    assert.deepEqual([...statuses].sort(), [403, 429]);
    assert.equal((await fixture.get("/v1/devices")).status, 200, "a valid admin token still works");
  });

  it("refuses an overlong request target (414) and oversized headers (431)", async () => {
    const long = await fixture.get(`/v1/batches?site=${"x".repeat(3000)}`);
    assert.equal(long.status, 414);
    const big = await fixture.client.get({ url: `${fixture.collector.url}/v1/health`, headers: { "x-padding": "y".repeat(10_000) }, timeoutMs: 5000 });
    assert.equal(big.status, 431);
  });

  it("serves the dashboard without a token, under a strict content security policy, and uPlot from node_modules", async () => {
    const root = await fixture.get("/", null);
    assert.equal(root.status, 302);
    const page = await rawRequest(fixture.collector, "GET", "/dashboard/");
    assert.equal(page.status, 200);
    assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
    assert.match(String(page.headers["content-security-policy"]), /default-src 'none'; script-src 'self'; style-src 'self';/);
    assert.equal(page.headers["strict-transport-security"], "max-age=31536000");
    assert.equal(page.headers["x-content-type-options"], "nosniff");
    assert.match(page.body, /<script src="dashboard\.js" type="module">/);
    assert.doesNotMatch(page.body, /https?:\/\/(?!localhost)/, "nothing from another host");
    const uplot = await fixture.client.get({ url: `${fixture.collector.url}/dashboard/uPlot.iife.min.js`, headers: {}, timeoutMs: 5000 });
    assert.equal(uplot.status, 200);
    assert.match(uplot.body, /uPlot/);
    assert.equal((await fixture.get("/dashboard/../collector.sqlite", null)).status, 404);
    assert.equal((await fixture.get("/dashboard/nothing.js", null)).status, 404);
  });
});

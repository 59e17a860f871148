import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parseConfig } from "../../collector/config.js";
import { batchAt, rawRequest, removeFolder, startCollector, validBatch, type CollectorFixture } from "./fixtures.js";

const DOC_PATH = "collector/openapi.json";
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0);

interface Operation {
  readonly security?: { [scheme: string]: string[] }[];
  readonly responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type OpenApi = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

const doc = JSON.parse(readFileSync(DOC_PATH, "utf8")) as OpenApi;

/** JSON pointer escaping (RFC 6901). */
function pointer(...parts: string[]): string {
  return parts.map((part) => part.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

describe("collector: OpenAPI document (collector/openapi.json)", function () {
  this.timeout(60_000); // key generation and TLS handshakes on a busy 2-core machine
  let fixture: CollectorFixture;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(doc, "openapi");

  beforeEach(async () => {
    // One rule whose SMS gateway refuses connections: the alerts answer then has a pending delivery to check.
    const config = parseConfig({
      sms: { url: "http://127.0.0.1:9/send", method: "POST", body_template: "{{text}}", timeout_seconds: 2 },
      sites: { Lobby: { rules: [{ id: "lobby-low", type: "share_below", percent: 90, windows: 1, sms: ["+33612345678"] }] } },
    });
    fixture = await startCollector(undefined, { config, now: () => T0 + 30 * MINUTE, alertTickMs: 0 });
  });

  afterEach(async () => {
    await fixture.close();
    removeFolder(fixture.folder);
  });

  it("documents exactly the routes the server implements, with their authentication", () => {
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => {
        const scheme = Object.keys(operation.security?.[0] ?? {})[0];
        return `${method.toUpperCase()} ${path} ${scheme === "deviceToken" ? "device" : scheme === "adminToken" ? "admin" : "none"}`;
      }),
    );
    const implemented = fixture.collector.routes.map((route) => `${route.method} ${route.path} ${route.auth}`);
    assert.deepEqual([...implemented].sort(), [...documented].sort());
  });

  it("describes batches with exactly the schema devices are held to", () => {
    const { $schema: _schema, $id: _id, ...batchSchema } = JSON.parse(readFileSync("src/batch/batch.schema.json", "utf8")) as Record<string, unknown>;
    assert.deepEqual(doc.components.schemas.Batch, batchSchema);
  });

  it("is served at /v1/openapi.json as committed", async () => {
    const served = await rawRequest(fixture.collector, "GET", "/v1/openapi.json");
    assert.equal(served.status, 200);
    assert.deepEqual(JSON.parse(served.body), doc);
  });

  it("matches what the server answers: every status documented, every JSON body valid against its schema", async () => {
    const admin = { authorization: `Bearer ${fixture.tokens.admin}` };
    const device = { authorization: `Bearer ${fixture.tokens.devOne}`, "content-type": "application/json" };
    const json = { ...admin, "content-type": "application/json" };
    const calls: [string, string, string, Record<string, string>, string?][] = [
      ["get", "/v1/health", "/v1/health", {}],
      ["get", "/v1/openapi.json", "/v1/openapi.json", {}],
      ["post", "/v1/batches", "/v1/batches", device, JSON.stringify(batchAt(T0, 3, 12))],
      ["post", "/v1/batches", "/v1/batches", device, JSON.stringify(batchAt(T0, 3, 12))],
      ["post", "/v1/batches", "/v1/batches", device, JSON.stringify(batchAt(T0, 4, 12))],
      ["post", "/v1/batches", "/v1/batches", device, "{"],
      ["post", "/v1/batches", "/v1/batches", device, JSON.stringify(validBatch({ people: 13 }))],
      ["post", "/v1/batches", "/v1/batches", device, JSON.stringify(batchAt(T0, 3, 12, "dev-two"))],
      ["post", "/v1/batches", "/v1/batches", { ...device, "content-type": "text/plain" }, "x"],
      ["post", "/v1/batches", "/v1/batches", { "content-type": "application/json" }, "{}"],
      ["post", "/v1/batches", "/v1/batches", device, JSON.stringify({ ...validBatch(), pad: "x".repeat(20_000) })],
      ["get", "/v1/batches", "/v1/batches?site=Lobby", admin],
      ["get", "/v1/batches", "/v1/batches", admin],
      ["get", "/v1/batches", "/v1/batches?site=Lobby", {}],
      ["get", "/v1/batches", "/v1/batches?site=Lobby", { authorization: `Bearer ${fixture.tokens.devOne}` }],
      ["get", "/v1/batches.csv", "/v1/batches.csv", admin],
      ["get", "/v1/batches.csv", "/v1/batches.csv?from=nope", admin],
      ["get", "/v1/sites", "/v1/sites", admin],
      ["get", "/v1/sites/{site}/curve", "/v1/sites/Lobby/curve?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z", admin],
      ["get", "/v1/sites/{site}/curve", "/v1/sites/Lobby/curve", admin],
      ["get", "/v1/devices", "/v1/devices", admin],
      ["post", "/v1/devices", "/v1/devices", json, JSON.stringify({ device_id: "cam-nine" })],
      ["post", "/v1/devices", "/v1/devices", json, JSON.stringify({ device_id: "cam-nine" })],
      ["post", "/v1/devices", "/v1/devices", json, JSON.stringify({ device: "cam-nine" })],
      ["post", "/v1/devices", "/v1/devices", { ...admin, "content-type": "text/csv" }, "cam"],
      ["post", "/v1/devices", "/v1/devices", json, JSON.stringify({ device_id: "x".repeat(2000) })],
      ["post", "/v1/devices/{device_id}/rotate", "/v1/devices/cam-nine/rotate", admin],
      ["post", "/v1/devices/{device_id}/rotate", "/v1/devices/cam-ten/rotate", admin],
      ["post", "/v1/devices/{device_id}/revoke", "/v1/devices/cam-nine/revoke", admin],
      ["post", "/v1/devices/{device_id}/revoke", "/v1/devices/cam-ten/revoke", admin],
      ["get", "/v1/devices", "/v1/devices", admin],
      ["get", "/v1/alerts", "/v1/alerts", admin],
      ["get", "/v1/alerts", "/v1/alerts?limit=0", admin],
      ["post", "/v1/alerts/deliveries/{delivery_id}/retry", "/v1/alerts/deliveries/1/retry", admin],
      ["post", "/v1/alerts/deliveries/{delivery_id}/retry", "/v1/alerts/deliveries/77/retry", admin],
      ["get", "/", "/", {}],
      ["get", "/dashboard/", "/dashboard/", {}],
      ["get", "/dashboard/{asset}", "/dashboard/dashboard.js", {}],
      ["get", "/dashboard/{asset}", "/dashboard/missing.js", {}],
    ];
    const seen = new Set<string>();
    for (const [method, template, path, headers, body] of calls) {
      // The first batch fired the rule; its SMS's first attempt has failed before the alerts are read.
      if (template === "/v1/alerts") await fixture.collector.alerter.deliverDue();
      const response = await rawRequest(fixture.collector, method.toUpperCase(), path, headers, body);
      const where = `${method.toUpperCase()} ${path} -> ${response.status}`;
      const documented = doc.paths[template]?.[method]?.responses[String(response.status)];
      assert.ok(documented, `${where} is not documented: ${response.body.slice(0, 200)}`);
      seen.add(`${method} ${template} ${response.status}`);
      const type = String(response.headers["content-type"]).split(";")[0];
      if (type !== "application/json") {
        if (response.status !== 302) assert.ok(documented.content?.[type], `${where}: ${type} is not documented`);
        continue;
      }
      assert.ok(documented.content?.["application/json"], `${where}: JSON is not documented`);
      const validate = ajv.getSchema(`openapi#${pointer("", "paths", template, method, "responses", String(response.status), "content", "application/json", "schema")}`);
      assert.ok(validate, `${where}: no schema`);
      assert.ok(validate(JSON.parse(response.body)), `${where}: ${ajv.errorsText(validate.errors)} in ${response.body.slice(0, 300)}`);
    }
    assert.ok(seen.has("get /v1/alerts 200") && seen.has("post /v1/alerts/deliveries/{delivery_id}/retry 409"), "the alert had a pending delivery");
    for (const path of Object.keys(doc.paths)) assert.ok([...seen].some((entry) => entry.split(" ")[1] === path), `${path} was not exercised`);
  });
});

import { Ajv2020 } from "ajv/dist/2020.js";
import type { IncomingMessage } from "node:http";
import type { BatchRecord } from "../src/batch/record.js";
import { isoMinute, parseIsoMinute } from "../src/batch/utc.js";
import type { AlertStore } from "./alert-store.js";
import type { Alerter } from "./alerter.js";
import { checkBatch } from "./batch-check.js";
import type { CollectorConfig } from "./config.js";
import { batchesCsv } from "./csv.js";
import type { CollectorDatabase } from "./database.js";
import { deviceStatuses } from "./device-status.js";
import { discard, errorReply, isJsonContentType, readBody, type Reply } from "./http.js";
import type { Route, RouteContext } from "./routing.js";
import { siteCurve } from "./site-curve.js";
import { DASHBOARD_CSP, type StaticAsset } from "./static-assets.js";

/** Admin request bodies are a few dozen bytes. */
const MAX_ADMIN_BODY_BYTES = 1024;
const MINUTE_MS = 60_000;
/** A curve covers at most two days (a day is 23 to 25 hours across a clock change). */
const MAX_CURVE_MS = 49 * 60 * MINUTE_MS;
const DEVICE_ID = /^[a-z0-9][a-z0-9-]{2,31}$/;
// eslint-disable-next-line no-control-regex -- the batch schema's rule: no control characters in a site name
const SITE = /^[^\u0000-\u001f]{1,64}$/;

export interface ApiDeps {
  readonly database: CollectorDatabase;
  readonly alerts: AlertStore;
  readonly alerter: Alerter;
  readonly config: CollectorConfig;
  readonly now: () => number;
  readonly maxBodyBytes: number;
  readonly assets: ReadonlyMap<string, StaticAsset>;
  readonly openapi: unknown;
}

const validateNewDevice = new Ajv2020({ allErrors: true, strict: true }).compile<{ device_id: string }>({
  type: "object",
  additionalProperties: false,
  required: ["device_id"],
  properties: { device_id: { type: "string", pattern: DEVICE_ID.source } },
});

/** Every route the collector serves; collector/openapi.json documents exactly these (a test holds them together). */
export function apiRoutes(deps: ApiDeps): Route[] {
  const { database, alerts, alerter, config, now } = deps;
  return [
    { method: "GET", path: "/v1/health", auth: "none", handle: () => ({ status: 200, body: { status: "ok" } }) },
    { method: "GET", path: "/v1/openapi.json", auth: "none", handle: () => ({ status: 200, body: deps.openapi as Record<string, unknown> }) },
    { method: "POST", path: "/v1/batches", auth: "device", handle: (context) => postBatch(deps, context) },
    {
      method: "GET",
      path: "/v1/batches",
      auth: "admin",
      handle: ({ url }) => {
        const site = url.searchParams.get("site");
        if (site === null || site === "") return errorReply(400, "missing_site", "give ?site=<site>");
        const range = timeRange(url, false);
        if ("status" in range) return range;
        const batches = database.batches({ site, ...range });
        return { status: 200, body: { site, count: batches.length, batches } };
      },
    },
    {
      method: "GET",
      path: "/v1/batches.csv",
      auth: "admin",
      handle: ({ url }) => {
        const site = url.searchParams.get("site") ?? undefined;
        const range = timeRange(url, false);
        if ("status" in range) return range;
        const name = `ephemera-batches${site === undefined ? "" : "-" + site.replace(/[^A-Za-z0-9-]+/g, "_")}.csv`;
        return {
          status: 200,
          body: batchesCsv(database.batches({ ...(site === undefined ? {} : { site }), ...range })),
          contentType: "text/csv; charset=utf-8",
          headers: { "content-disposition": `attachment; filename="${name}"` },
        };
      },
    },
    {
      method: "GET",
      path: "/v1/sites",
      auth: "admin",
      handle: () => {
        const seen = new Map<string, string | null>(database.sites().map((row) => [row.site, row.last_window_end]));
        for (const rule of config.rules) if (!seen.has(rule.site)) seen.set(rule.site, null); // a watched site without data yet
        const sites = [...seen.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([site, last]) => ({ site, last_window_end: last, rules: config.rules.filter((rule) => rule.site === site).map((rule) => rule.id) }));
        return { status: 200, body: { sites } };
      },
    },
    {
      method: "GET",
      path: "/v1/sites/{site}/curve",
      auth: "admin",
      handle: ({ url, params }) => {
        if (!SITE.test(params.site)) return errorReply(400, "bad_site", "a site name is 1 to 64 characters, no control characters");
        const range = timeRange(url, true);
        if ("status" in range) return range;
        const fromMs = Date.parse(range.from ?? "");
        const toMs = Date.parse(range.to ?? "");
        if (toMs - fromMs > MAX_CURVE_MS) return errorReply(400, "range_too_long", "a curve covers at most 49 hours");
        const slotText = url.searchParams.get("slot_minutes") ?? "20";
        const slotMinutes = /^[0-9]{1,3}$/.test(slotText) ? Number(slotText) : NaN;
        if (!(slotMinutes >= 5 && slotMinutes <= 240)) return errorReply(400, "bad_slot_minutes", "slot_minutes is a whole number from 5 to 240");
        const count = Math.ceil((toMs - fromMs) / (slotMinutes * MINUTE_MS));
        const batches = database.batches({ site: params.site, from: range.from, to: range.to });
        return { status: 200, body: { site: params.site, from: range.from, to: range.to, slot_minutes: slotMinutes, slots: siteCurve(batches, fromMs, slotMinutes, count) } };
      },
    },
    {
      method: "GET",
      path: "/v1/devices",
      auth: "admin",
      handle: () => ({
        status: 200,
        body: {
          now: new Date(now()).toISOString(),
          late_after_minutes: config.lateAfterMinutes,
          devices: deviceStatuses(database.devices(), database.lastBatchPerDevice(), now(), config.lateAfterMinutes),
        },
      }),
    },
    {
      method: "POST",
      path: "/v1/devices",
      auth: "admin",
      handle: async ({ request }) => {
        const body = await readJson(request);
        if ("status" in body) return body;
        if (!validateNewDevice(body.value)) return errorReply(400, "schema_violation", "send {\"device_id\": \"<3..32 characters: a-z, 0-9, '-'>\"}");
        const deviceId = body.value.device_id;
        if (database.hasDevice(deviceId)) return errorReply(409, "device_exists", `device '${deviceId}' is already registered; rotate its token instead`);
        return { status: 201, body: { device_id: deviceId, token: database.registerDevice(deviceId) } };
      },
    },
    {
      method: "POST",
      path: "/v1/devices/{device_id}/rotate",
      auth: "admin",
      handle: ({ request, params }) => {
        discard(request);
        const token = DEVICE_ID.test(params.device_id) ? database.rotateDeviceToken(params.device_id) : undefined;
        if (token === undefined) return errorReply(404, "unknown_device", `no device '${params.device_id}'`);
        return { status: 200, body: { device_id: params.device_id, token } };
      },
    },
    {
      method: "POST",
      path: "/v1/devices/{device_id}/revoke",
      auth: "admin",
      handle: ({ request, params }) => {
        discard(request);
        if (!DEVICE_ID.test(params.device_id) || !database.revokeDevice(params.device_id)) return errorReply(404, "unknown_device", `no device '${params.device_id}'`);
        return { status: 200, body: { device_id: params.device_id, state: "revoked" } };
      },
    },
    {
      method: "GET",
      path: "/v1/alerts",
      auth: "admin",
      handle: ({ url }) => {
        const limitText = url.searchParams.get("limit") ?? "50";
        const limit = /^[0-9]{1,4}$/.test(limitText) ? Number(limitText) : NaN;
        if (!(limit >= 1 && limit <= 1000)) return errorReply(400, "bad_limit", "limit is a whole number from 1 to 1000");
        const rules = alerter.rules.map((rule) => ({ id: rule.id, site: rule.site, type: rule.type, active: alerts.ruleState(rule.id).active }));
        return { status: 200, body: { undelivered: alerts.undelivered(), rules, alerts: alerts.recentAlerts(limit) } };
      },
    },
    {
      method: "POST",
      path: "/v1/alerts/deliveries/{delivery_id}/retry",
      auth: "admin",
      handle: ({ request, params }) => {
        discard(request);
        const id = /^[0-9]{1,15}$/.test(params.delivery_id) ? Number(params.delivery_id) : NaN;
        if (!Number.isSafeInteger(id) || !alerts.hasDelivery(id)) return errorReply(404, "unknown_delivery", `no delivery '${params.delivery_id}'`);
        if (!alerts.retryDelivery(id, now())) return errorReply(409, "not_failed", `delivery ${id} has not failed; it is sent or still being retried`);
        void alerter.deliverDue();
        return { status: 200, body: { delivery_id: id, status: "pending" } };
      },
    },
    { method: "GET", path: "/", auth: "none", handle: () => ({ status: 302, body: "", headers: { location: "/dashboard/" } }) },
    { method: "GET", path: "/dashboard/", auth: "none", handle: () => asset(deps, "index.html") },
    { method: "GET", path: "/dashboard/{asset}", auth: "none", handle: ({ params }) => asset(deps, params.asset) },
  ];
}

async function postBatch(deps: ApiDeps, { request, device }: RouteContext): Promise<Reply> {
  if (!isJsonContentType(request)) {
    return { ...errorReply(415, "unsupported_media_type", "send the batch as application/json"), close: true };
  }
  const body = await readBody(request, deps.maxBodyBytes);
  if (body === undefined) return { ...errorReply(413, "body_too_large", `the body exceeds ${deps.maxBodyBytes} bytes`), close: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return errorReply(400, "malformed_json", `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const check = checkBatch(parsed);
  if (!check.ok) return errorReply(check.status, check.error, check.message, check.details ? { details: check.details } : {});
  const batch: BatchRecord = check.batch;
  if (!deps.database.hasDevice(batch.device_id)) return errorReply(403, "unknown_device", `device '${batch.device_id}' is not registered`);
  if (batch.device_id !== device) return errorReply(403, "wrong_device", `this token does not belong to device '${batch.device_id}'`);
  switch (deps.database.storeBatch(batch)) {
    case "stored":
      // Rules see the new data at once; sending happens in the outbox, after the answer.
      deps.alerter.evaluateSite(batch.site);
      void deps.alerter.deliverDue();
      return { status: 201, body: { status: "stored", batch_id: batch.batch_id } };
    case "duplicate":
      return { status: 200, body: { status: "duplicate", batch_id: batch.batch_id } };
    case "conflict":
      return errorReply(409, "batch_id_conflict", `batch '${batch.batch_id}' was already stored with different content`);
  }
}

/** `from` and `to` query parameters (ISO minutes, UTC); both required for a curve. */
function timeRange(url: URL, required: boolean): { from?: string; to?: string } | Reply {
  const range: { from?: string; to?: string } = {};
  for (const name of ["from", "to"] as const) {
    const text = url.searchParams.get(name);
    if (text === null) {
      if (required) return errorReply(400, `missing_${name}`, `give ?${name}=<YYYY-MM-DDTHH:MM:00Z>`);
      continue;
    }
    const ms = parseIsoMinute(text);
    if (ms === undefined) return errorReply(400, `bad_${name}`, `${name} must be a UTC minute like 2026-03-02T09:00:00Z`);
    range[name] = isoMinute(ms);
  }
  if (range.from !== undefined && range.to !== undefined && range.to <= range.from) return errorReply(400, "bad_range", "to must be after from");
  return range;
}

async function readJson(request: IncomingMessage): Promise<{ value: unknown } | Reply> {
  if (!isJsonContentType(request)) return { ...errorReply(415, "unsupported_media_type", "send application/json"), close: true };
  const text = await readBody(request, MAX_ADMIN_BODY_BYTES);
  if (text === undefined) return { ...errorReply(413, "body_too_large", `the body exceeds ${MAX_ADMIN_BODY_BYTES} bytes`), close: true };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return errorReply(400, "malformed_json", "the body is not valid JSON");
  }
}

function asset(deps: ApiDeps, name: string): Reply {
  const found = deps.assets.get(name);
  if (found === undefined) return errorReply(404, "not_found", `no dashboard file '${name}'`);
  return { status: 200, body: found.body, contentType: found.contentType, headers: { "content-security-policy": DASHBOARD_CSP } };
}

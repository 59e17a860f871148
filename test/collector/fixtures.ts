import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BatchRecord } from "../../src/batch/record.js";
import { batchId } from "../../src/batch/build-record.js";
import { isoMinute } from "../../src/batch/utc.js";
import { Collector, type CollectorOptions } from "../../collector/server.js";
import { PinnedHttps } from "../../hosts/node/pinned-https.js";
import type { HttpsResponse } from "../../src/interfaces/index.js";

/** A fresh folder under the system temp dir; remove it with `removeFolder`. */
export function tempFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ephemera-${prefix}-`));
}

export function removeFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
}

/** A batch that passes every check, for device `dev-one`; override fields to break it. */
export function validBatch(overrides: Partial<Record<keyof BatchRecord, unknown>> = {}): Record<string, unknown> {
  return {
    batch_id: "dev-one-20260302T0900Z",
    device_id: "dev-one",
    site: "Lobby",
    window_start: "2026-03-02T09:00:00Z",
    window_end: "2026-03-02T09:20:00Z",
    people: 12,
    masked: 9,
    unmasked: 3,
    model_id: "mask-fomo@1a2b3c4d5e6f",
    firmware_version: "0.1.0",
    ...overrides,
  };
}

/** A running collector with two devices and an admin, and a client pinned to its CA. */
export interface CollectorFixture {
  readonly folder: string;
  readonly collector: Collector;
  readonly client: PinnedHttps;
  readonly tokens: { readonly devOne: string; readonly devTwo: string; readonly admin: string };
  /** `token` null sends no Authorization header; default: dev-one's token. */
  post(body: string, token?: string | null, headers?: Record<string, string>): Promise<HttpsResponse>;
  /** `token` null sends no Authorization header; default: the admin token. */
  get(path: string, token?: string | null): Promise<HttpsResponse>;
  /** POST to any path; `token` null sends no Authorization header; default: the admin token. */
  postTo(path: string, body: string, token?: string | null, headers?: Record<string, string>): Promise<HttpsResponse>;
  /** Stops the collector; calling it again does nothing. */
  close(): Promise<void>;
}

/** `options` go to Collector.start (config, clock, env...); the data folder is `folder`. */
export async function startCollector(folder = tempFolder("collector"), options: Omit<CollectorOptions, "dataDir"> = {}): Promise<CollectorFixture> {
  const collector = await Collector.start({ ...options, dataDir: folder });
  // On a restart over the same folder the devices exist: they get fresh tokens.
  const device = (id: string) => collector.database.rotateDeviceToken(id) ?? collector.database.registerDevice(id);
  const tokens = { devOne: device("dev-one"), devTwo: device("dev-two"), admin: collector.database.createAdminToken() };
  const client = new PinnedHttps({ ca: collector.caCertPem });
  let closing: Promise<void> | undefined;
  const auth = (token: string | null): Record<string, string> => (token === null ? {} : { authorization: `Bearer ${token}` });
  return {
    folder,
    collector,
    client,
    tokens,
    post: (body, token = tokens.devOne, headers = { "content-type": "application/json" }) =>
      client.post({ url: `${collector.url}/v1/batches`, headers: { ...headers, ...auth(token) }, body, timeoutMs: 5000 }),
    get: (path, token = tokens.admin) => client.get({ url: `${collector.url}${path}`, headers: auth(token), timeoutMs: 5000 }),
    postTo: (path, body, token = tokens.admin, headers = { "content-type": "application/json" }) =>
      client.post({ url: `${collector.url}${path}`, headers: { ...headers, ...auth(token) }, body, timeoutMs: 5000 }),
    close: () => (closing ??= collector.close()),
  };
}

const WINDOW_MS = 20 * 60 * 1000;

/** A valid 20-minute batch starting at `startMs` with `masked` of `people` masked. */
export function batchAt(startMs: number, masked: number, people = 20, device = "dev-one", site = "Lobby"): Record<string, unknown> {
  return validBatch({
    batch_id: batchId(device, startMs),
    device_id: device,
    site,
    window_start: isoMinute(startMs),
    window_end: isoMinute(startMs + WINDOW_MS),
    people,
    masked,
    unmasked: people - masked,
  });
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Any request to the collector, with its answer's headers; the CA is pinned. */
export function rawRequest(collector: Collector, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${collector.url}${path}`, { method, ca: collector.caCertPem, agent: false, headers, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    outgoing.on("timeout", () => outgoing.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

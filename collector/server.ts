import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import openapi from "./openapi.json" with { type: "json" };
import { AlertStore, type Channel } from "./alert-store.js";
import { Alerter } from "./alerter.js";
import { apiRoutes } from "./api-routes.js";
import { ensureCertificates } from "./certificates.js";
import { DEFAULT_CONFIG, type CollectorConfig } from "./config.js";
import { CollectorDatabase } from "./database.js";
import { EmailSender } from "./email-sender.js";
import { bearerToken, discard, errorReply, methodNotAllowed, send, type Reply } from "./http.js";
import { RateLimiter } from "./rate-limit.js";
import { matchRoute, type Method, type Route } from "./routing.js";
import type { MessageSender } from "./senders.js";
import { SmsSender } from "./sms-sender.js";
import { loadDashboardAssets } from "./static-assets.js";

/** Largest request body accepted. A batch is about 400 bytes; anything near this is not a batch. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
/** Longest request target: the API's longest is far shorter. */
export const MAX_URL_LENGTH = 2048;
/** Largest request head (Node answers 431 above it). */
const MAX_HEADER_BYTES = 8 * 1024;

export interface CollectorOptions {
  /** Folder for the CA, the server certificate and the SQLite file; created on first run. */
  readonly dataDir: string;
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 (default) picks a free one. */
  readonly port?: number;
  readonly maxBodyBytes?: number;
  /** Alert rules, senders and limits (see config.ts); default: no rules. */
  readonly config?: CollectorConfig;
  /** Environment holding the senders' credentials; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Clock (ms) for lateness, rules, rate limits and retries; default Date.now. */
  readonly now?: () => number;
  /** How often the outbox is worked and rules re-checked; 0 turns the timer off (tests drive it). Default 5000. */
  readonly alertTickMs?: number;
  /** One line per request (method, path, status, outcome) and per alert event; never tokens or bodies. */
  readonly log?: (line: string) => void;
}

/**
 * The collector: HTTPS only, its own CA, per-device bearer tokens with rate
 * limits, `POST /v1/batches` (idempotent on batch_id), the admin API (batches,
 * CSV, sites and their day curve, devices, alerts), the dashboard, and alert
 * rules with their outbox. Every route is in collector/openapi.json.
 */
export class Collector {
  readonly caCertPem: string;
  readonly database: CollectorDatabase;
  readonly alerts: AlertStore;
  readonly alerter: Alerter;
  #server: Server;
  #routes: readonly Route[];
  #deviceLimits: RateLimiter;
  #failedAuthLimits: RateLimiter;
  #log: (line: string) => void;

  private constructor(caCertPem: string, database: CollectorDatabase, server: Server, options: CollectorOptions) {
    const config = options.config ?? DEFAULT_CONFIG;
    const now = options.now ?? Date.now;
    this.caCertPem = caCertPem;
    this.database = database;
    this.#server = server;
    this.#log = options.log ?? (() => {});
    this.alerts = new AlertStore(database.sqlite);
    const env = options.env ?? process.env;
    const senders: Partial<Record<Channel, MessageSender>> = {
      ...(config.email ? { email: new EmailSender(config.email, env) } : {}),
      ...(config.sms ? { sms: new SmsSender(config.sms, env) } : {}),
    };
    this.alerter = new Alerter({ config, store: this.alerts, batches: database, senders, now, log: this.#log });
    this.#deviceLimits = new RateLimiter({ burst: config.limits.deviceBurst, perMinute: config.limits.devicePerMinute, now });
    this.#failedAuthLimits = new RateLimiter({ burst: config.limits.failedAuthBurst, perMinute: config.limits.failedAuthPerMinute, now });
    this.#routes = apiRoutes({
      database,
      alerts: this.alerts,
      alerter: this.alerter,
      config,
      now,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      assets: loadDashboardAssets(),
      openapi,
    });
  }

  /** Prepares the data folder (certificates, database) and starts listening and sending alerts. */
  static async start(options: CollectorOptions): Promise<Collector> {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const certificates = await ensureCertificates(options.dataDir);
    const database = new CollectorDatabase(join(options.dataDir, "collector.sqlite"));
    const server = createServer({
      key: certificates.serverKeyPem,
      cert: certificates.serverCertPem,
      minVersion: "TLSv1.2",
      requestTimeout: 30_000,
      headersTimeout: 10_000,
      maxHeaderSize: MAX_HEADER_BYTES,
    });
    let collector: Collector;
    try {
      collector = new Collector(certificates.caCertPem, database, server, options);
    } catch (error) {
      database.close();
      throw error;
    }
    server.on("request", (request: IncomingMessage, response: ServerResponse) => collector.#handle(request, response));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      await collector.alerter.stop();
      database.close();
      throw error;
    }
    collector.alerter.start(options.alertTickMs ?? 5000);
    void collector.alerter.deliverDue(); // what a previous run left in the outbox
    return collector;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Base URL, e.g. https://localhost:43121 (the name the server certificate carries). */
  get url(): string {
    return `https://localhost:${this.port}`;
  }

  /** The operations served (method and OpenAPI path), for the document's test. */
  get routes(): readonly { readonly method: Method; readonly path: string; readonly auth: string }[] {
    return this.#routes.map(({ method, path, auth }) => ({ method, path, auth }));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    await this.alerter.stop();
    this.database.close();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.#route(request);
    } catch (error) {
      this.#log(`collector error ${error instanceof Error ? error.message : String(error)}`);
      reply = { ...errorReply(500, "internal", "internal error"), close: true };
    }
    const path = (request.url ?? "").split("?")[0].slice(0, 200);
    const outcome = typeof reply.body === "object" && !Buffer.isBuffer(reply.body) ? String(reply.body.status ?? reply.body.error ?? "") : "";
    this.#log(`collector ${request.method} ${path} ${reply.status} ${outcome}`);
    send(response, reply);
  }

  async #route(request: IncomingMessage): Promise<Reply> {
    const target = request.url ?? "";
    if (target.length > MAX_URL_LENGTH) return { ...errorReply(414, "uri_too_long", `the request target exceeds ${MAX_URL_LENGTH} characters`), close: true };
    let url: URL;
    try {
      if (!target.startsWith("/")) throw new Error("not an origin-form target");
      url = new URL(`https://localhost${target}`);
    } catch {
      return { ...errorReply(400, "bad_path", "the request target is not a path"), close: true };
    }
    const match = matchRoute(this.#routes, request.method ?? "", url.pathname);
    if (match.kind !== "found") {
      discard(request);
      if (match.kind === "wrong_method") return { ...methodNotAllowed(match.allowed), close: true };
      if (match.kind === "bad_path") return { ...errorReply(400, "bad_path", "a path parameter is not valid percent-encoding"), close: true };
      return { ...errorReply(404, "not_found", `no route ${url.pathname.slice(0, 200)}`), close: true };
    }
    const { route, params } = match;
    if (route.auth === "none") return route.handle({ request, url, params });
    const token = bearerToken(request);
    if (route.auth === "device") {
      const device = token === undefined ? undefined : this.database.deviceForToken(token);
      if (device === undefined) {
        return this.#authFailed(request, errorReply(401, "unauthorized", token === undefined ? "missing 'Authorization: Bearer <token>'" : "unknown or wrong device token"));
      }
      const waitS = this.#deviceLimits.take(device);
      if (waitS > 0) {
        return { ...errorReply(429, "rate_limited", `device '${device}' sends too often; retry in ${waitS} s`), headers: { "retry-after": String(waitS) }, close: true };
      }
      return route.handle({ request, url, params, device });
    }
    if (token === undefined) return this.#authFailed(request, errorReply(401, "unauthorized", "missing 'Authorization: Bearer <admin token>'"));
    if (!this.database.isAdminToken(token)) return this.#authFailed(request, errorReply(403, "forbidden", "this needs an admin token"));
    return route.handle({ request, url, params });
  }

  /** A refused token: the body is not read, and an address that keeps failing is slowed down. */
  #authFailed(request: IncomingMessage, reply: Reply): Reply {
    discard(request);
    const waitS = this.#failedAuthLimits.take(request.socket.remoteAddress ?? "unknown");
    if (waitS > 0) return { ...errorReply(429, "too_many_failures", `too many refused tokens from this address; retry in ${waitS} s`), headers: { "retry-after": String(waitS) }, close: true };
    return { ...reply, close: true };
  }
}

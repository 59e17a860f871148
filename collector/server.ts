import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BatchRecord } from "../src/batch/record.js";
import { checkBatch } from "./batch-check.js";
import { ensureCertificates } from "./certificates.js";
import { CollectorDatabase } from "./database.js";

/** Largest request body accepted. A batch is about 400 bytes; anything near this is not a batch. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

export interface CollectorOptions {
  /** Folder for the CA, the server certificate and the SQLite file; created on first run. */
  readonly dataDir: string;
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 (default) picks a free one. */
  readonly port?: number;
  readonly maxBodyBytes?: number;
  /** One line per request (method, path, status, outcome); never tokens or bodies. */
  readonly log?: (line: string) => void;
}

interface Reply {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  /** Ask the client to close: used when the rest of the body is not read. */
  readonly close?: boolean;
}

/**
 * The minimal collector: HTTPS only, its own CA, per-device bearer tokens,
 * `POST /v1/batches` (idempotent on batch_id) and `GET /v1/batches?site=…`
 * (admin token). Every body is checked against the batch JSON Schema.
 */
export class Collector {
  readonly caCertPem: string;
  readonly database: CollectorDatabase;
  #server: Server;
  #maxBodyBytes: number;
  #log: (line: string) => void;

  private constructor(caCertPem: string, database: CollectorDatabase, server: Server, options: CollectorOptions) {
    this.caCertPem = caCertPem;
    this.database = database;
    this.#server = server;
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#log = options.log ?? (() => {});
  }

  /** Prepares the data folder (certificates, database) and starts listening. */
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
    });
    const collector = new Collector(certificates.caCertPem, database, server, options);
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
      database.close();
      throw error;
    }
    return collector;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Base URL, e.g. https://localhost:43121 (the name the server certificate carries). */
  get url(): string {
    return `https://localhost:${this.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    this.database.close();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.#route(request);
    } catch (error) {
      this.#log(`collector error ${error instanceof Error ? error.message : String(error)}`);
      reply = { status: 500, body: { error: "internal", message: "internal error" } };
    }
    const path = (request.url ?? "").split("?")[0];
    this.#log(`collector ${request.method} ${path} ${reply.status} ${String(reply.body.status ?? reply.body.error ?? "")}`);
    send(response, reply);
  }

  async #route(request: IncomingMessage): Promise<Reply> {
    const url = new URL(request.url ?? "/", "https://localhost");
    if (url.pathname === "/v1/health") {
      return request.method === "GET" ? { status: 200, body: { status: "ok" } } : methodNotAllowed("GET");
    }
    if (url.pathname !== "/v1/batches") {
      discard(request);
      return { status: 404, body: { error: "not_found", message: `no route ${url.pathname}` } };
    }
    if (request.method === "POST") return this.#postBatch(request);
    if (request.method === "GET") return this.#getBatches(request, url);
    discard(request);
    return methodNotAllowed("GET, POST");
  }

  async #postBatch(request: IncomingMessage): Promise<Reply> {
    const contentType = request.headers["content-type"];
    if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) {
      discard(request);
      return { status: 415, body: { error: "unsupported_media_type", message: "send the batch as application/json" } };
    }
    const body = await readBody(request, this.#maxBodyBytes);
    if (body === undefined) {
      return { status: 413, close: true, body: { error: "body_too_large", message: `the body exceeds ${this.#maxBodyBytes} bytes` } };
    }
    const token = bearerToken(request);
    const tokenDevice = token === undefined ? undefined : this.database.deviceForToken(token);
    if (tokenDevice === undefined) {
      return { status: 401, body: { error: "unauthorized", message: token === undefined ? "missing 'Authorization: Bearer <token>'" : "unknown or wrong device token" } };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return { status: 400, body: { error: "malformed_json", message: `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}` } };
    }
    const check = checkBatch(parsed);
    if (!check.ok) return { status: check.status, body: { error: check.error, message: check.message, ...(check.details ? { details: check.details } : {}) } };
    const batch: BatchRecord = check.batch;
    if (!this.database.hasDevice(batch.device_id)) {
      return { status: 403, body: { error: "unknown_device", message: `device '${batch.device_id}' is not registered` } };
    }
    if (batch.device_id !== tokenDevice) {
      return { status: 403, body: { error: "wrong_device", message: `this token does not belong to device '${batch.device_id}'` } };
    }
    switch (this.database.storeBatch(batch)) {
      case "stored":
        return { status: 201, body: { status: "stored", batch_id: batch.batch_id } };
      case "duplicate":
        return { status: 200, body: { status: "duplicate", batch_id: batch.batch_id } };
      case "conflict":
        return { status: 409, body: { error: "batch_id_conflict", message: `batch '${batch.batch_id}' was already stored with different content` } };
    }
  }

  async #getBatches(request: IncomingMessage, url: URL): Promise<Reply> {
    discard(request);
    const token = bearerToken(request);
    if (token === undefined) return { status: 401, body: { error: "unauthorized", message: "missing 'Authorization: Bearer <admin token>'" } };
    if (!this.database.isAdminToken(token)) return { status: 403, body: { error: "forbidden", message: "reading batches needs the admin token" } };
    const site = url.searchParams.get("site");
    if (site === null || site === "") return { status: 400, body: { error: "missing_site", message: "give ?site=<site>" } };
    const batches = this.database.batchesForSite(site);
    return { status: 200, body: { site, count: batches.length, batches } };
  }
}

function methodNotAllowed(allowed: string): Reply {
  return { status: 405, body: { error: "method_not_allowed", message: `use ${allowed}` } };
}

function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer ([^\s]+)$/.exec(request.headers.authorization ?? "");
  return match?.[1];
}

/**
 * The body as text, or undefined when it is larger than `limit` bytes. The rest
 * of an oversized body is not read: the reply closes the connection instead.
 */
function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off("data", onData);
      request.pause();
      resolve(undefined);
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.once("error", reject);
  });
}

/** Lets an unread body drain so the connection can be reused. */
function discard(request: IncomingMessage): void {
  request.resume();
}

function send(response: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...(reply.close ? { connection: "close" } : {}),
  });
  response.end(text);
}

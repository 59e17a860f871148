import type { IncomingMessage, ServerResponse } from "node:http";

/** What a route answers: JSON by default, or text (CSV, HTML, scripts) with its content type. */
export interface Reply {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>> | string | Buffer;
  /** Content type of a text or Buffer body; JSON bodies are always application/json. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Ask the client to close: used when the rest of the body is not read. */
  readonly close?: boolean;
}

/** Headers on every answer: TLS only, no sniffing, no referrer, no framing. */
const SECURITY_HEADERS = Object.freeze({
  "strict-transport-security": "max-age=31536000",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin",
});

export function errorReply(status: number, error: string, message: string, extra: Readonly<Record<string, unknown>> = {}): Reply {
  return { status, body: { error, message, ...extra } };
}

export function methodNotAllowed(allowed: readonly string[]): Reply {
  return { status: 405, body: { error: "method_not_allowed", message: `use ${allowed.join(", ")}` }, headers: { allow: allowed.join(", ") } };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer ([^\s]+)$/.exec(request.headers.authorization ?? "");
  return match?.[1];
}

/** True when the request declares a JSON body (or no content type at all, as small device stacks do). */
export function isJsonContentType(request: IncomingMessage): boolean {
  const contentType = request.headers["content-type"];
  return contentType === undefined || /^application\/json\s*(;|$)/i.test(contentType);
}

/**
 * The body as text, or undefined when it is larger than `limit` bytes. The rest
 * of an oversized body is not read: the reply closes the connection instead.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
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
export function discard(request: IncomingMessage): void {
  request.resume();
}

export function send(response: ServerResponse, reply: Reply): void {
  const isJson = typeof reply.body === "object" && !Buffer.isBuffer(reply.body);
  const payload = isJson ? JSON.stringify(reply.body) : reply.body;
  const contentType = isJson ? "application/json; charset=utf-8" : (reply.contentType ?? "text/plain; charset=utf-8");
  response.writeHead(reply.status, {
    ...SECURITY_HEADERS,
    "content-type": contentType,
    "content-length": String(Buffer.byteLength(payload as string | Buffer)),
    "cache-control": "no-store",
    ...(reply.close ? { connection: "close" } : {}),
    ...reply.headers,
  });
  response.end(payload);
}

import { request } from "node:https";
import type { Https, HttpsRequest, HttpsResponse } from "../../src/interfaces/index.js";

/** Answers larger than this are cut off: the collector's replies are a few hundred bytes. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface PinnedHttpsOptions {
  /** The collector's CA certificate (PEM): the only CA trusted. */
  readonly ca: string;
}

/**
 * HTTPS through Node with the collector's CA pinned: `ca` replaces Node's
 * bundled CA list, so a server whose chain does not end at this CA is refused
 * even if a public CA vouches for it. Hostname checks stay on.
 */
export class PinnedHttps implements Https {
  #ca: string;

  constructor(options: PinnedHttpsOptions) {
    this.#ca = options.ca;
  }

  post(req: HttpsRequest): Promise<HttpsResponse> {
    return this.#send("POST", req);
  }

  /** A GET with the same pinning (the demo reads the collector back with it). */
  get(req: Omit<HttpsRequest, "body">): Promise<HttpsResponse> {
    return this.#send("GET", { ...req, body: "" });
  }

  #send(method: "GET" | "POST", req: HttpsRequest): Promise<HttpsResponse> {
    const url = new URL(req.url);
    if (url.protocol !== "https:") return Promise.reject(new Error(`https: refusing a ${url.protocol} URL`));
    return new Promise((resolve, reject) => {
      const body = Buffer.from(req.body, "utf8");
      const outgoing = request(
        url,
        {
          method,
          ca: this.#ca,
          rejectUnauthorized: true, // explicit: NODE_TLS_REJECT_UNAUTHORIZED cannot turn it off
          agent: false, // a fresh connection per request: no pooled socket keeps the process alive
          headers: method === "POST" ? { ...req.headers, "content-length": String(body.length) } : req.headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              outgoing.destroy(new Error(`https: response larger than ${MAX_RESPONSE_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          response.on("end", () => {
            clearTimeout(timer);
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
          });
          response.on("error", fail);
        },
      );
      const timer = setTimeout(() => outgoing.destroy(new Error(`https: no answer within ${req.timeoutMs} ms`)), req.timeoutMs);
      function fail(error: Error): void {
        clearTimeout(timer);
        reject(error);
      }
      outgoing.on("error", fail);
      outgoing.end(body);
    });
  }
}

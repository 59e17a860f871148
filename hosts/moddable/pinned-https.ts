/**
 * The core's Https on the board: the SDK's HTTP client over its TLS socket,
 * trusting the collector's CA and nothing else (manifest.json leaves out the
 * SDK's store of public CAs). Certificate dates are checked, so the clock
 * must be set (network-time.ts) before the first request.
 */
import { Request, type HTTPRequestOptions } from "http";
import SecureSocket from "securesocket";
import Timer from "timer";
import type { Https, HttpsRequest, HttpsResponse } from "../../src/interfaces/index.js";
import { pemCertificates } from "./pem-der.js";
import { utf8Length } from "../../src/uplink/utf8.js";

const TLS_1_2 = 0x303;
const URL_PATTERN = /^https:\/\/([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(\/[^?#]*)?$/;

/** The SDK's client hands Socket and secure to the socket it makes; its typings leave them out. */
type SecureRequestOptions = HTTPRequestOptions & {
  readonly Socket: typeof SecureSocket;
  readonly secure: { readonly certificate: ArrayBuffer; readonly protocolVersion: number };
};

export class PinnedHttps implements Https {
  readonly #ca: ArrayBuffer;

  /** `caPem`: the collector's CA as provisioned. Its first certificate is the one trusted (the root of the collector's chain). */
  constructor(caPem: string) {
    this.#ca = pemCertificates(caPem)[0];
  }

  post(request: HttpsRequest): Promise<HttpsResponse> {
    const url = URL_PATTERN.exec(request.url);
    if (url === null) return Promise.reject(new Error(`https: not an https URL: ${request.url}`));
    const headers: string[] = [];
    for (const name of Object.keys(request.headers)) {
      if (name.toLowerCase() !== "content-length") headers.push(name, request.headers[name]);
    }
    // The SDK's client counts characters, not bytes: give the UTF-8 length.
    headers.push("content-length", String(utf8Length(request.body)));
    const options: SecureRequestOptions = {
      host: url[1],
      port: url[2] === undefined ? 443 : Number(url[2]),
      path: url[3] ?? "/",
      method: "POST",
      headers,
      body: request.body,
      response: String,
      Socket: SecureSocket,
      secure: { certificate: this.#ca, protocolVersion: TLS_1_2 },
    };
    return new Promise<HttpsResponse>((resolve, reject) => {
      let http: Request | undefined;
      let status = 0;
      let settled = false;
      const finish = (error: Error | undefined, response?: HttpsResponse): void => {
        if (settled) return;
        settled = true;
        Timer.clear(timer);
        try {
          http?.close();
        } catch {
          // Closing a request the client already closed: nothing left to release.
        }
        if (error !== undefined) reject(error);
        else if (response !== undefined) resolve(response);
      };
      const timer = Timer.set(() => finish(new Error(`https: no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
      try {
        http = new Request(options);
      } catch (error) {
        finish(new Error(`https: cannot start the request: ${String(error)}`));
        return;
      }
      http.callback = (message, value: unknown) => {
        if (message === Request.status) status = Number(value);
        else if (message === Request.responseComplete) finish(undefined, { status, body: typeof value === "string" ? value : "" });
        else if (message === Request.error) finish(new Error("https: connection or TLS handshake failed (collector CA not trusted, network down or refused)"));
      };
    });
  }
}

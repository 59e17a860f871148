import { X509Certificate } from "node:crypto";
import { connect } from "node:tls";
import type { CollectorCheck, CollectorCheckResult } from "../../../src/provision/ports.js";

/** TLS errors that mean "this CA does not vouch for that server". */
const CERTIFICATE_ERRORS = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "INVALID_CA",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export interface TlsCollectorCheckOptions {
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number;
}

/**
 * Checks a collector CA the way the board's HTTPS client will use it: a TLS
 * handshake with the collector that trusts this CA only. Also refuses text
 * that is not a CA certificate at all.
 */
export class TlsCollectorCheck implements CollectorCheck {
  #timeoutMs: number;

  constructor(options: TlsCollectorCheckOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  check(collectorUrl: string, caPem: string): Promise<CollectorCheckResult> {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(caPem);
    } catch {
      return Promise.resolve({ ok: false, reason: "ca_refused", detail: "the collector CA is not a certificate" });
    }
    if (!certificate.ca) return Promise.resolve({ ok: false, reason: "ca_refused", detail: "the collector CA is not a CA certificate (basicConstraints CA:FALSE)" });
    const url = new URL(collectorUrl);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    return new Promise((resolve) => {
      const socket = connect({
        host,
        port: url.port === "" ? 443 : Number(url.port),
        servername: /^[0-9.]+$|:/.test(host) ? undefined : host,
        ca: [caPem],
        rejectUnauthorized: true,
        timeout: this.#timeoutMs,
      });
      const done = (result: CollectorCheckResult) => {
        socket.destroy();
        resolve(result);
      };
      socket.once("secureConnect", () => done({ ok: true }));
      socket.once("timeout", () => done({ ok: false, reason: "unreachable", detail: `no TLS answer from ${url.host} within ${this.#timeoutMs} ms` }));
      socket.once("error", (error: NodeJS.ErrnoException) => {
        const code = error.code ?? "";
        if (CERTIFICATE_ERRORS.has(code)) done({ ok: false, reason: "ca_refused", detail: `the collector's certificate does not verify against this CA (${code})` });
        else done({ ok: false, reason: "unreachable", detail: `cannot reach ${url.host} (${code || error.message})` });
      });
    });
  }
}

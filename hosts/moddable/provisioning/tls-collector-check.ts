/**
 * The board's check of a provisioned collector CA: one HTTPS request to the
 * collector trusting that CA only (hosts/moddable/pinned-https.ts). Any HTTP
 * answer means the TLS handshake verified. The SDK's client reports one error
 * for a refused certificate and an unreachable host, so a failure is reported
 * as a refused CA whose detail says both are possible. Needs the clock set
 * (certificate dates): the caller syncs SNTP first.
 */
import type { CollectorCheck, CollectorCheckResult } from "../../../src/provision/ports.js";
import { PinnedHttps } from "../pinned-https.js";

const CHECK_TIMEOUT_MS = 15_000;

export class DeviceCollectorCheck implements CollectorCheck {
  readonly #clockReady: () => Promise<boolean>;

  /** `clockReady` resolves true once UTC is known (SNTP), false if it could not be had. */
  constructor(clockReady: () => Promise<boolean>) {
    this.#clockReady = clockReady;
  }

  async check(collectorUrl: string, caPem: string): Promise<CollectorCheckResult> {
    if (!(await this.#clockReady())) return { ok: false, reason: "unreachable", detail: "no network time: the CA's dates cannot be checked" };
    let https: PinnedHttps;
    try {
      https = new PinnedHttps(caPem);
    } catch (error) {
      return { ok: false, reason: "ca_refused", detail: String(error) };
    }
    try {
      // An empty POST: the collector answers 4xx, which is enough (TLS verified, nothing stored).
      await https.post({ url: `${collectorUrl}/v1/batches`, headers: { "content-type": "application/json" }, body: "", timeoutMs: CHECK_TIMEOUT_MS });
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: "ca_refused", detail: `TLS with the collector failed: the CA does not vouch for it, or it is unreachable (${String(error)})` };
    }
  }
}

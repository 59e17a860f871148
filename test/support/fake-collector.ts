import type { Clock, Https, HttpsRequest, HttpsResponse } from "../../src/interfaces/index.js";

/** How the simulated collector treats one request. */
export type CollectorBehaviour =
  | { readonly kind: "ok"; readonly delayMs?: number }
  /** The request never reaches it: rejects at once (DNS, TLS, connection refused). */
  | { readonly kind: "down" }
  /** 5xx without storing. */
  | { readonly kind: "error"; readonly status: number; readonly delayMs?: number }
  /** No answer: the client times out; `stored` says whether the batch got stored before the answer was lost. */
  | { readonly kind: "timeout"; readonly stored: boolean }
  /** A fixed 4xx answer without storing. */
  | { readonly kind: "refuse"; readonly status: number };

export const COLLECTOR_OK: CollectorBehaviour = Object.freeze({ kind: "ok" });

/**
 * A simulated collector behind the Https interface, for tests: it stores each
 * batch by id (201), answers 200 to an identical replay and 409 to a replayed
 * id with different content, as collector/ does. `behaviour` scripts
 * failures per request; delays and timeouts run on the given clock.
 */
export class FakeCollector implements Https {
  readonly stored = new Map<string, string>();
  /** How many times each batch id was stored (must stay 1). */
  readonly storeCounts = new Map<string, number>();
  readonly requests: HttpsRequest[] = [];
  conflicts = 0;
  behaviour: (request: HttpsRequest, index: number) => CollectorBehaviour = () => COLLECTOR_OK;
  #clock: Clock;
  #token: string;

  constructor(clock: Clock, token: string) {
    this.#clock = clock;
    this.#token = token;
  }

  /** Answers later requests on this clock (a rebooted device has a new one; answers due on the old one are lost). */
  useClock(clock: Clock): void {
    this.#clock = clock;
  }

  post(request: HttpsRequest): Promise<HttpsResponse> {
    const index = this.requests.length;
    this.requests.push(request);
    const behaviour = this.behaviour(request, index);
    switch (behaviour.kind) {
      case "down":
        return Promise.reject(new Error("connect ECONNREFUSED"));
      case "timeout":
        if (behaviour.stored) this.#handle(request);
        return this.#later(request.timeoutMs, () => Promise.reject(new Error("timeout")));
      case "error":
        return this.#later(behaviour.delayMs ?? 0, () => Promise.resolve({ status: behaviour.status, body: "{\"error\":\"unavailable\"}" }));
      case "refuse":
        return Promise.resolve({ status: behaviour.status, body: "{\"error\":\"refused\"}" });
      case "ok":
        return this.#later(behaviour.delayMs ?? 0, () => Promise.resolve(this.#handle(request)));
    }
  }

  #later(delayMs: number, answer: () => Promise<HttpsResponse>): Promise<HttpsResponse> {
    if (delayMs <= 0) return answer();
    return new Promise((resolve, reject) => {
      this.#clock.schedule(delayMs, () => answer().then(resolve, reject));
    });
  }

  #handle(request: HttpsRequest): HttpsResponse {
    if (!request.url.endsWith("/v1/batches")) return { status: 404, body: "{}" };
    if (request.headers["authorization"] !== `Bearer ${this.#token}`) return { status: 401, body: "{\"error\":\"unauthorized\"}" };
    const record = JSON.parse(request.body) as { batch_id: string };
    const previous = this.stored.get(record.batch_id);
    if (previous === undefined) {
      this.stored.set(record.batch_id, request.body);
      this.storeCounts.set(record.batch_id, (this.storeCounts.get(record.batch_id) ?? 0) + 1);
      return { status: 201, body: "{\"status\":\"stored\"}" };
    }
    if (previous === request.body) return { status: 200, body: "{\"status\":\"duplicate\"}" };
    this.conflicts++;
    return { status: 409, body: "{\"error\":\"batch_id_conflict\"}" };
  }
}

/** Lets pending promise callbacks run (uplink answers are promise-based). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

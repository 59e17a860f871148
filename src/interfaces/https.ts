export interface HttpsResponse {
  readonly status: number;
  readonly body: string;
}

export interface HttpsRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Give up after this long; the promise then rejects. */
  readonly timeoutMs: number;
}

/**
 * HTTPS client pinned to the collector's CA (no other CA is accepted).
 * Rejects on network, TLS or timeout failure; resolves with any HTTP status.
 */
export interface Https {
  post(request: HttpsRequest): Promise<HttpsResponse>;
}

import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { readPem, requireEnv, type SmsConfig } from "./config.js";
import { DeliveryError, errorSummary, type MessageSender } from "./senders.js";

/** Gateway answers longer than this are cut: only the status matters. */
const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * Alert SMS through an HTTP gateway described by the config: URL, method,
 * headers and body template with {{to}}, {{text}} and {{env.NAME}}. Each
 * placeholder is encoded for where it stands: URL-encoded in the URL, a JSON
 * string (quotes included) or form-encoded in the body, as is in a header
 * (line breaks removed). Credentials come from the environment only.
 * 2xx is sent; 408, 429, 5xx and network errors are retried; other 4xx are permanent.
 */
export class SmsSender implements MessageSender {
  #config: SmsConfig;
  #env: NodeJS.ProcessEnv;
  #ca: string | undefined;

  constructor(config: SmsConfig, env: NodeJS.ProcessEnv = process.env) {
    this.#config = config;
    this.#env = env;
    this.#ca = config.ca_file ? readPem(config.ca_file, "sms.ca_file") : undefined;
  }

  async send(recipient: string, _subject: string, text: string): Promise<void> {
    const values = (name: string): string => {
      if (name === "to") return recipient;
      if (name === "text") return text;
      return requireEnv(this.#env, name.slice("env.".length), "sms");
    };
    const url = new URL(render(this.#config.url, values, encodeURIComponent));
    const bodyEncoder = (this.#config.body_encoding ?? "json") === "json" ? (value: string) => JSON.stringify(value) : formEncode;
    const body = this.#config.method === "GET" ? "" : render(this.#config.body_template, values, bodyEncoder);
    const headers: Record<string, string> = {};
    for (const [name, template] of Object.entries(this.#config.headers ?? {})) headers[name.toLowerCase()] = render(template, values, (value) => value.replace(/[\r\n]/g, " "));
    if (this.#config.method !== "GET") {
      headers["content-type"] ??= (this.#config.body_encoding ?? "json") === "json" ? "application/json" : "application/x-www-form-urlencoded";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const auth = this.#config.basic_auth;
    if (auth) {
      const user = requireEnv(this.#env, auth.username_env, "sms.basic_auth.username_env");
      const password = requireEnv(this.#env, auth.password_env, "sms.basic_auth.password_env");
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    }
    const status = await this.#post(url, headers, body);
    if (status >= 200 && status < 300) return;
    const retried = status === 408 || status === 429 || status >= 500;
    throw new DeliveryError(`sms gateway answered ${status}`, !retried);
  }

  #post(url: URL, headers: Record<string, string>, body: string): Promise<number> {
    const timeoutMs = (this.#config.timeout_seconds ?? 15) * 1000;
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = send(
        url,
        { method: this.#config.method, headers, agent: false, timeout: timeoutMs, ...(url.protocol === "https:" ? { minVersion: "TLSv1.2" as const, ...(this.#ca ? { ca: this.#ca } : {}) } : {}) },
        (response) => {
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) response.destroy();
          });
          response.on("close", () => resolve(response.statusCode ?? 0));
          response.on("error", () => resolve(response.statusCode ?? 0));
        },
      );
      outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      outgoing.on("error", (error) => reject(new DeliveryError(`sms gateway: ${errorSummary(error)}`, false, { cause: error })));
      outgoing.end(body);
    });
  }

  close(): void {}
}

/** Replaces every {{name}} with its value, encoded for the place it stands. */
export function render(template: string, value: (name: string) => string, encode: (value: string) => string): string {
  return template.replace(/\{\{(to|text|env\.[A-Z_][A-Z0-9_]*)\}\}/g, (_match, name: string) => encode(value(name)));
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+");
}

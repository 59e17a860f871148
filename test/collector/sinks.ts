import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The raw message (headers and body). */
  readonly raw: string;
  /** The body, quoted-printable decoded. */
  readonly body: string;
}

/**
 * A real SMTP server (smtp-server) in the test process: STARTTLS with the
 * given certificate, login required after TLS, every message kept.
 * `close()` takes it down; `start()` brings it back on the same port.
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  port = 0;
  #server: SMTPServer | undefined;
  #tls: { key: string; cert: string };
  #login: { user: string; pass: string };

  constructor(tls: { key: string; cert: string }, login: { user: string; pass: string }) {
    this.#tls = tls;
    this.#login = login;
  }

  async start(port = this.port): Promise<void> {
    const server = new SMTPServer({
      ...this.#tls,
      secure: false,
      logger: false,
      authMethods: ["PLAIN", "LOGIN"],
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.#login.user && auth.password === this.#login.pass) callback(null, { user: auth.username });
        else callback(new Error("Invalid username or password"));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          const from = session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address;
          this.messages.push({ from, to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, body: decodeQuotedPrintable(raw.split("\r\n\r\n").slice(1).join("\r\n\r\n")) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export interface SinkRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local HTTP server standing in for an SMS gateway: records each request, answers `status`. */
export class SmsSink {
  readonly requests: SinkRequest[] = [];
  status = 200;
  #server: Server | undefined;

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        this.requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
        response.writeHead(this.status, { "content-type": "application/json" });
        response.end(JSON.stringify({ ok: this.status < 300 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    this.#server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

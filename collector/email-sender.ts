import { createTransport, type Transporter } from "nodemailer";
import { readPem, requireEnv, type EmailConfig } from "./config.js";
import { DeliveryError, errorSummary, type MessageSender } from "./senders.js";

/** Nodemailer's errors carry the SMTP reply code and a short code of their own. */
interface SmtpFailure {
  readonly responseCode?: number;
  readonly code?: string;
}

/**
 * Alert e-mail through an SMTP server (nodemailer), plain text only. TLS as
 * the config says: from the start (`tls`), STARTTLS required (`starttls`), or
 * none for a loopback relay. A fresh connection per message: alerts are rare.
 */
export class EmailSender implements MessageSender {
  #transport: Transporter;
  #from: string;

  constructor(config: EmailConfig, env: NodeJS.ProcessEnv = process.env) {
    const timeoutMs = (config.timeout_seconds ?? 20) * 1000;
    const auth =
      config.username_env !== undefined && config.password_env !== undefined
        ? { user: requireEnv(env, config.username_env, "email.username_env"), pass: requireEnv(env, config.password_env, "email.password_env") }
        : undefined;
    this.#from = config.from;
    this.#transport = createTransport({
      host: config.host,
      port: config.port,
      secure: config.security === "tls",
      requireTLS: config.security === "starttls",
      ignoreTLS: config.security === "none",
      ...(auth ? { auth } : {}),
      tls: { minVersion: "TLSv1.2", rejectUnauthorized: true, ...(config.ca_file ? { ca: readPem(config.ca_file, "email.ca_file") } : {}) },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(recipient: string, subject: string, text: string): Promise<void> {
    try {
      await this.#transport.sendMail({ from: this.#from, to: recipient, subject, text });
    } catch (error) {
      const failure = error as SmtpFailure;
      // SMTP 5xx replies are permanent by the protocol (no such mailbox, refused login); 4xx and network errors pass.
      const permanent = failure.responseCode !== undefined ? failure.responseCode >= 500 : failure.code === "EAUTH";
      throw new DeliveryError(`smtp: ${errorSummary(error)}`, permanent, { cause: error });
    }
  }

  close(): void {
    this.#transport.close();
  }
}

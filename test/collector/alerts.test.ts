import { strict as assert } from "node:assert";
import { join } from "node:path";
import { ensureCertificates } from "../../collector/certificates.js";
import { parseConfig, type CollectorConfig } from "../../collector/config.js";
import type { AlertRow } from "../../collector/alert-store.js";
import { batchAt, removeFolder, startCollector, tempFolder, type CollectorFixture } from "./fixtures.js";
import { SmsSink, SmtpSink } from "./sinks.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0); // 09:00 UTC
const ENV = { SMTP_USER: "alerts", SMTP_PASSWORD: "smtp-secret-1", SMS_KEY: "sms-key-42" };
const EMAIL = "team@city.example";
const PHONE = "+33612345678";

interface AlertsAnswer {
  undelivered: { pending: number; failed: number };
  rules: { id: string; active: boolean }[];
  alerts: AlertRow[];
}

describe("collector: alert rules by e-mail (real SMTP server) and SMS (HTTP sink)", function () {
  this.timeout(60_000); // key generation and TLS handshakes on a busy 2-core machine
  let folder: string;
  let smtp: SmtpSink;
  let sms: SmsSink;
  let fixture: CollectorFixture | undefined;
  let now: number;
  const logs: string[] = [];

  beforeEach(async () => {
    folder = tempFolder("alerts");
    logs.length = 0;
    // The SMTP server uses the collector's own certificate; the e-mail sender trusts that CA only.
    const certificates = await ensureCertificates(folder);
    smtp = new SmtpSink({ key: certificates.serverKeyPem, cert: certificates.serverCertPem }, { user: ENV.SMTP_USER, pass: ENV.SMTP_PASSWORD });
    await smtp.start(0);
    sms = new SmsSink();
  });

  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
    await smtp.close();
    await sms.close();
    removeFolder(folder);
  });

  async function configFor(overrides: Record<string, unknown> = {}): Promise<CollectorConfig> {
    const smsUrl = await sms.start();
    // A JSON round trip drops the sections an override sets to undefined.
    return parseConfig(
      JSON.parse(JSON.stringify({
        timezone: "Europe/Paris",
        alerts: { min_interval_minutes: 120, max_age_minutes: 120, retry_first_seconds: 30, retry_max_seconds: 600 },
        email: { host: "localhost", port: smtp.port, security: "starttls", from: "ephemera@city.example", username_env: "SMTP_USER", password_env: "SMTP_PASSWORD", ca_file: join(folder, "ca.cert.pem"), timeout_seconds: 5 },
        sms: {
          url: `${smsUrl}/send?key={{env.SMS_KEY}}`,
          method: "POST",
          headers: { "x-api-key": "{{env.SMS_KEY}}" },
          body_template: '{"to": {{to}}, "message": {{text}}}',
        },
        sites: { Lobby: { rules: [{ id: "lobby-low", type: "share_below", percent: 60, windows: 3, email: [EMAIL], sms: [PHONE] }] } },
        ...overrides,
      })),
      ENV,
    );
  }

  async function start(config: CollectorConfig): Promise<CollectorFixture> {
    fixture = await startCollector(folder, { config, env: ENV, now: () => now, alertTickMs: 0, log: (line) => logs.push(line) });
    return fixture;
  }

  /** Posts the 20-minute batch starting `minutes` after 09:00 and sets the clock to a minute after its end. */
  async function post(minutes: number, masked: number): Promise<void> {
    assert.ok(fixture);
    now = T0 + (minutes + 21) * MINUTE;
    const response = await fixture.post(JSON.stringify(batchAt(T0 + minutes * MINUTE, masked)));
    assert.equal(response.status, 201, response.body);
    await fixture.collector.alerter.deliverDue(); // the pass that the POST started, and anything due
  }

  async function alerts(): Promise<AlertsAnswer> {
    assert.ok(fixture);
    const response = await fixture.get("/v1/alerts");
    assert.equal(response.status, 200, response.body);
    return JSON.parse(response.body) as AlertsAnswer;
  }

  it("fires once when the rule starts to hold, then de-duplicates while it keeps holding", async () => {
    await start(await configFor());
    await post(0, 8); // 40% masked
    await post(20, 8);
    assert.equal(smtp.messages.length + sms.requests.length, 0, "not three windows yet: nothing is judged");
    await post(40, 8);
    assert.equal(smtp.messages.length, 1, "one e-mail");
    assert.equal(sms.requests.length, 1, "one SMS");

    const expected = "Ephemera Lobby: 40% masked over the last 3 windows (10:00-11:00, 60 people), under 60% (rule lobby-low).";
    const mail = smtp.messages[0];
    assert.deepEqual(mail.to, [EMAIL]);
    assert.equal(mail.from, "ephemera@city.example");
    assert.match(mail.raw, /^Subject: Ephemera: masked share at Lobby 40%$/m);
    assert.equal(mail.body.trim(), expected, "the text carries aggregates only");
    const text = sms.requests[0];
    assert.equal(text.method, "POST");
    assert.equal(text.url, "/send?key=sms-key-42", "{{env.SMS_KEY}} from the environment, URL-encoded");
    assert.equal(text.headers["x-api-key"], "sms-key-42");
    assert.deepEqual(JSON.parse(text.body), { to: PHONE, message: expected });
    for (const sent of [mail.raw, text.body]) assert.equal(/dev-one|batch|mask-fomo/.test(sent), false, "no device, batch or model in a message");

    await post(60, 8); // still 40%: the same episode
    assert.equal(smtp.messages.length, 1, "de-duplicated");
    assert.equal(sms.requests.length, 1);
    const answer = await alerts();
    assert.equal(answer.alerts.length, 1);
    assert.deepEqual(answer.alerts[0].deliveries.map((delivery) => [delivery.channel, delivery.status, delivery.attempts]), [["email", "sent", 1], ["sms", "sent", 1]]);
    assert.deepEqual(answer.undelivered, { pending: 0, failed: 0 });
    assert.deepEqual(answer.rules, [{ id: "lobby-low", site: "Lobby", type: "share_below", active: true }]);
  });

  it("rate-limits a rule that holds again soon after it fired, and sends once the interval has passed", async () => {
    await start(await configFor());
    await post(0, 8);
    await post(20, 8);
    await post(40, 8); // fires at 10:01
    await post(60, 19);
    await post(80, 19); // (8 + 19 + 19) / 60 = 77%: cleared
    assert.equal((await alerts()).rules[0].active, false);
    await post(100, 0);
    await post(120, 0); // (19 + 0 + 0) / 60 = 32%: holds again at 11:41, 100 min after the alert
    assert.equal(smtp.messages.length, 1, "rate-limited: no second e-mail");
    assert.equal(sms.requests.length, 1);
    const limited = await alerts();
    assert.equal(limited.alerts[0].outcome, "rate_limited");
    assert.deepEqual(limited.alerts[0].deliveries, []);
    assert.ok(logs.some((line) => /lobby-low .*rate-limited/.test(line)));

    now = T0 + 125 * MINUTE + 61 * MINUTE; // 12:06: 125 min after the first alert, the data still fresh
    assert.equal(fixture?.collector.alerter.evaluateAll().get("lobby-low"), "fired", "the postponed alert goes out on the tick");
    await fixture?.collector.alerter.deliverDue();
    assert.equal(smtp.messages.length, 2);
    assert.equal(sms.requests.length, 2);
    assert.match(smtp.messages[1].body, /Lobby: 32% masked over the last 3 windows \(11:20-12:20, 60 people\)/);
    assert.equal(fixture?.collector.alerter.evaluateAll().get("lobby-low"), "deduplicated");
  });

  it("retries e-mail with doubling waits while the SMTP server is down, across a restart, and delivers it once", async () => {
    const config = await configFor();
    await smtp.close();
    await start(config);
    await post(0, 8);
    await post(20, 8);
    await post(40, 8); // fires at 10:01; the SMS goes, the e-mail does not
    assert.equal(sms.requests.length, 1);
    let answer = await alerts();
    let email = answer.alerts[0].deliveries.find((delivery) => delivery.channel === "email");
    assert.equal(email?.status, "pending");
    assert.equal(email?.attempts, 1);
    assert.match(email?.last_error ?? "", /ECONNREFUSED|connect/i);
    assert.equal(email?.next_attempt_at, new Date(now + 30_000).toISOString(), "first retry after 30 s");
    assert.deepEqual(answer.undelivered, { pending: 1, failed: 0 });
    assert.ok(logs.some((line) => /email to team@city\.example not delivered \(attempt 1: .*retrying in 30 s/.test(line)));

    now += 10_000;
    await fixture?.collector.alerter.deliverDue();
    assert.equal((await alerts()).alerts[0].deliveries[0].attempts, 1, "not due yet: not tried");
    now += 20_000;
    await fixture?.collector.alerter.deliverDue();
    answer = await alerts();
    email = answer.alerts[0].deliveries[0];
    assert.equal(email.attempts, 2);
    assert.equal(email.next_attempt_at, new Date(now + 60_000).toISOString(), "second retry after 60 s");

    // The collector stops with the message still in the outbox; the SMTP server comes back; the collector starts again.
    await fixture?.close();
    fixture = undefined;
    await smtp.start();
    now += 60_000;
    await start(config);
    await fixture!.collector.alerter.deliverDue();
    assert.equal(smtp.messages.length, 1, "delivered once");
    assert.match(smtp.messages[0].body, /40% masked over the last 3 windows/);
    answer = await alerts();
    assert.deepEqual(answer.alerts[0].deliveries.map((delivery) => [delivery.channel, delivery.status, delivery.attempts]), [["email", "sent", 3], ["sms", "sent", 1]]);
    assert.deepEqual(answer.undelivered, { pending: 0, failed: 0 });
    assert.ok(logs.some((line) => /email to team@city\.example sent after 3 attempts/.test(line)));
    await fixture!.collector.alerter.deliverDue();
    assert.equal(smtp.messages.length, 1, "not sent twice");
  });

  it("retries an SMS the gateway could not take (503), reports one it refused (400), and sends it after an operator's retry", async () => {
    await start(await configFor({ email: undefined, sites: { Lobby: { rules: [{ id: "lobby-low", type: "share_below", percent: 60, windows: 1, sms: [PHONE] }] } } }));
    sms.status = 503;
    await post(0, 8);
    let delivery = (await alerts()).alerts[0].deliveries[0];
    assert.deepEqual([delivery.status, delivery.attempts, delivery.last_error], ["pending", 1, "sms gateway answered 503"]);

    sms.status = 400;
    now += 30_000;
    await fixture?.collector.alerter.deliverDue();
    let answer = await alerts();
    delivery = answer.alerts[0].deliveries[0];
    assert.deepEqual([delivery.status, delivery.attempts, delivery.last_error], ["failed", 2, "sms gateway answered 400"]);
    assert.deepEqual(answer.undelivered, { pending: 0, failed: 1 }, "reported, not dropped");
    assert.ok(logs.some((line) => /sms to \+33612345678 FAILED for good \(sms gateway answered 400\)/.test(line)));
    now += 3_600_000;
    await fixture?.collector.alerter.deliverDue();
    assert.equal(sms.requests.length, 2, "a failed delivery waits for an operator");

    sms.status = 200;
    const retry = await fixture!.postTo(`/v1/alerts/deliveries/${delivery.delivery_id}/retry`, "");
    assert.equal(retry.status, 200, retry.body);
    await fixture!.collector.alerter.deliverDue();
    answer = await alerts();
    assert.equal(answer.alerts[0].deliveries[0].status, "sent");
    assert.equal(sms.requests.length, 3);
    assert.equal((await fixture!.postTo(`/v1/alerts/deliveries/${delivery.delivery_id}/retry`, "")).status, 409, "a sent delivery is not retried");
    assert.equal((await fixture!.postTo("/v1/alerts/deliveries/999/retry", "")).status, 404);
  });

  it("judges a drop against the same hour yesterday, and ignores data older than max_age_minutes", async () => {
    const rules = [{ id: "lobby-drop", type: "drop_vs_yesterday", points: 20, span_minutes: 60, email: [EMAIL] }];
    await start(await configFor({ sms: undefined, sites: { Lobby: { rules } } }));
    const DAY_MIN = 24 * 60;
    for (const minutes of [0, 20, 40]) await post(minutes - DAY_MIN, 18); // yesterday 09:00-10:00: 90%
    assert.equal(smtp.messages.length, 0);
    await post(0, 14); // 70%: 20 points under
    assert.equal(smtp.messages.length, 1);
    assert.equal(
      smtp.messages[0].body.trim(),
      "Ephemera Lobby: 70% masked (10:00-10:20, 20 people), 20 points under 90% at the same hour yesterday (rule lobby-drop).",
    );
    now += 200 * MINUTE;
    assert.equal(fixture?.collector.alerter.evaluateAll().get("lobby-drop"), "no_data", "stale data is not judged");
  });
});

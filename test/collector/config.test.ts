import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, DEFAULT_CONFIG, loadConfigFile, parseConfig } from "../../collector/config.js";
import { removeFolder, tempFolder } from "./fixtures.js";

const ENV = { SMS_TOKEN: "t0k3n", SMTP_USER: "u", SMTP_PASSWORD: "p" };
const EMAIL = { host: "smtp.city.example", port: 587, security: "starttls", from: "ephemera@city.example" };
const SMS = { url: "https://sms.example/send", method: "POST", body_template: '{"to": {{to}}, "text": {{text}}}', headers: { authorization: "Bearer {{env.SMS_TOKEN}}" } };
const RULE = { id: "lobby-low", type: "share_below", percent: 60, windows: 3, email: ["team@city.example"] };

function withRules(rules: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { email: EMAIL, sms: SMS, sites: { Lobby: { rules } }, ...extra };
}

function refusal(config: unknown, env: NodeJS.ProcessEnv = ENV): string {
  try {
    parseConfig(config, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail("the config was accepted");
}

describe("collector: config file", () => {
  it("fills in defaults for an empty config (no rules)", () => {
    assert.deepEqual(parseConfig({}, ENV), DEFAULT_CONFIG);
  });

  it("reads rules per site with their recipients and the senders", () => {
    const config = parseConfig(withRules([RULE, { id: "lobby-drop", type: "drop_vs_yesterday", points: 15, sms: ["+33612345678"] }], { timezone: "Europe/Paris", alerts: { min_interval_minutes: 30 } }), ENV);
    assert.deepEqual(config.rules.map((rule) => [rule.site, rule.id, rule.type]), [["Lobby", "lobby-low", "share_below"], ["Lobby", "lobby-drop", "drop_vs_yesterday"]]);
    assert.equal(config.timezone, "Europe/Paris");
    assert.equal(config.alerts.minIntervalMinutes, 30);
    assert.equal(config.alerts.retryFirstSeconds, DEFAULT_CONFIG.alerts.retryFirstSeconds);
    assert.equal(config.email?.host, "smtp.city.example");
  });

  const refusals: ReadonlyArray<{ name: string; config: unknown; env?: NodeJS.ProcessEnv; message: RegExp }> = [
    { name: "an unknown top-level key", config: { alert: {} }, message: /^\(top level\): unknown key 'alert'$/ },
    { name: "a misspelt rule key", config: withRules([{ ...RULE, precent: 50 }]), message: /sites\.Lobby\.rules\[0\]: unknown key 'precent'/ },
    { name: "a percentage over 100", config: withRules([{ ...RULE, percent: 120 }]), message: /sites\.Lobby\.rules\[0\]\.percent: must be <= 100/ },
    { name: "a share rule without windows", config: withRules([{ id: "a", type: "share_below", percent: 50, email: ["a@b.example"] }]), message: /sites\.Lobby\.rules\[0\]: missing key 'windows'/ },
    { name: "a key of the other rule type", config: withRules([{ ...RULE, points: 5 }]), message: /sites\.Lobby\.rules\[0\]\.points: not allowed for this rule type/ },
    { name: "an unknown rule type", config: withRules([{ ...RULE, type: "share_above" }]), message: /sites\.Lobby\.rules\[0\]\.type: must be one of "share_below", "drop_vs_yesterday"/ },
    { name: "a bad e-mail address", config: withRules([{ ...RULE, email: ["not-an-address"] }]), message: /sites\.Lobby\.rules\[0\]\.email\[0\]: 'not-an-address' is not in the expected form/ },
    { name: "a phone number without country code", config: withRules([{ ...RULE, sms: ["0612345678"] }]), message: /sites\.Lobby\.rules\[0\]\.sms\[0\]/ },
    { name: "a rule without recipients", config: withRules([{ id: "a", type: "share_below", percent: 50, windows: 2 }]), message: /sites\.Lobby\.rules\[0\]: a rule needs at least one recipient/ },
    { name: "two rules with one id", config: withRules([RULE, RULE]), message: /sites\.Lobby\.rules\[1\]\.id: 'lobby-low' is already the id of sites\.Lobby\.rules\[0\]/ },
    { name: "e-mail recipients without an email section", config: { sites: { Lobby: { rules: [RULE] } } }, message: /sites\.Lobby\.rules\[0\]\.email: recipients given but no 'email' section/ },
    { name: "a missing credential variable", config: withRules([RULE]), env: {}, message: /sms\.headers\.authorization: environment variable SMS_TOKEN is not set/ },
    { name: "plain SMTP to a remote host", config: { email: { ...EMAIL, security: "none" } }, message: /email\.security: 'none' \(no TLS\) is only allowed for a loopback host/ },
    { name: "only one SMTP credential", config: { email: { ...EMAIL, username_env: "SMTP_USER" } }, message: /email: give both username_env and password_env/ },
    { name: "an SMS gateway over plain HTTP", config: { sms: { ...SMS, url: "http://sms.example/send" } }, message: /sms\.url: must be https:\/\//i },
    { name: "an unknown placeholder", config: { sms: { ...SMS, body_template: "{{phone}}" } }, message: /sms\.body_template: unknown placeholder \{\{phone\}\}/ },
    { name: "a body on a GET", config: { sms: { ...SMS, method: "GET" } }, message: /sms\.body_template: a GET sends no body/ },
    { name: "an unknown time zone", config: { timezone: "Mars/Olympus" }, message: /timezone: 'Mars\/Olympus' is not an IANA time zone/ },
    { name: "a retry cap under the first wait", config: { alerts: { retry_first_seconds: 60, retry_max_seconds: 10 } }, message: /alerts\.retry_max_seconds: must be at least/ },
    // '.' stands for the control character in the expected message.
    { name: "a site name with a control character", config: { sites: { "Lo\u0001bby": { rules: [] } } }, message: /sites: key 'Lo.bby' is not allowed/ },
    { name: "a CA file that does not exist", config: { email: { ...EMAIL, ca_file: "/nonexistent/ca.pem" } }, message: /email\.ca_file: cannot read '\/nonexistent\/ca\.pem'/ },
  ];

  for (const { name, config, env, message } of refusals) {
    it(`refuses ${name}, naming the key`, () => {
      assert.match(refusal(config, env), message);
    });
  }

  it("accepts an HTTP gateway on a loopback host (a local relay)", () => {
    assert.equal(parseConfig({ sms: { ...SMS, url: "http://127.0.0.1:9000/send" } }, ENV).sms?.url, "http://127.0.0.1:9000/send");
  });

  it("names the file in errors from a file, and refuses a file that is not JSON", () => {
    const folder = tempFolder("config");
    try {
      const path = join(folder, "collector.config.json");
      writeFileSync(path, JSON.stringify(withRules([{ ...RULE, windows: 0 }])));
      assert.throws(() => loadConfigFile(path, ENV), (error: Error) => error instanceof ConfigError && error.message === `collector config ${path}: sites.Lobby.rules[0].windows: must be >= 1`);
      writeFileSync(path, "{ rules: [] }");
      assert.throws(() => loadConfigFile(path, ENV), /is not valid JSON/);
      assert.throws(() => loadConfigFile(join(folder, "missing.json"), ENV), /cannot read collector config/);
    } finally {
      removeFolder(folder);
    }
  });
});

import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { readFileSync } from "node:fs";
import configSchema from "./config.schema.json" with { type: "json" };

export type RuleType = "share_below" | "drop_vs_yesterday";

export interface RuleConfig {
  readonly id: string;
  readonly type: RuleType;
  /** share_below: threshold in percent. */
  readonly percent?: number;
  /** share_below: number of latest windows pooled. */
  readonly windows?: number;
  /** drop_vs_yesterday: drop in percentage points. */
  readonly points?: number;
  /** drop_vs_yesterday: span compared, minutes. */
  readonly span_minutes?: number;
  readonly email?: readonly string[];
  readonly sms?: readonly string[];
}

export interface EmailConfig {
  readonly host: string;
  readonly port: number;
  readonly security: "tls" | "starttls" | "none";
  readonly from: string;
  readonly username_env?: string;
  readonly password_env?: string;
  readonly ca_file?: string;
  readonly timeout_seconds?: number;
}

export interface SmsConfig {
  readonly url: string;
  readonly method: "POST" | "PUT" | "GET";
  readonly headers?: Readonly<Record<string, string>>;
  readonly body_template: string;
  readonly body_encoding?: "json" | "form";
  readonly basic_auth?: { readonly username_env: string; readonly password_env: string };
  readonly ca_file?: string;
  readonly timeout_seconds?: number;
}

/** The config file as written (every section optional). */
export interface CollectorConfigFile {
  readonly timezone?: string;
  readonly devices?: { readonly late_after_minutes?: number };
  readonly limits?: {
    readonly device_burst?: number;
    readonly device_per_minute?: number;
    readonly failed_auth_burst?: number;
    readonly failed_auth_per_minute?: number;
  };
  readonly alerts?: {
    readonly min_interval_minutes?: number;
    readonly max_age_minutes?: number;
    readonly retry_first_seconds?: number;
    readonly retry_max_seconds?: number;
  };
  readonly email?: EmailConfig;
  readonly sms?: SmsConfig;
  readonly sites?: Readonly<Record<string, { readonly rules: readonly RuleConfig[] }>>;
}

/** A rule with the site it watches. */
export interface SiteRule extends RuleConfig {
  readonly site: string;
}

/** The config with every default filled in. */
export interface CollectorConfig {
  readonly timezone: string;
  readonly lateAfterMinutes: number;
  readonly limits: { readonly deviceBurst: number; readonly devicePerMinute: number; readonly failedAuthBurst: number; readonly failedAuthPerMinute: number };
  readonly alerts: { readonly minIntervalMinutes: number; readonly maxAgeMinutes: number; readonly retryFirstSeconds: number; readonly retryMaxSeconds: number };
  readonly email?: EmailConfig;
  readonly sms?: SmsConfig;
  readonly rules: readonly SiteRule[];
}

export const DEFAULT_CONFIG: CollectorConfig = Object.freeze({
  timezone: "UTC",
  lateAfterMinutes: 60,
  limits: Object.freeze({ deviceBurst: 120, devicePerMinute: 6, failedAuthBurst: 60, failedAuthPerMinute: 30 }),
  alerts: Object.freeze({ minIntervalMinutes: 60, maxAgeMinutes: 120, retryFirstSeconds: 30, retryMaxSeconds: 3600 }),
  rules: Object.freeze([]),
});

/** A config that cannot be used; the message names the key (e.g. `sites.Lobby.rules[0].percent`). */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const validateConfig = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, verbose: true }).compile<CollectorConfigFile>(configSchema);

/** Reads and checks a config file; throws ConfigError naming the file and the key. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read collector config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`collector config ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parseConfig(parsed, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`collector config ${path}: ${error.message}`);
    throw error;
  }
}

/** Checks a parsed config against the schema, then what a schema cannot say; fills in the defaults. */
export function parseConfig(value: unknown, env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  if (!validateConfig(value)) {
    const errors = (validateConfig.errors ?? []).filter((error) => error.keyword !== "if").map(describeError);
    throw new ConfigError([...new Set(errors)].join("; "));
  }
  const file = value;
  const problems: string[] = [];
  const timezone = file.timezone ?? DEFAULT_CONFIG.timezone;
  if (!isTimeZone(timezone)) problems.push(`timezone: '${timezone}' is not an IANA time zone`);
  if (file.email) checkEmail(file.email, env, problems);
  if (file.sms) checkSms(file.sms, env, problems);
  const rules: SiteRule[] = [];
  const ids = new Map<string, string>();
  for (const [site, { rules: siteRules }] of Object.entries(file.sites ?? {})) {
    siteRules.forEach((rule, index) => {
      const key = `sites.${site}.rules[${index}]`;
      const other = ids.get(rule.id);
      if (other !== undefined) problems.push(`${key}.id: '${rule.id}' is already the id of ${other}`);
      ids.set(rule.id, key);
      if ((rule.email ?? []).length + (rule.sms ?? []).length === 0) problems.push(`${key}: a rule needs at least one recipient in 'email' or 'sms'`);
      if ((rule.email ?? []).length > 0 && !file.email) problems.push(`${key}.email: recipients given but no 'email' section says how to send`);
      if ((rule.sms ?? []).length > 0 && !file.sms) problems.push(`${key}.sms: recipients given but no 'sms' section says how to send`);
      rules.push({ ...rule, site });
    });
  }
  const alerts = { ...DEFAULT_CONFIG.alerts, ...definedOnly({
    minIntervalMinutes: file.alerts?.min_interval_minutes,
    maxAgeMinutes: file.alerts?.max_age_minutes,
    retryFirstSeconds: file.alerts?.retry_first_seconds,
    retryMaxSeconds: file.alerts?.retry_max_seconds,
  }) };
  if (alerts.retryMaxSeconds < alerts.retryFirstSeconds) problems.push(`alerts.retry_max_seconds: must be at least alerts.retry_first_seconds (${alerts.retryFirstSeconds})`);
  if (problems.length > 0) throw new ConfigError(problems.join("; "));
  return Object.freeze({
    timezone,
    lateAfterMinutes: file.devices?.late_after_minutes ?? DEFAULT_CONFIG.lateAfterMinutes,
    limits: { ...DEFAULT_CONFIG.limits, ...definedOnly({
      deviceBurst: file.limits?.device_burst,
      devicePerMinute: file.limits?.device_per_minute,
      failedAuthBurst: file.limits?.failed_auth_burst,
      failedAuthPerMinute: file.limits?.failed_auth_per_minute,
    }) },
    alerts,
    ...(file.email ? { email: file.email } : {}),
    ...(file.sms ? { sms: file.sms } : {}),
    rules: Object.freeze(rules),
  });
}

/** Reads an environment variable that the config names; throws when it is not set. */
export function requireEnv(env: NodeJS.ProcessEnv, name: string, key: string): string {
  const value = env[name];
  if (value === undefined || value === "") throw new ConfigError(`${key}: environment variable ${name} is not set`);
  return value;
}

/** Names in `{{env.NAME}}` placeholders of a template. */
export function envPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{\{env\.([A-Z_][A-Z0-9_]*)\}\}/g)].map((match) => match[1]);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function checkEmail(email: EmailConfig, env: NodeJS.ProcessEnv, problems: string[]): void {
  if (email.security === "none" && !isLoopbackHost(email.host)) problems.push(`email.security: 'none' (no TLS) is only allowed for a loopback host, not '${email.host}'`);
  if ((email.username_env === undefined) !== (email.password_env === undefined)) problems.push("email: give both username_env and password_env, or neither");
  for (const key of ["username_env", "password_env"] as const) {
    const name = email[key];
    if (name !== undefined) collect(problems, () => requireEnv(env, name, `email.${key}`));
  }
  if (email.ca_file !== undefined) collect(problems, () => readPem(email.ca_file ?? "", "email.ca_file"));
}

function checkSms(sms: SmsConfig, env: NodeJS.ProcessEnv, problems: string[]): void {
  let url: URL | undefined;
  try {
    url = new URL(sms.url.replace(/\{\{[^}]*\}\}/g, "x"));
  } catch {
    problems.push(`sms.url: '${sms.url}' is not a URL`);
  }
  if (url && url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    problems.push(`sms.url: must be https:// (http:// only for a loopback host), got ${url.protocol}//${url.host}`);
  }
  if (sms.method === "GET" && sms.body_template !== "") problems.push("sms.body_template: a GET sends no body; put {{to}} and {{text}} in sms.url and leave the template empty");
  const templated: [string, string][] = [["sms.url", sms.url], ["sms.body_template", sms.body_template], ...Object.entries(sms.headers ?? {}).map(([name, value]): [string, string] => [`sms.headers.${name}`, value])];
  for (const [key, template] of templated) {
    for (const name of envPlaceholders(template)) collect(problems, () => requireEnv(env, name, key));
    const unknown = [...template.matchAll(/\{\{([^}]*)\}\}/g)].map((match) => match[1]).filter((name) => name !== "to" && name !== "text" && !/^env\.[A-Z_][A-Z0-9_]*$/.test(name));
    if (unknown.length > 0) problems.push(`${key}: unknown placeholder {{${unknown[0]}}} (use {{to}}, {{text}} or {{env.NAME}})`);
  }
  if (sms.basic_auth) {
    collect(problems, () => requireEnv(env, sms.basic_auth?.username_env ?? "", "sms.basic_auth.username_env"));
    collect(problems, () => requireEnv(env, sms.basic_auth?.password_env ?? "", "sms.basic_auth.password_env"));
  }
  if (sms.ca_file !== undefined) collect(problems, () => readPem(sms.ca_file ?? "", "sms.ca_file"));
}

export function readPem(path: string, key: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${key}: cannot read '${path}': ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) throw new ConfigError(`${key}: '${path}' holds no PEM certificate`);
  return text;
}

function collect(problems: string[], check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message);
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function definedOnly<T extends Record<string, number | undefined>>(values: T): Partial<{ [K in keyof T]: number }> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<{ [K in keyof T]: number }>;
}

/** "/sites/Lobby/rules/0/percent" as "sites.Lobby.rules[0].percent". */
function keyOf(instancePath: string): string {
  if (instancePath === "") return "(top level)";
  return instancePath
    .slice(1)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((key, part) => (/^\d+$/.test(part) ? `${key}[${part}]` : key === "" ? part : `${key}.${part}`), "");
}

function describeError(error: ErrorObject): string {
  const key = keyOf(error.instancePath);
  switch (error.keyword) {
    case "additionalProperties":
      return `${key}: unknown key '${String(error.params.additionalProperty)}'`;
    case "required":
      return `${key}: missing key '${String(error.params.missingProperty)}'`;
    case "false schema":
      return `${key}: not allowed for this rule type`;
    case "enum":
      return `${key}: must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "propertyNames":
      return `${key}: key '${String(error.params.propertyName)}' is not allowed`;
    case "pattern":
      return `${key}: '${String(error.data)}' is not in the expected form`;
    default:
      return `${key}: ${error.message ?? "is invalid"}`;
  }
}

import { existsSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseIsoMinute } from "../src/batch/utc.js";
import { caCertPath, ensureCertificates } from "./certificates.js";
import { ConfigError, DEFAULT_CONFIG, loadConfigFile, type CollectorConfig } from "./config.js";
import { batchesCsv } from "./csv.js";
import { CollectorDatabase } from "./database.js";
import { deviceStatuses } from "./device-status.js";
import { Collector } from "./server.js";

const USAGE = `Usage: npm run collector -- [command] [options]

Commands:
  serve (default)           run the collector over HTTPS (creates its CA on first run)
  register-device ID        register a device; prints its token once (only a hash is kept)
  rotate-device ID          give a device a new token (the old one stops working); prints it once
  revoke-device ID          forget a device's token: it is refused from now on; its batches stay
  list-devices              each device, its newest window and whether it is late
  admin-token [NAME]        create or replace an admin token (default name "admin"); prints it once
  revoke-admin NAME         remove an admin token
  export-csv                print batches as CSV (--site, --from, --to narrow it)
  check-config              check the config file and say what it holds

Options:
  --data DIR     data folder (CA, server certificate, SQLite), default .data/collector
  --config FILE  alert rules and limits (JSON), default DIR/collector.config.json when it exists
  --port N       port to listen on, default 8443 (0 picks a free one)
  --host H       interface to listen on, default 127.0.0.1
  --site S, --from T, --to T   export-csv filters (T: UTC minute, e.g. 2026-03-02T00:00:00Z)`;

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,31}$/;

class UsageError extends Error {}

/** The collector on its own: `npm run collector -- ...`. Exit code 2 for bad usage or a bad config. */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        data: { type: "string", default: join(".data", "collector") },
        config: { type: "string" },
        port: { type: "string", default: "8443" },
        host: { type: "string", default: "127.0.0.1" },
        site: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    console.error(`collector: ${message(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = resolve(values.data);
  const [command = "serve", id] = positionals;
  try {
    switch (command) {
      case "serve":
        return await serve(dataDir, values.config, values.port, values.host);
      case "check-config": {
        const config = loadConfig(dataDir, values.config);
        console.log(`collector: config OK: ${config.rules.length} rule(s) on ${new Set(config.rules.map((rule) => rule.site)).size} site(s); e-mail ${config.email ? "on" : "off"}; SMS ${config.sms ? "on" : "off"}`);
        return 0;
      }
      case "register-device":
      case "rotate-device":
      case "revoke-device":
        if (id === undefined || !ID_PATTERN.test(id)) throw new UsageError(`${command} needs a device id (3..32 characters: a-z, 0-9, '-')`);
        return await withDatabase(dataDir, (database) => deviceCommand(database, command, id, dataDir));
      case "admin-token":
      case "revoke-admin": {
        const name = id ?? (command === "admin-token" ? "admin" : undefined);
        if (name === undefined || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new UsageError(`${command} needs a name (1..64 characters: letters, digits, '.', '_', '-')`);
        return await withDatabase(dataDir, (database) => {
          if (command === "revoke-admin") {
            if (!database.revokeAdminToken(name)) throw new UsageError(`no admin token named '${name}'`);
            console.error(`collector: admin token '${name}' removed`);
            return 0;
          }
          console.log(database.createAdminToken(name));
          console.error(`collector: admin token '${name}' printed above; it is not shown again`);
          return 0;
        });
      }
      case "list-devices": {
        const config = loadConfig(dataDir, values.config);
        return await withDatabase(dataDir, (database) => {
          for (const device of deviceStatuses(database.devices(), database.lastBatchPerDevice(), Date.now(), config.lateAfterMinutes)) {
            const last = device.last_batch === null ? "never sent" : `last window ${device.last_batch.window_start}..${device.last_batch.window_end} at ${device.last_batch.site} (${device.minutes_since_last} min ago)`;
            console.log(`${device.device_id}\t${device.state}\t${last}`);
          }
          return 0;
        });
      }
      case "export-csv": {
        for (const name of ["from", "to"] as const) {
          const text = values[name];
          if (text !== undefined && parseIsoMinute(text) === undefined) throw new UsageError(`--${name} must be a UTC minute like 2026-03-02T00:00:00Z`);
        }
        return await withDatabase(dataDir, (database) => {
          const csv = batchesCsv(database.batches({ site: values.site, from: values.from, to: values.to }));
          writeSync(1, csv);
          return 0;
        });
      }
      default:
        throw new UsageError(`unknown command '${command}'\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`collector: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

function deviceCommand(database: CollectorDatabase, command: "register-device" | "rotate-device" | "revoke-device", id: string, dataDir: string): number {
  if (command === "revoke-device") {
    if (!database.revokeDevice(id)) throw new UsageError(`no device '${id}'`);
    console.error(`collector: device ${id} revoked: its token is refused from now on (rotate-device gives it a new one)`);
    return 0;
  }
  let token: string | undefined;
  if (command === "rotate-device") {
    token = database.rotateDeviceToken(id);
    if (token === undefined) throw new UsageError(`no device '${id}' (register it first)`);
  } else {
    try {
      token = database.registerDevice(id);
    } catch (error) {
      throw new UsageError(message(error));
    }
  }
  console.log(token);
  console.error(`collector: token for device ${id} printed above; it is not shown again. Devices pin ${caCertPath(dataDir)}`);
  return 0;
}

async function withDatabase(dataDir: string, run: (database: CollectorDatabase) => number): Promise<number> {
  await ensureCertificates(dataDir);
  const database = new CollectorDatabase(join(dataDir, "collector.sqlite"));
  try {
    return run(database);
  } finally {
    database.close();
  }
}

/** The config named by --config, else DIR/collector.config.json when it exists, else the defaults (no rules). */
function loadConfig(dataDir: string, configFile: string | undefined): CollectorConfig {
  const path = configFile ?? join(dataDir, "collector.config.json");
  if (configFile === undefined && !existsSync(path)) return DEFAULT_CONFIG;
  return loadConfigFile(path);
}

async function serve(dataDir: string, configFile: string | undefined, portText: string, host: string): Promise<number> {
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got '${portText}'`);
  const config = loadConfig(dataDir, configFile);
  const collector = await Collector.start({ dataDir, port, host, config, log: (line) => console.error(line) });
  console.error(`collector: listening on ${collector.url} (data ${dataDir}); dashboard ${collector.url}/dashboard/; ${config.rules.length} alert rule(s); devices pin ${caCertPath(dataDir)}`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await collector.close();
  return 0;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

process.exitCode = await main(process.argv.slice(2));

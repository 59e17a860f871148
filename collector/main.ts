import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { caCertPath, ensureCertificates } from "./certificates.js";
import { CollectorDatabase } from "./database.js";
import { Collector } from "./server.js";

const USAGE = `Usage: npm run collector -- [command] [--data DIR] [--port N] [--host H]

Commands:
  serve (default)           run the collector over HTTPS (creates its CA on first run)
  register-device ID        register a device; prints its token once (only a hash is kept)
  rotate-device ID          give a registered device a new token; prints it once
  admin-token               create or replace the admin token (reads GET /v1/batches); prints it once

Options:
  --data DIR   data folder (CA, server certificate, SQLite), default .data/collector
  --port N     port to listen on, default 8443 (0 picks a free one)
  --host H     interface to listen on, default 127.0.0.1`;

/** The collector on its own: `npm run collector -- ...`. Exit code 2 for bad usage. */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        data: { type: "string", default: join(".data", "collector") },
        port: { type: "string", default: "8443" },
        host: { type: "string", default: "127.0.0.1" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    console.error(`collector: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dataDir = resolve(values.data);
  const [command = "serve", id] = positionals;
  if (command === "register-device" || command === "rotate-device" || command === "admin-token") {
    if (command !== "admin-token" && (id === undefined || !/^[a-z0-9][a-z0-9-]{2,31}$/.test(id))) {
      console.error(`collector: ${command} needs a device id (3..32 characters: a-z, 0-9, '-')`);
      return 2;
    }
    await ensureCertificates(dataDir);
    const database = new CollectorDatabase(join(dataDir, "collector.sqlite"));
    try {
      const token = command === "admin-token" ? database.createAdminToken() : database.registerDevice(id ?? "", command === "rotate-device");
      console.log(token);
      console.error(`collector: token for ${command === "admin-token" ? "the admin" : `device ${id}`} printed above; it is not shown again. Devices pin ${caCertPath(dataDir)}`);
    } catch (error) {
      console.error(`collector: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    } finally {
      database.close();
    }
    return 0;
  }
  if (command !== "serve") {
    console.error(`collector: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`collector: --port must be 0..65535, got '${values.port}'`);
    return 2;
  }
  const collector = await Collector.start({ dataDir, port, host: values.host, log: (line) => console.error(line) });
  console.error(`collector: listening on ${collector.url} (data ${dataDir}); devices pin ${caCertPath(dataDir)}`);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await collector.close();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));

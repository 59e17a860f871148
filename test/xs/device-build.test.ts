/**
 * What the firmware build takes from the repository, checked without the SDK
 * (mocha, in Node): the manifest lists and preloads every module of the device
 * host and the core, the natives it names exist, the op resolver registers
 * exactly the operators of the shipped model, the firmware version matches
 * the package, and the TLS store holds no certificate authority but the
 * collector's.
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEVICE_SETTINGS } from "../../hosts/moddable/device-settings.js";
import { runCommand } from "../../hosts/node/interpreter/command.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const hostDir = join(root, "hosts/moddable");

interface DeviceManifest {
  readonly include: readonly string[];
  readonly ble: Readonly<Record<string, readonly string[]>>;
  readonly creation: { readonly main: string };
  readonly modules: Readonly<Record<string, string | readonly string[]>>;
  readonly preload: readonly string[];
  readonly resources: Readonly<Record<string, readonly string[]>>;
}

const manifest = JSON.parse(readFileSync(join(hostDir, "manifest_device.json"), "utf8")) as DeviceManifest;

function tsModules(directory: string, prefix: string): string[] {
  return readdirSync(directory).filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts")).map((name) => `${prefix}${name.slice(0, -3)}`).sort();
}

function coreModules(): string[] {
  const src = join(root, "src");
  return readdirSync(src, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => tsModules(join(src, entry.name), `src/${entry.name}/`))
    .sort();
}

describe("device build inputs", () => {
  it("maps and preloads every module of the device host and the core", () => {
    const host = [...tsModules(hostDir, "hosts/moddable/"), ...tsModules(join(hostDir, "provisioning"), "hosts/moddable/provisioning/")].sort();
    const core = coreModules();
    for (const name of host) assert.ok(name in manifest.modules, `${name} is not in manifest_device.json's modules`);
    for (const directory of new Set(core.map((name) => name.slice(0, name.lastIndexOf("/") + 1)))) {
      assert.ok(`${directory}*` in manifest.modules, `${directory}* is not in manifest_device.json's modules`);
    }
    // The SDK's mcconfig matches a wildcard preload only against .js modules: each TypeScript module is named.
    assert.deepEqual([...manifest.preload].sort(), [...host, ...core].sort());
    assert.ok(host.includes(manifest.creation.main), "the main module is a device host module");
  });

  it("builds the BLE provisioning in: the SDK's BLE server, digital input, and the services of bleservices/", () => {
    assert.ok(manifest.include.includes("$(MODULES)/network/ble/manifest_server.json"), "the BLE server (its ble.server define makes mcconfig enable NimBLE)");
    assert.ok(manifest.include.includes("$(MODULES)/io/digital/manifest.json"), "embedded:io/digital for the button");
    assert.deepEqual(manifest.ble["*"], ["./bleservices/*"]);
    const services = readdirSync(join(hostDir, "bleservices")).filter((name) => name.endsWith(".json"));
    assert.deepEqual(services.sort(), ["ephemera.json", "improv.json"]);
  });

  it("names natives and resources that exist", () => {
    const natives = manifest.modules["*"];
    assert.ok(Array.isArray(natives) && natives.length > 0);
    for (const source of natives) {
      const base = join(hostDir, source);
      assert.ok([".c", ".cpp"].some((extension) => existsSync(base + extension)), `${source}.c/.cpp is missing`);
    }
    for (const source of manifest.resources["*"]) assert.ok(existsSync(join(hostDir, source)), `resource ${source} is missing`);
    assert.ok(manifest.resources["*"].some((source) => source.endsWith(`/${DEVICE_SETTINGS.modelResource}`)), "the model is a resource");
  });

  it("trusts no certificate authority but the collector's", () => {
    assert.deepEqual(manifest.resources["~"], ["$(MODULES)/crypt/data/ca"], "the SDK's public CA store is left out");
    // The SDK's TLS looks up ca.ski (20-byte key ids) to find built-in CAs: an all-zero id matches none.
    const ski = readFileSync(join(hostDir, "tls/ca.ski"));
    assert.equal(ski.length, 20);
    assert.ok(ski.every((byte) => byte === 0));
  });

  it("registers exactly the operators of the shipped model", () => {
    const header = readFileSync(join(root, "native/model/model_ops.h"), "utf8");
    const registered = [...header.matchAll(/OP\(([A-Z0-9_]+), Add[A-Za-z0-9]+\)/g)].map((match) => match[1]).sort();
    const info = runCommand(["info", join(root, "models", DEVICE_SETTINGS.modelResource)]);
    assert.equal(info.code, 0, info.stderr);
    const ops = Object.keys((JSON.parse(info.stdout[0]) as { ops: Record<string, number> }).ops).sort();
    assert.deepEqual(registered, ops);
  });

  it("gives batches the package's version", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    assert.equal(DEVICE_SETTINGS.firmwareVersion, pkg.version);
  });
});

/**
 * Runs the XS suite (npm run test:xs): the XS-only specs of test/xs and the
 * core's own mocha tests (test/src), compiled, inside the XS test host
 * build/xs/ephemera-xs (make -C hosts/xs). Node's assert and fast-check are
 * mapped to modules that run in XS. A core test file is left out only when it
 * or a module it imports needs Node (a node: module other than assert, another
 * package, or a Node global); each one left out is listed with the reason.
 *
 *   node build/test/xs/launch.js [--list] [file.js...]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const host = join(root, "build/xs/ephemera-xs");
const xsTests = join(root, "build/test/xs");
const coreTests = join(root, "build/test/src");

/** Bare specifiers the XS host maps, to files that run in XS. */
const mappings: Readonly<Record<string, string>> = {
  "node:assert": join(xsTests, "assert.js"),
  "node:assert/strict": join(xsTests, "assert-strict.js"),
  "fast-check": join(root, "node_modules/fast-check/lib/fast-check.js"),
  "pure-rand/*": join(root, "node_modules/pure-rand/lib/esm/*.js"),
};

/** Globals of Node that XS lacks; a test file using one cannot run inside XS. The harness provides Buffer.byteLength only. */
const nodeGlobals = ["Buffer(?!\\.byteLength\\b)", "process", "require", "__dirname", "__filename", "TextEncoder", "TextDecoder", "structuredClone", "setInterval"];

function listFiles(directory: string, suffix: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const importPattern = /(?:^|[\s;}])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|[\s;}])import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/** Why `file` (compiled JS) cannot run inside XS, or undefined when it can. */
function nodeDependency(file: string, seen: Set<string> = new Set()): string | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  if (!existsSync(file)) return `imports ${relative(root, file)}, which does not exist`;
  const source = stripComments(readFileSync(file, "utf8"));
  for (const name of nodeGlobals) {
    if (new RegExp(`(^|[^.\\w$])${name}\\b(?!\\s*:)`).test(source)) return `${relative(root, file)} uses the Node global ${name.replace(/\W.*/, "")}`;
  }
  for (const match of source.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? "";
    if (specifier.startsWith(".")) {
      const why = nodeDependency(resolve(dirname(file), specifier), seen);
      if (why !== undefined) return why;
    } else if (!(specifier in mappings)) {
      return `${relative(root, file)} imports ${specifier}`;
    }
  }
  return undefined;
}

function main(args: string[]): number {
  const list = args.includes("--list");
  const named = args.filter((arg) => !arg.startsWith("--")).map((arg) => resolve(arg));
  if (!existsSync(host)) {
    console.error(`test:xs: ${relative(root, host)} is missing: run make -C hosts/xs`);
    return 1;
  }
  const specs = listFiles(xsTests, ".spec.js");
  const core = listFiles(coreTests, ".test.js");
  if (specs.length === 0) {
    console.error("test:xs: no compiled XS specs under build/test/xs: run npm run build");
    return 1;
  }
  const included: string[] = [...specs];
  const excluded: string[] = [];
  for (const file of core) {
    const why = nodeDependency(file);
    if (why === undefined) included.push(file);
    else excluded.push(`${relative(root, file)}: ${why}`);
  }
  const files = named.length > 0 ? named : included;
  console.log(`XS suite: ${specs.length} XS specs, ${included.length - specs.length} of ${core.length} core test files`);
  for (const line of excluded) console.log(`  left out (needs Node): ${line}`);
  if (list) {
    for (const file of files) console.log(`  ${relative(root, file)}`);
    return 0;
  }
  const mapArgs = Object.entries(mappings).flatMap(([specifier, path]) => ["-m", `${specifier}=${path}`]);
  const run = spawnSync(host, [...mapArgs, join(xsTests, "run.js"), ...files], { stdio: "inherit" });
  if (run.error) {
    console.error(`test:xs: cannot run ${host}: ${run.error.message}`);
    return 1;
  }
  return run.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));

/**
 * npm run bench [-- NAME...] [-- --json]: runs the benchmark modules (all, or
 * those named) one after the other and prints their rows as one table.
 * To add a benchmark, write a module exporting `bench` (see bench.ts) and list it here.
 */
import type { Bench, BenchRow } from "./bench.js";

const BENCHES: readonly { readonly name: string; readonly load: () => Promise<{ readonly bench: Bench }> }[] = [
  { name: "interpreter", load: () => import("./interpreter.js") },
  { name: "core", load: () => import("./core.js") },
  { name: "xs", load: () => import("./xs.js") },
];

function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === 2 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join("  ").trimEnd()).join("\n");
}

async function main(args: readonly string[]): Promise<number> {
  const json = args.includes("--json");
  const names = args.filter((arg) => !arg.startsWith("--"));
  const unknown = names.filter((name) => !BENCHES.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.join(", ")}; known: ${BENCHES.map((bench) => bench.name).join(", ")}\n`);
    return 2;
  }
  const selected = BENCHES.filter((bench) => names.length === 0 || names.includes(bench.name));
  const results: { bench: string; row: BenchRow }[] = [];
  let failed = false;
  for (const { name, load } of selected) {
    try {
      const rows = await (await load()).bench();
      for (const row of rows) results.push({ bench: name, row });
    } catch (error) {
      failed = true;
      process.stderr.write(`benchmark ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }
  if (json) {
    for (const { bench, row } of results) process.stdout.write(`${JSON.stringify({ bench, ...row })}\n`);
  } else {
    const header = ["bench", "figure", "value", "unit", "note"];
    process.stdout.write(`${table([header, ...results.map(({ bench, row }) => [bench, row.name, format(row.value), row.unit, row.note ?? ""])])}\n`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));

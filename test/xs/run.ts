/**
 * Entry module of the XS suite: `ephemera-xs [mappings] build/test/xs/run.js file.js...`
 * (test/xs/launch.ts builds the command). Loads each test module, runs what
 * they registered, and sets the exit status: failing when any test failed,
 * when a module registered no test, or when nothing passed.
 */
import { installGlobals, registeredTestCount, runAll } from "./harness.js";
import { print, xsHost } from "./xs-host.js";

installGlobals();
const host = xsHost();
let empty = 0;
for (const file of host.args) {
  const before = registeredTestCount();
  await import(file);
  if (registeredTestCount() === before) {
    print(`error: ${file} registered no test`);
    empty++;
  }
}
const result = await runAll();
host.setExitCode(result.failed > 0 || empty > 0 || result.passed === 0 ? 1 : 0);

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadDashboardAssets } from "../../collector/static-assets.js";

describe("collector: dashboard files", function () {
  this.timeout(120_000); // a TypeScript run on a busy 2-core machine

  it("type-checks the dashboard script (JSDoc types, DOM and uPlot declarations)", () => {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", "collector/dashboard"], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it("links only files the collector serves itself (no CDN) and runs no inline script", () => {
    const page = readFileSync("collector/dashboard/index.html", "utf8");
    const assets = loadDashboardAssets();
    const links = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]).filter((link) => link !== "data:,"); // the empty icon
    assert.ok(links.length >= 4);
    for (const link of links) assert.ok(assets.has(link), `${link} is not served`);
    assert.doesNotMatch(page, /<script>|<script [^>]*>[^<]+<\/script>|\son[a-z]+=/i);
  });

  it("sets text with textContent only: the script never writes HTML", () => {
    const script = readFileSync("collector/dashboard/dashboard.js", "utf8");
    assert.doesNotMatch(script, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });
});

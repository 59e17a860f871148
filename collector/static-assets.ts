import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

/** The dashboard's files: its own (collector/dashboard/) and uPlot's, from node_modules (no CDN). */
const ASSETS = Object.freeze({
  "index.html": { from: "dashboard", file: "index.html", contentType: "text/html; charset=utf-8" },
  "dashboard.js": { from: "dashboard", file: "dashboard.js", contentType: "text/javascript; charset=utf-8" },
  "dashboard.css": { from: "dashboard", file: "dashboard.css", contentType: "text/css; charset=utf-8" },
  "uPlot.iife.min.js": { from: "uplot", file: "uplot/dist/uPlot.iife.min.js", contentType: "text/javascript; charset=utf-8" },
  "uPlot.min.css": { from: "uplot", file: "uplot/dist/uPlot.min.css", contentType: "text/css; charset=utf-8" },
});

/** The page's policy: its own scripts, styles and API only; nothing inline, nothing from elsewhere. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Reads the dashboard's files once, at start. The sources sit in collector/dashboard/
 * beside this module's source (build/collector/ runs from the repository root's build/).
 */
export function loadDashboardAssets(): ReadonlyMap<string, StaticAsset> {
  const dashboardDir = fileURLToPath(new URL("../../collector/dashboard/", import.meta.url));
  const require = createRequire(import.meta.url);
  const assets = new Map<string, StaticAsset>();
  for (const [name, asset] of Object.entries(ASSETS)) {
    const path = asset.from === "dashboard" ? dashboardDir + asset.file : require.resolve(asset.file);
    assets.set(name, { body: readFileSync(path), contentType: asset.contentType });
  }
  return assets;
}

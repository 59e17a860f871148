// Completes build/site/companion with the page's static files (tsc compiles the scripts there).
import { copyFileSync, mkdirSync } from "node:fs";
import { URL } from "node:url";

const target = new URL("../build/site/companion/", import.meta.url);
mkdirSync(target, { recursive: true });
for (const name of ["index.html", "style.css"]) copyFileSync(new URL(name, import.meta.url), new URL(name, target));

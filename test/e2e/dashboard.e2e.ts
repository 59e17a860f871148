import { strict as assert } from "node:assert";
import { createHash, X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { parseConfig } from "../../collector/config.js";
import { Collector } from "../../collector/server.js";
import { PinnedHttps } from "../../hosts/node/pinned-https.js";
import { batchId } from "../../src/batch/build-record.js";
import { isoMinute } from "../../src/batch/utc.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ARTIFACTS = join(ROOT, "artifacts", "e2e");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"];

const MINUTE = 60_000;
const WINDOW = 20 * MINUTE;
const TIME_ZONE = "Europe/Paris";
/** "Now" for the page and the collector: Monday 2 March 2026, 15:10 in Paris (14:10 UTC). */
const NOW = Date.UTC(2026, 2, 2, 14, 10);
/** Local midnight of that day and the day before (Paris is UTC+1 in March). */
const TODAY = Date.UTC(2026, 2, 1, 23, 0);
const YESTERDAY = TODAY - 24 * 60 * MINUTE;
const TODAY_COLOR = [0x1f, 0x6f, 0xeb];
const YESTERDAY_COLOR = [0x9a, 0x67, 0x00];

/** Screenshots are written when taken and again at the very end of the run (another e2e file empties artifacts/e2e when it starts). */
const screenshots = new Map<string, Buffer>();
after(() => {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, png] of screenshots) writeFileSync(join(ARTIFACTS, name), png);
});

async function screenshot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({ fullPage: true });
  screenshots.set(name, png);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, name), png);
}

/** Polls an element's text (the page's policy forbids the string predicates of waitForFunction). */
async function waitForText(page: Page, selector: string, pattern: RegExp): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (pattern.test((await page.textContent(selector)) ?? "")) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`${selector} never matched ${pattern}`);
}

/** A day's masked share at a site: high in the morning, a dip at midday, lower yesterday afternoon than today's morning. */
function batchFor(device: string, site: string, start: number, masked: number, people: number): string {
  return JSON.stringify({
    batch_id: batchId(device, start),
    device_id: device,
    site,
    window_start: isoMinute(start),
    window_end: isoMinute(start + WINDOW),
    people,
    masked,
    unmasked: people - masked,
    model_id: "mask-fomo@1a2b3c4d5e6f",
    firmware_version: "0.1.0",
  });
}

describe("collector dashboard in headless Chromium: the day's curve, devices and alerts", function () {
  let folder: string;
  let collector: Collector;
  let browser: Browser;
  let context: BrowserContext;
  let adminToken: string;
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];
  let todayPoints = 0;

  before(async function () {
    folder = mkdtempSync(join(tmpdir(), "ephemera-dashboard-e2e-"));
    // A rule that fires on this afternoon's dip; its SMS gateway is down, so the page shows an undelivered message.
    const config = parseConfig({
      timezone: TIME_ZONE,
      devices: { late_after_minutes: 60 },
      sms: { url: "http://127.0.0.1:9/send", method: "POST", body_template: "{{text}}", timeout_seconds: 2 },
      sites: { Lobby: { rules: [{ id: "lobby-low", type: "share_below", percent: 65, windows: 3, sms: ["+33612345678"] }] } },
    });
    collector = await Collector.start({ dataDir: join(folder, "collector"), config, now: () => NOW, alertTickMs: 0 });
    const tokens = { lobby: collector.database.registerDevice("cam-lobby"), hall: collector.database.registerDevice("cam-hall") };
    collector.database.registerDevice("cam-spare"); // registered, never sent
    adminToken = collector.database.createAdminToken("e2e");
    const client = new PinnedHttps({ ca: collector.caCertPem });
    const post = async (token: string, body: string) => {
      const response = await client.post({ url: `${collector.url}/v1/batches`, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body, timeoutMs: 5000 });
      assert.equal(response.status, 201, response.body);
    };
    // Yesterday 07:00-20:00 local, today 07:00-15:00 local (the last window ends at 15:00, ten minutes before now).
    for (let start = YESTERDAY + 7 * 60 * MINUTE; start < YESTERDAY + 20 * 60 * MINUTE; start += WINDOW) {
      const hour = (start - YESTERDAY) / (60 * MINUTE);
      const people = Math.round(25 + 20 * Math.sin(((hour - 7) / 13) * Math.PI));
      await post(tokens.lobby, batchFor("cam-lobby", "Lobby", start, Math.round(people * (0.88 - 0.015 * (hour - 7))), people));
    }
    for (let start = TODAY + 7 * 60 * MINUTE; start < TODAY + 15 * 60 * MINUTE; start += WINDOW) {
      const hour = (start - TODAY) / (60 * MINUTE);
      const people = Math.round(22 + 22 * Math.sin(((hour - 7) / 13) * Math.PI));
      const share = hour >= 14 ? 0.55 : 0.92 - 0.03 * (hour - 7);
      await post(tokens.lobby, batchFor("cam-lobby", "Lobby", start, Math.round(people * share), people));
      todayPoints++;
    }
    // The hall's camera stopped at 11:00 local: late.
    for (let start = TODAY + 8 * 60 * MINUTE; start < TODAY + 11 * 60 * MINUTE; start += WINDOW) await post(tokens.hall, batchFor("cam-hall", "Hall", start, 9, 12));
    await collector.alerter.deliverDue();

    // Chromium accepts the collector's server key by its hash, and nothing else beyond its usual store (no blanket ignoreHTTPSErrors).
    const serverKey = new X509Certificate(readFileSync(join(folder, "collector", "server.cert.pem"), "utf8")).publicKey.export({ type: "spki", format: "der" });
    const serverPin = createHash("sha256").update(serverKey).digest("base64");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${serverPin}`], headless: true });
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, timezoneId: TIME_ZONE, locale: "en-GB" });
    context.on("request", (request) => {
      if (!request.url().startsWith(collector.url) && !request.url().startsWith("blob:")) foreignRequests.push(request.url());
    });
  });

  after(async function () {
    await context?.close();
    await browser?.close();
    await collector?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function openDashboard(): Promise<Page> {
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.clock.setFixedTime(new Date(NOW));
    await page.goto(`${collector.url}/dashboard/`);
    return page;
  }

  it("asks for the admin token, refuses a wrong one, then draws today against yesterday", async () => {
    const page = await openDashboard();
    await page.waitForSelector("#login:not([hidden])");
    await screenshot(page, "dashboard-01-sign-in.png");
    await page.fill("#token", "A".repeat(43));
    await page.click("#login button[type=submit]");
    await page.waitForSelector("#login:not([hidden])");
    assert.match(await page.textContent("#login-error") ?? "", /refused/);

    await page.fill("#token", adminToken);
    await page.click("#login button[type=submit]");
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForSelector("#share-chart canvas");

    // Two series (today, yesterday) in each chart, with today's points up to now.
    assert.equal(await page.getAttribute("#share-chart", "data-series"), "2");
    assert.equal(await page.getAttribute("#people-chart", "data-series"), "2");
    assert.equal(Number(await page.getAttribute("#share-chart", "data-points")), todayPoints);
    assert.deepEqual(await page.$$eval("#share-chart .u-legend .u-series .u-label", (labels) => labels.map((label) => label.textContent)), ["Time", "Today", "Yesterday"]);

    // The canvas is drawn: pixels of both series' colours.
    for (const chart of ["#share-chart", "#people-chart"]) {
      const counts = await page.$eval(
        `${chart} canvas`,
        (element, colors) => {
          // This file has no DOM types: the canvas as far as this check uses it.
          const canvas = element as unknown as { width: number; height: number; getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };
          const context2d = canvas.getContext("2d");
          if (context2d === null) return { painted: 0, today: 0, yesterday: 0 };
          const { data } = context2d.getImageData(0, 0, canvas.width, canvas.height);
          let painted = 0, today = 0, yesterday = 0;
          const near = (i: number, rgb: number[]) => Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 60 && data[i + 3] > 200;
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3] > 0) painted++;
            if (near(i, colors.today)) today++;
            if (near(i, colors.yesterday)) yesterday++;
          }
          return { painted, today, yesterday };
        },
        { today: TODAY_COLOR, yesterday: YESTERDAY_COLOR },
      );
      assert.ok(counts.painted > 2000, `${chart}: canvas blank (${JSON.stringify(counts)})`);
      assert.ok(counts.today > 200, `${chart}: today's line not drawn (${JSON.stringify(counts)})`);
      assert.ok(counts.yesterday > 200, `${chart}: yesterday's line not drawn (${JSON.stringify(counts)})`);
    }
    assert.match(await page.textContent("#summary") ?? "", /^Today at Lobby: \d+ people, \d+% masked\.$/);

    // Devices: the late one and the silent one stand out.
    const devices = await page.$$eval("#devices tbody tr", (rows) => {
      const view = globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string } };
      return rows.map((row) => [row.children[0].textContent, row.getAttribute("data-state"), view.getComputedStyle(row).backgroundColor]);
    });
    assert.deepEqual(devices.map(([id, state]) => [id, state]), [["cam-hall", "late"], ["cam-lobby", "ok"], ["cam-spare", "silent"]]);
    assert.notEqual(devices[0][2], devices[1][2], "a late device has its own background");
    assert.match(await page.textContent("#devices tbody tr[data-state=late]") ?? "", /LATE .*Hall.*4 h/);

    // The alert fired on the dip; its SMS could not be delivered and the page says so.
    assert.match(await page.textContent("#alerts tbody") ?? "", /Ephemera Lobby: \d+% masked over the last 3 windows .* under 65% \(rule lobby-low\)\..*sms \+33612345678: not delivered yet \(1 attempt/);
    assert.match(await page.textContent("#undelivered") ?? "", /^1 alert message not delivered$/);
    await screenshot(page, "dashboard-02-day.png");

    // The site picker switches the charts.
    await page.selectOption("#site", "Hall");
    await waitForText(page, "#summary", /Hall/);
    assert.equal(Number(await page.getAttribute("#share-chart", "data-points")), 9);
    await screenshot(page, "dashboard-03-late-site.png");

    // CSV export of the site shown.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    const csv = readFileSync(await download.path(), "utf8").split("\r\n");
    assert.equal(csv[0], "batch_id,device_id,site,window_start,window_end,people,masked,unmasked,model_id,firmware_version");
    assert.equal(csv.filter((line) => line.startsWith("cam-hall-")).length, 9);

    await page.click("#sign-out");
    await page.waitForSelector("#login:not([hidden])");
    assert.equal(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length), 0, "the token is gone from the tab");
    await page.close();
  });

  it("loaded nothing from elsewhere and logged no error (the content security policy held)", () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(pageErrors.filter((text) => !/401|403/.test(text)), []);
  });
});

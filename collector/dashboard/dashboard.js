// @ts-check
// The collector's dashboard: each site's masked share and people per window,
// today against yesterday (local time of this browser), the devices and the
// alerts. Plain JavaScript with JSDoc types, served as is (no build step, no
// CDN); collector/dashboard/tsconfig.json type-checks it. Text is only ever
// set with textContent: site names and alert texts are data, never markup.

const TOKEN_KEY = "ephemera.adminToken";
const SLOT_MINUTES = 20;
const REFRESH_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const COLORS = Object.freeze({ today: "#1f6feb", yesterday: "#9a6700" });

/**
 * @typedef {{ site: string, last_window_end: string | null, rules: string[] }} Site
 * @typedef {{ start: string, people: number, masked: number }} Slot
 * @typedef {{ site: string, from: string, to: string, slot_minutes: number, slots: Slot[] }} Curve
 * @typedef {{ batch_id: string, site: string, window_start: string, window_end: string, people: number, masked: number }} LastBatch
 * @typedef {{ device_id: string, state: "ok" | "late" | "silent" | "revoked", last_batch: LastBatch | null, minutes_since_last: number | null }} Device
 * @typedef {{ delivery_id: number, channel: string, recipient: string, status: "pending" | "sent" | "failed", attempts: number, next_attempt_at: string | null, last_error: string | null, sent_at: string | null }} Delivery
 * @typedef {{ alert_id: number, rule_id: string, site: string, created_at: string, outcome: string, text: string, deliveries: Delivery[] }} Alert
 * @typedef {{ undelivered: { pending: number, failed: number }, alerts: Alert[] }} AlertList
 */

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`dashboard: #${id} is missing`);
  return element;
}

/** The page's state: the charts and the site shown. */
const state = {
  /** @type {uPlot | undefined} */ shareChart: undefined,
  /** @type {uPlot | undefined} */ peopleChart: undefined,
  /** @type {string | undefined} */ site: undefined,
  /** @type {number | undefined} */ timer: undefined,
};

class SignedOut extends Error {}

/**
 * GET (or POST) on the collector's API with the admin token of this tab.
 * @param {string} path
 * @param {{ method?: string, text?: boolean }} [options]
 * @returns {Promise<any>} the JSON answer (or text); its shape is the OpenAPI document's
 */
async function api(path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token === null) throw new SignedOut();
  const response = await fetch(path, { method: options.method ?? "GET", headers: { authorization: `Bearer ${token}` }, cache: "no-store" });
  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw new SignedOut();
  }
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return options.text ? response.text() : response.json();
}

/** "2026-03-02T09:00:00Z" of an instant on a whole minute. @param {number} ms */
function isoMinute(ms) {
  return new Date(ms).toISOString().replace(/:\d\d\.\d{3}Z$/, ":00Z");
}

/** Local midnight of the day holding `ms`, `offsetDays` days later. @param {number} ms @param {number} offsetDays */
function localMidnight(ms, offsetDays) {
  const day = new Date(ms);
  day.setHours(0, 0, 0, 0);
  day.setDate(day.getDate() + offsetDays);
  return day.getTime();
}

/** @param {number} value */
function percent(value) {
  return `${Math.round(value)}%`;
}

/**
 * Today's and yesterday's curves, aligned on the slot of the day (slot i is
 * i × 20 min after local midnight on both days). Today's slots that have not ended are empty.
 * @param {string} site
 * @param {number} now
 * @returns {Promise<{ x: number[], share: [(number | null)[], (number | null)[]], people: [(number | null)[], (number | null)[]], today: { people: number, masked: number } }>}
 */
async function loadDay(site, now) {
  const todayStart = localMidnight(now, 0);
  const yesterdayStart = localMidnight(now, -1);
  const tomorrowStart = localMidnight(now, 1);
  const query = (/** @type {number} */ from, /** @type {number} */ to) =>
    `/v1/sites/${encodeURIComponent(site)}/curve?from=${isoMinute(from)}&to=${isoMinute(to)}&slot_minutes=${SLOT_MINUTES}`;
  /** @type {[Curve, Curve]} */
  const [today, yesterday] = await Promise.all([api(query(todayStart, tomorrowStart)), api(query(yesterdayStart, todayStart))]);
  const x = today.slots.map((slot) => Date.parse(slot.start) / 1000);
  const shareOf = (/** @type {Slot | undefined} */ slot) => (slot === undefined || slot.people === 0 ? null : (100 * slot.masked) / slot.people);
  // A slot is drawn once it has ended: the one in progress would read as a fall to zero.
  const past = today.slots.map((slot) => Date.parse(slot.start) + SLOT_MINUTES * 60_000 <= now);
  const totals = today.slots.reduce((sum, slot) => ({ people: sum.people + slot.people, masked: sum.masked + slot.masked }), { people: 0, masked: 0 });
  return {
    x,
    share: [today.slots.map((slot, i) => (past[i] ? shareOf(slot) : null)), x.map((_, i) => shareOf(yesterday.slots[i]))],
    people: [today.slots.map((slot, i) => (past[i] ? slot.people : null)), x.map((_, i) => yesterday.slots[i]?.people ?? null)],
    today: totals,
  };
}

/**
 * A uPlot chart of today (solid) against yesterday (dashed).
 * @param {HTMLElement} target
 * @param {{ min?: number, max?: number, label: string }} y
 * @param {uPlot.AlignedData} data
 */
function makeChart(target, y, data) {
  target.replaceChildren();
  /** @type {uPlot.Options} */
  const options = {
    width: Math.max(320, target.clientWidth),
    height: 240,
    scales: { x: { time: true }, y: y.min !== undefined && y.max !== undefined ? { range: [y.min, y.max] } : { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] } },
    axes: [{}, { label: y.label }],
    series: [
      { label: "Time" },
      { label: "Today", stroke: COLORS.today, width: 2, spanGaps: false, points: { show: true, size: 4 } },
      { label: "Yesterday", stroke: COLORS.yesterday, width: 2, dash: [6, 4], spanGaps: false, points: { show: false } },
    ],
  };
  const chart = new uPlot(options, data, target);
  target.dataset.series = String(data.length - 1);
  target.dataset.points = String(Array.from(data[1]).filter((value) => value !== null && value !== undefined).length);
  return chart;
}

async function showSite() {
  const site = state.site;
  if (site === undefined) return;
  const now = Date.now();
  const day = await loadDay(site, now);
  state.shareChart?.destroy();
  state.peopleChart?.destroy();
  state.shareChart = makeChart(byId("share-chart"), { min: 0, max: 100, label: "% masked" }, [day.x, ...day.share]);
  state.peopleChart = makeChart(byId("people-chart"), { label: "people" }, [day.x, ...day.people]);
  const formatter = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });
  byId("day-label").textContent = `${formatter.format(now)} (solid) against ${formatter.format(now - DAY_MS)} (dashed)`;
  byId("summary").textContent =
    day.today.people === 0
      ? `No batch from ${site} today yet.`
      : `Today at ${site}: ${Math.round(day.today.people)} people, ${percent((100 * day.today.masked) / day.today.people)} masked.`;
}

/** @param {number | null} minutes */
function since(minutes) {
  if (minutes === null) return "—";
  if (minutes < 90) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} d`;
}

/**
 * @param {string} tag
 * @param {string} text
 * @param {string} [className]
 */
function cell(tag, text, className) {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

async function showDevices() {
  /** @type {{ devices: Device[], late_after_minutes: number }} */
  const answer = await api("/v1/devices");
  const rows = answer.devices.map((device) => {
    const row = document.createElement("tr");
    row.className = `device ${device.state}`;
    row.dataset.state = device.state;
    const label = { ok: "on time", late: `LATE (over ${answer.late_after_minutes} min)`, silent: "never sent", revoked: "revoked" }[device.state];
    const last = device.last_batch;
    row.append(
      cell("td", device.device_id),
      cell("td", label, `state ${device.state}`),
      cell("td", last?.site ?? "—"),
      cell("td", last === null ? "—" : `${new Date(last.window_start).toLocaleString()} – ${new Date(last.window_end).toLocaleTimeString()} (${last.people} people, ${percent((100 * last.masked) / last.people)} masked)`),
      cell("td", since(device.minutes_since_last)),
    );
    return row;
  });
  byId("devices").querySelector("tbody")?.replaceChildren(...rows);
}

/** @param {Delivery} delivery */
function deliveryText(delivery) {
  if (delivery.status === "sent") return `${delivery.channel} ${delivery.recipient}: sent`;
  if (delivery.status === "failed") return `${delivery.channel} ${delivery.recipient}: FAILED (${delivery.last_error ?? "unknown"})`;
  const retry = delivery.next_attempt_at === null ? "" : `, next try ${new Date(delivery.next_attempt_at).toLocaleTimeString()}`;
  return `${delivery.channel} ${delivery.recipient}: not delivered yet (${delivery.attempts} attempt${delivery.attempts === 1 ? "" : "s"}${delivery.last_error ? `: ${delivery.last_error}` : ""}${retry})`;
}

async function showAlerts() {
  /** @type {AlertList} */
  const answer = await api("/v1/alerts?limit=50");
  const rows = answer.alerts.map((alert) => {
    const row = document.createElement("tr");
    const deliveries = document.createElement("td");
    for (const delivery of alert.deliveries) {
      const line = cell("div", deliveryText(delivery), `delivery ${delivery.status}`);
      if (delivery.status === "failed") {
        const retry = cell("button", "Retry");
        retry.addEventListener("click", () => void api(`/v1/alerts/deliveries/${delivery.delivery_id}/retry`, { method: "POST" }).then(refresh, report));
        line.append(" ", retry);
      }
      deliveries.append(line);
    }
    if (alert.outcome === "rate_limited") deliveries.append(cell("div", "rate-limited: not sent (the rule had fired shortly before)", "delivery rate-limited"));
    row.append(cell("td", new Date(alert.created_at).toLocaleString()), cell("td", alert.site), cell("td", alert.rule_id), cell("td", alert.text), deliveries);
    return row;
  });
  byId("alerts").querySelector("tbody")?.replaceChildren(...rows);
  const { pending, failed } = answer.undelivered;
  const badge = byId("undelivered");
  badge.hidden = pending + failed === 0;
  badge.textContent = `${pending + failed} alert message${pending + failed === 1 ? "" : "s"} not delivered${failed > 0 ? ` (${failed} failed)` : ""}`;
}

async function loadSites() {
  /** @type {{ sites: Site[] }} */
  const answer = await api("/v1/sites");
  const select = /** @type {HTMLSelectElement} */ (byId("site"));
  const options = answer.sites.map((site) => {
    const option = document.createElement("option");
    option.value = site.site;
    option.textContent = site.site;
    return option;
  });
  select.replaceChildren(...options);
  if (state.site === undefined || !answer.sites.some((site) => site.site === state.site)) {
    // First the site with the newest data (where staff look first); sites without data last.
    const newest = [...answer.sites].sort((a, b) => (b.last_window_end ?? "").localeCompare(a.last_window_end ?? ""))[0];
    state.site = newest?.site;
  }
  if (state.site !== undefined) select.value = state.site;
}

async function refresh() {
  try {
    await loadSites();
    await Promise.all([showSite(), showDevices(), showAlerts()]);
    byId("status").textContent = `updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.ready = "true";
  } catch (error) {
    report(error);
  }
}

/** @param {unknown} error */
function report(error) {
  if (error instanceof SignedOut) {
    showLogin("The token was refused or you signed out.");
    return;
  }
  byId("status").textContent = `could not update: ${error instanceof Error ? error.message : String(error)}`;
}

/** @param {string} [message] */
function showLogin(message = "") {
  window.clearInterval(state.timer);
  byId("app").hidden = true;
  byId("session").hidden = true;
  byId("login").hidden = false;
  byId("login-error").textContent = message;
}

function showApp() {
  byId("login").hidden = true;
  byId("app").hidden = false;
  byId("session").hidden = false;
  window.clearInterval(state.timer);
  state.timer = window.setInterval(() => void refresh(), REFRESH_MS);
  void refresh();
}

async function exportCsv() {
  const csv = await api(`/v1/batches.csv${state.site === undefined ? "" : `?site=${encodeURIComponent(state.site)}`}`, { text: true });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  link.download = `ephemera-batches${state.site === undefined ? "" : "-" + state.site.replace(/[^A-Za-z0-9-]+/g, "_")}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}

function start() {
  byId("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = /** @type {HTMLInputElement} */ (byId("token"));
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    input.value = "";
    showApp();
  });
  byId("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin();
  });
  byId("site").addEventListener("change", (event) => {
    state.site = /** @type {HTMLSelectElement} */ (event.target).value;
    void showSite().catch(report);
  });
  byId("export").addEventListener("click", () => void exportCsv().catch(report));
  window.addEventListener("resize", () => {
    for (const [chart, id] of /** @type {const} */ ([[state.shareChart, "share-chart"], [state.peopleChart, "people-chart"]])) chart?.setSize({ width: Math.max(320, byId(id).clientWidth), height: 240 });
  });
  if (sessionStorage.getItem(TOKEN_KEY) === null) showLogin();
  else showApp();
}

start();

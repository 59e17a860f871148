import { strict as assert } from "node:assert";
import type { BatchRecord } from "../../src/batch/record.js";
import { alertText } from "../../collector/alert-text.js";
import type { SiteRule } from "../../collector/config.js";
import { evaluateRule, type BatchSource } from "../../collector/rules.js";
import { batchAt } from "./fixtures.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = Date.UTC(2026, 2, 2, 9, 0);

/** An in-memory site history with the database's two queries. */
function source(batches: BatchRecord[]): BatchSource {
  const byEnd = [...batches].sort((a, b) => Date.parse(a.window_end) - Date.parse(b.window_end));
  return {
    latestBatches: (site, count) => byEnd.filter((batch) => batch.site === site).reverse().slice(0, count),
    batchesEndingIn: (site, fromMs, toMs) => byEnd.filter((batch) => batch.site === site && Date.parse(batch.window_end) > fromMs && Date.parse(batch.window_end) <= toMs),
  };
}

function at(minutes: number, masked: number, people = 20): BatchRecord {
  return batchAt(T0 + minutes * MINUTE, masked, people) as unknown as BatchRecord;
}

const SHARE: SiteRule = { id: "low", site: "Lobby", type: "share_below", percent: 50, windows: 2, email: ["a@b.example"] };
const DROP: SiteRule = { id: "drop", site: "Lobby", type: "drop_vs_yesterday", points: 10, span_minutes: 40, email: ["a@b.example"] };

describe("collector: alert rules (evaluation and text)", () => {
  it("share_below pools the last N windows and waits until there are N", () => {
    const one = source([at(0, 4)]);
    assert.equal(evaluateRule(SHARE, one, T0 + 21 * MINUTE, 120), undefined);
    const finding = evaluateRule(SHARE, source([at(0, 0), at(20, 4), at(40, 14)]), T0 + 61 * MINUTE, 120);
    assert.equal(finding?.firing, true, "(4 + 14) / 40 = 45% < 50%");
    assert.deepEqual(finding?.now, { people: 40, masked: 18, fromMs: T0 + 20 * MINUTE, toMs: T0 + 60 * MINUTE });
    assert.equal(evaluateRule(SHARE, source([at(0, 0), at(20, 6), at(40, 14)]), T0 + 61 * MINUTE, 120)?.firing, false, "exactly 50% is not under 50%");
  });

  it("ignores a site whose newest data is older than max_age_minutes, and other sites", () => {
    const history = source([at(0, 0), at(20, 0)]);
    assert.equal(evaluateRule(SHARE, history, T0 + 40 * MINUTE + 121 * MINUTE, 120), undefined);
    assert.equal(evaluateRule({ ...SHARE, site: "Hall" }, history, T0 + 41 * MINUTE, 120), undefined);
  });

  it("drop_vs_yesterday compares the span to the same span a day earlier, and needs yesterday's data", () => {
    const today = [at(0, 14), at(20, 14)];
    assert.equal(evaluateRule(DROP, source(today), T0 + 41 * MINUTE, 120), undefined, "no yesterday");
    const yesterday = [at(-24 * 60, 18), at(20 - 24 * 60, 18)];
    const finding = evaluateRule(DROP, source([...yesterday, ...today]), T0 + 41 * MINUTE, 120);
    assert.equal(finding?.kind, "drop_vs_yesterday");
    assert.equal(finding?.firing, true, "90% yesterday, 70% today: 20 points >= 10");
    if (finding?.kind !== "drop_vs_yesterday") return;
    assert.deepEqual(finding.yesterday, { people: 40, masked: 36, fromMs: T0 - DAY, toMs: T0 + 40 * MINUTE - DAY });
    const small = evaluateRule({ ...DROP, points: 25 }, source([...yesterday, ...today]), T0 + 41 * MINUTE, 120);
    assert.equal(small?.firing, false);
  });

  it("writes alert texts from pooled aggregates in the configured time zone", () => {
    const finding = evaluateRule(SHARE, source([at(0, 0), at(20, 4), at(40, 14)]), T0 + 61 * MINUTE, 120);
    assert.ok(finding);
    assert.deepEqual(alertText(SHARE, finding, "UTC"), {
      subject: "Ephemera: masked share at Lobby 45%",
      text: "Ephemera Lobby: 45% masked over the last 2 windows (09:20-10:00, 40 people), under 50% (rule low).",
    });
    assert.match(alertText(SHARE, finding, "America/New_York").text, /\(04:20-05:00, 40 people\)/);
  });
});

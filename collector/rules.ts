import type { BatchRecord } from "../src/batch/record.js";
import type { SiteRule } from "./config.js";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Pooled counts over a span: only aggregates, never a batch or a device. */
export interface Pool {
  readonly people: number;
  readonly masked: number;
  /** Span covered, ms since epoch (window_start of the first, window_end of the last batch). */
  readonly fromMs: number;
  readonly toMs: number;
}

/** What a rule saw: whether it holds, and the aggregates that say why. */
export type Finding =
  | { readonly kind: "share_below"; readonly firing: boolean; readonly now: Pool; readonly windows: number }
  | { readonly kind: "drop_vs_yesterday"; readonly firing: boolean; readonly now: Pool; readonly yesterday: Pool };

/** Reads a site's batches for a rule: the latest `count`, or those in a range of window ends. */
export interface BatchSource {
  latestBatches(site: string, count: number): BatchRecord[];
  /** Batches of the site whose window ends in (fromMs, toMs]. */
  batchesEndingIn(site: string, fromMs: number, toMs: number): BatchRecord[];
}

export function share(pool: Pool): number {
  return pool.people === 0 ? 0 : (100 * pool.masked) / pool.people;
}

/**
 * Evaluates a rule on a site's newest data. undefined when there is nothing to
 * judge: no batch, fewer than N windows, data older than `maxAgeMinutes` (a
 * backlog arriving late must not page anyone), or no batch at the same hour yesterday.
 */
export function evaluateRule(rule: SiteRule, source: BatchSource, nowMs: number, maxAgeMinutes: number): Finding | undefined {
  const newest = source.latestBatches(rule.site, 1)[0];
  if (newest === undefined) return undefined;
  const newestEnd = Date.parse(newest.window_end);
  if (nowMs - newestEnd > maxAgeMinutes * MINUTE_MS) return undefined;
  if (rule.type === "share_below") {
    const windows = rule.windows ?? 1;
    const latest = source.latestBatches(rule.site, windows);
    if (latest.length < windows) return undefined; // not N windows yet (the morning's first ones)
    const now = pool(latest);
    return { kind: "share_below", firing: share(now) < (rule.percent ?? 0), now, windows: latest.length };
  }
  const spanMs = (rule.span_minutes ?? 60) * MINUTE_MS;
  const now = pool(source.batchesEndingIn(rule.site, newestEnd - spanMs, newestEnd));
  const yesterdayBatches = source.batchesEndingIn(rule.site, newestEnd - DAY_MS - spanMs, newestEnd - DAY_MS);
  if (yesterdayBatches.length === 0) return undefined;
  const yesterday = pool(yesterdayBatches);
  return { kind: "drop_vs_yesterday", firing: share(yesterday) - share(now) >= (rule.points ?? 100), now, yesterday };
}

function pool(batches: readonly BatchRecord[]): Pool {
  let people = 0;
  let masked = 0;
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const batch of batches) {
    people += batch.people;
    masked += batch.masked;
    fromMs = Math.min(fromMs, Date.parse(batch.window_start));
    toMs = Math.max(toMs, Date.parse(batch.window_end));
  }
  return { people, masked, fromMs, toMs };
}

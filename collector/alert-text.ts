import type { SiteRule } from "./config.js";
import { share, type Finding, type Pool } from "./rules.js";

/** An alert's words. Built from pooled aggregates only: no batch, no device, nothing per person. */
export interface AlertText {
  readonly subject: string;
  /** Short enough for one SMS segment in most cases; the e-mail body is the same text. */
  readonly text: string;
}

export function alertText(rule: SiteRule, finding: Finding, timeZone: string): AlertText {
  const clock = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const span = (pool: Pool) => `${clock.format(pool.fromMs)}-${clock.format(pool.toMs)}`;
  const percent = (pool: Pool) => `${Math.round(share(pool))}%`;
  const subject = `Ephemera: masked share at ${rule.site} ${percent(finding.now)}`;
  if (finding.kind === "share_below") {
    return {
      subject,
      text: `Ephemera ${rule.site}: ${percent(finding.now)} masked over the last ${finding.windows} window${finding.windows === 1 ? "" : "s"} (${span(finding.now)}, ${finding.now.people} people), under ${rule.percent}% (rule ${rule.id}).`,
    };
  }
  const drop = Math.round(share(finding.yesterday) - share(finding.now));
  return {
    subject,
    text: `Ephemera ${rule.site}: ${percent(finding.now)} masked (${span(finding.now)}, ${finding.now.people} people), ${drop} points under ${percent(finding.yesterday)} at the same hour yesterday (rule ${rule.id}).`,
  };
}

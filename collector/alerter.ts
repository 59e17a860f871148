import type { AlertStore, Channel, Recipient } from "./alert-store.js";
import { alertText } from "./alert-text.js";
import type { CollectorConfig, SiteRule } from "./config.js";
import { evaluateRule, type BatchSource } from "./rules.js";
import { DeliveryError, errorSummary, type MessageSender } from "./senders.js";

const MINUTE_MS = 60_000;

/** What one evaluation of a rule did. */
export type RuleOutcome = "no_data" | "quiet" | "cleared" | "fired" | "deduplicated" | "rate_limited";

export interface DeliveryPass {
  readonly sent: number;
  readonly retrying: number;
  readonly failed: number;
}

export interface AlerterOptions {
  readonly config: CollectorConfig;
  readonly store: AlertStore;
  readonly batches: BatchSource;
  readonly senders: Readonly<Partial<Record<Channel, MessageSender>>>;
  readonly now: () => number;
  readonly log: (line: string) => void;
}

/**
 * Alert rules and their outbox. A rule fires when its condition starts to
 * hold (an episode); while it keeps holding it is de-duplicated; a new episode
 * within `min_interval_minutes` of the last alert is recorded as rate-limited
 * and sent once the interval has passed if it still holds. Messages go through
 * the outbox: each delivery is retried with doubling waits until it is sent,
 * or marked failed when the server refuses it for good (shown in the API,
 * the dashboard and the log; an operator can retry it).
 */
export class Alerter {
  #options: AlerterOptions;
  #pass: Promise<DeliveryPass> = Promise.resolve({ sent: 0, retrying: 0, failed: 0 });
  #timer: NodeJS.Timeout | undefined;

  constructor(options: AlerterOptions) {
    this.#options = options;
  }

  get rules(): readonly SiteRule[] {
    return this.#options.config.rules;
  }

  /** Evaluates the rules of one site (after a batch for it was stored). */
  evaluateSite(site: string): Map<string, RuleOutcome> {
    const outcomes = new Map<string, RuleOutcome>();
    for (const rule of this.rules) if (rule.site === site) outcomes.set(rule.id, this.#evaluate(rule));
    return outcomes;
  }

  /** Evaluates every rule (the periodic tick: sends rate-limited alerts whose interval has passed). */
  evaluateAll(): Map<string, RuleOutcome> {
    const outcomes = new Map<string, RuleOutcome>();
    for (const rule of this.rules) outcomes.set(rule.id, this.#evaluate(rule));
    return outcomes;
  }

  #evaluate(rule: SiteRule): RuleOutcome {
    const { store, config, now, log } = this.#options;
    const nowMs = now();
    const finding = evaluateRule(rule, this.#options.batches, nowMs, config.alerts.maxAgeMinutes);
    if (finding === undefined) return "no_data";
    const state = store.ruleState(rule.id);
    if (!finding.firing) {
      if (!state.active) return "quiet";
      store.setRuleActive(rule.id, false);
      log(`alert rule ${rule.id} (${rule.site}) no longer holds`);
      return "cleared";
    }
    const intervalMs = config.alerts.minIntervalMinutes * MINUTE_MS;
    const recent = state.lastFiredAt !== null && nowMs - state.lastFiredAt < intervalMs;
    // An episode that was rate-limited is sent once the interval has passed, if it still holds.
    if (state.active && !(state.lastOutcome === "rate_limited" && !recent)) return "deduplicated";
    const { subject, text } = alertText(rule, finding, config.timezone);
    if (recent) {
      if (state.active) return "deduplicated";
      store.recordAlert({ ruleId: rule.id, site: rule.site, nowMs, outcome: "rate_limited", subject, text, recipients: [] });
      log(`alert rule ${rule.id} (${rule.site}) holds again but fired less than ${config.alerts.minIntervalMinutes} min ago: rate-limited (sent later if it still holds)`);
      return "rate_limited";
    }
    const recipients: Recipient[] = [
      ...(rule.email ?? []).map((recipient): Recipient => ({ channel: "email", recipient })),
      ...(rule.sms ?? []).map((recipient): Recipient => ({ channel: "sms", recipient })),
    ];
    const alertId = store.recordAlert({ ruleId: rule.id, site: rule.site, nowMs, outcome: "queued", subject, text, recipients });
    log(`alert ${alertId} rule ${rule.id} (${rule.site}) fired: ${recipients.length} message(s) queued`);
    return "fired";
  }

  /**
   * Attempts every delivery that is due. Passes run one after the other, so a
   * caller that awaits this sees every delivery that was due when it called.
   */
  deliverDue(): Promise<DeliveryPass> {
    this.#pass = this.#pass.then(
      () => this.#deliverPass(),
      () => this.#deliverPass(),
    );
    return this.#pass;
  }

  async #deliverPass(): Promise<DeliveryPass> {
    const { store, senders, now, log, config } = this.#options;
    const pass = { sent: 0, retrying: 0, failed: 0 };
    for (const delivery of store.dueDeliveries(now())) {
      const sender = senders[delivery.channel];
      const where = `alert ${delivery.alert_id} ${delivery.channel} to ${delivery.recipient}`;
      try {
        if (sender === undefined) throw new DeliveryError(`no ${delivery.channel} sender is configured`, true);
        await sender.send(delivery.recipient, delivery.subject, delivery.text);
        store.markSent(delivery.delivery_id, now());
        pass.sent++;
        log(`${where} sent${delivery.attempts > 0 ? ` after ${delivery.attempts + 1} attempts` : ""}`);
      } catch (error) {
        const reason = errorSummary(error);
        if (error instanceof DeliveryError && error.permanent) {
          store.markFailed(delivery.delivery_id, reason);
          pass.failed++;
          log(`${where} FAILED for good (${reason}); kept in the outbox, retry with POST /v1/alerts/deliveries/${delivery.delivery_id}/retry`);
          continue;
        }
        const waitS = Math.min(config.alerts.retryMaxSeconds, config.alerts.retryFirstSeconds * 2 ** delivery.attempts);
        store.markRetry(delivery.delivery_id, now() + waitS * 1000, reason);
        pass.retrying++;
        log(`${where} not delivered (attempt ${delivery.attempts + 1}: ${reason}); retrying in ${waitS} s`);
      }
    }
    return pass;
  }

  /** Every `tickMs`: rules (for postponed alerts) and due deliveries. The timer does not keep the process alive. */
  start(tickMs: number): void {
    if (tickMs <= 0 || this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.evaluateAll();
      void this.deliverDue();
    }, tickMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a pass in progress; closes the senders. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#pass.catch(() => undefined);
    for (const sender of Object.values(this.#options.senders)) sender?.close();
  }
}

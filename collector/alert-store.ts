import type Database from "better-sqlite3";

export type Channel = "email" | "sms";
export type DeliveryStatus = "pending" | "sent" | "failed";
/** queued: messages were put in the outbox; rate_limited: the rule had sent too recently, nothing was sent. */
export type AlertOutcome = "queued" | "rate_limited";

export interface Recipient {
  readonly channel: Channel;
  readonly recipient: string;
}

export interface DeliveryRow {
  readonly delivery_id: number;
  readonly alert_id: number;
  readonly channel: Channel;
  readonly recipient: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** When the next try is due (ISO), for a pending delivery. */
  readonly next_attempt_at: string | null;
  readonly last_error: string | null;
  readonly sent_at: string | null;
}

export interface AlertRow {
  readonly alert_id: number;
  readonly rule_id: string;
  readonly site: string;
  readonly created_at: string;
  readonly outcome: AlertOutcome;
  readonly subject: string;
  readonly text: string;
  readonly deliveries: DeliveryRow[];
}

/** A delivery to attempt, with the words to send. */
export interface DueDelivery {
  readonly delivery_id: number;
  readonly alert_id: number;
  readonly channel: Channel;
  readonly recipient: string;
  readonly attempts: number;
  readonly subject: string;
  readonly text: string;
}

export interface RuleState {
  /** The rule's condition held at the last evaluation (an episode is open). */
  readonly active: boolean;
  /** When the rule last put an alert in the outbox (ms). */
  readonly lastFiredAt: number | null;
  /** Outcome of the rule's newest alert, if any. */
  readonly lastOutcome: AlertOutcome | null;
}

interface DeliveryDbRow extends Omit<DeliveryRow, "next_attempt_at"> {
  readonly next_attempt_at: number | null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The alert outbox in the collector's SQLite file: alerts, one delivery per
 * recipient, and each rule's state (for de-duplication and the rate limit).
 * A delivery stays until it is sent or an operator sees it failed: nothing is
 * dropped silently, and a restart resumes where the last process stopped.
 */
export class AlertStore {
  #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  ruleState(ruleId: string): RuleState {
    const row = this.#db.prepare("SELECT active, last_fired_at FROM rule_state WHERE rule_id = ?").get(ruleId) as { active: number; last_fired_at: number | null } | undefined;
    const last = this.#db.prepare("SELECT outcome FROM alerts WHERE rule_id = ? ORDER BY alert_id DESC LIMIT 1").get(ruleId) as { outcome: AlertOutcome } | undefined;
    return { active: row?.active === 1, lastFiredAt: row?.last_fired_at ?? null, lastOutcome: last?.outcome ?? null };
  }

  setRuleActive(ruleId: string, active: boolean): void {
    this.#db
      .prepare("INSERT INTO rule_state (rule_id, active) VALUES (?, ?) ON CONFLICT (rule_id) DO UPDATE SET active = excluded.active")
      .run(ruleId, active ? 1 : 0);
  }

  /** Records an alert (and, when queued, one pending delivery per recipient) and opens the rule's episode, atomically. */
  recordAlert(alert: { ruleId: string; site: string; nowMs: number; outcome: AlertOutcome; subject: string; text: string; recipients: readonly Recipient[] }): number {
    return this.#db.transaction(() => {
      const { lastInsertRowid } = this.#db
        .prepare("INSERT INTO alerts (rule_id, site, created_at, outcome, subject, text) VALUES (?, ?, ?, ?, ?, ?)")
        .run(alert.ruleId, alert.site, iso(alert.nowMs), alert.outcome, alert.subject, alert.text);
      const alertId = Number(lastInsertRowid);
      if (alert.outcome === "queued") {
        const insert = this.#db.prepare("INSERT INTO deliveries (alert_id, channel, recipient, status, attempts, next_attempt_at) VALUES (?, ?, ?, 'pending', 0, ?)");
        for (const { channel, recipient } of alert.recipients) insert.run(alertId, channel, recipient, alert.nowMs);
      }
      this.#db
        .prepare(
          `INSERT INTO rule_state (rule_id, active, last_fired_at) VALUES (?, 1, ?)
           ON CONFLICT (rule_id) DO UPDATE SET active = 1, last_fired_at = coalesce(excluded.last_fired_at, rule_state.last_fired_at)`,
        )
        .run(alert.ruleId, alert.outcome === "queued" ? alert.nowMs : null);
      return alertId;
    })();
  }

  /** Pending deliveries whose time has come, oldest first. */
  dueDeliveries(nowMs: number, limit = 100): DueDelivery[] {
    return this.#db
      .prepare(
        `SELECT d.delivery_id, d.alert_id, d.channel, d.recipient, d.attempts, a.subject, a.text
         FROM deliveries d JOIN alerts a ON a.alert_id = d.alert_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.delivery_id LIMIT ?`,
      )
      .all(nowMs, limit) as DueDelivery[];
  }

  /** When the earliest pending delivery is due (ms), or undefined. */
  nextDue(): number | undefined {
    const row = this.#db.prepare("SELECT min(next_attempt_at) AS next FROM deliveries WHERE status = 'pending'").get() as { next: number | null };
    return row.next ?? undefined;
  }

  markSent(deliveryId: number, nowMs: number): void {
    this.#db.prepare("UPDATE deliveries SET status = 'sent', attempts = attempts + 1, next_attempt_at = NULL, sent_at = ?, last_error = NULL WHERE delivery_id = ?").run(iso(nowMs), deliveryId);
  }

  markRetry(deliveryId: number, nextMs: number, error: string): void {
    this.#db.prepare("UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE delivery_id = ?").run(nextMs, error, deliveryId);
  }

  markFailed(deliveryId: number, error: string): void {
    this.#db.prepare("UPDATE deliveries SET status = 'failed', attempts = attempts + 1, next_attempt_at = NULL, last_error = ? WHERE delivery_id = ?").run(error, deliveryId);
  }

  /** Puts a failed delivery back in the queue (an operator fixed the address or the server); false when it was not failed. */
  retryDelivery(deliveryId: number, nowMs: number): boolean {
    return this.#db.prepare("UPDATE deliveries SET status = 'pending', next_attempt_at = ? WHERE delivery_id = ? AND status = 'failed'").run(nowMs, deliveryId).changes === 1;
  }

  hasDelivery(deliveryId: number): boolean {
    return this.#db.prepare("SELECT 1 FROM deliveries WHERE delivery_id = ?").get(deliveryId) !== undefined;
  }

  /** Newest alerts first, each with its deliveries. */
  recentAlerts(limit: number): AlertRow[] {
    const alerts = this.#db.prepare("SELECT alert_id, rule_id, site, created_at, outcome, subject, text FROM alerts ORDER BY alert_id DESC LIMIT ?").all(limit) as Omit<AlertRow, "deliveries">[];
    const deliveries = this.#db.prepare("SELECT delivery_id, alert_id, channel, recipient, status, attempts, next_attempt_at, last_error, sent_at FROM deliveries WHERE alert_id = ? ORDER BY delivery_id");
    return alerts.map((alert) => ({
      ...alert,
      deliveries: (deliveries.all(alert.alert_id) as DeliveryDbRow[]).map((row) => ({ ...row, next_attempt_at: row.next_attempt_at === null ? null : iso(row.next_attempt_at) })),
    }));
  }

  /** Deliveries not sent yet: still being retried (pending) and given up on (failed). */
  undelivered(): { pending: number; failed: number } {
    const rows = this.#db.prepare("SELECT status, count(*) AS n FROM deliveries WHERE status != 'sent' GROUP BY status").all() as { status: DeliveryStatus; n: number }[];
    const count = (status: DeliveryStatus) => rows.find((row) => row.status === status)?.n ?? 0;
    return { pending: count("pending"), failed: count("failed") };
  }
}

import { createHash } from 'node:crypto';
import type { Projection, ProjectionIdentity } from '../runner/projection.js';
import type { ReadModelDb, SqlValue } from '../runner/read-model-db.js';
import { ProjectionRegistry } from '../runner/projection-registry.js';
import type { DocumentIssued } from '../../src/domain/documents/index.js';
import type { RaisedAlert } from '../../src/domain/alerts/alert-events.js';
import {
  ALERTS_STREAM_PREFIX,
  DOCUMENTS_STREAM_PREFIX,
  WEBHOOK_STREAM_PREFIX,
  accountIdOfAlertsStream,
  accountIdOfDocumentsStream,
  subscriptionIdOfWebhookStream,
} from '../../src/platform/event-store/stream-names.js';

/**
 * The delivery outbox. From the durable subscription, every DocumentIssued becomes one delivery per
 * recipient — an e-mail to the account's owner and a webhook call to every subscription active at that
 * point of the log — written in the same transaction as the checkpoint, so each is planned exactly once.
 * The dispatcher (`DeliveryOutbox.dispatchDue`, run by the lease holder) sends what is due and records the
 * outcome afterwards: a crash between sending and recording sends again, with the same delivery id (at
 * least once; receivers deduplicate by it), never not at all. A failed attempt is retried with exponential
 * back-off; ops can ask for any delivery to be sent again.
 */
export const DOCUMENT_DELIVERY: ProjectionIdentity = {
  name: 'document-delivery',
  version: 1,
  filter: {
    // AlertRaised (issue 15): planned like a document, `document_number` holding the alert id and
    // `document_kind` 'alert'. The tables are unchanged, so no rebuild (which would plan every document again).
    streamPrefixes: [DOCUMENTS_STREAM_PREFIX, WEBHOOK_STREAM_PREFIX, ALERTS_STREAM_PREFIX],
    eventTypes: ['DocumentIssued', 'WebhookSubscribed', 'WebhookUnsubscribed', 'AlertRaised'],
  },
};

/** The `documentKind` of an alert's deliveries (its `documentNumber` is the alert id). */
export const ALERT_DELIVERY_KIND = 'alert';

export type DeliveryChannel = 'email' | 'webhook';
/** pending (due at next_attempt_ms), delivered, skipped (nothing to send it to), failed (gave up). */
export type DeliveryStatus = 'pending' | 'delivered' | 'skipped' | 'failed';

/** One delivery of one document to one recipient. */
export interface Delivery {
  /** Deterministic: the same document and recipient always give the same id (receivers deduplicate by it). */
  deliveryId: string;
  /** The DocumentIssued event. */
  eventId: string;
  position: string;
  accountId: string;
  documentNumber: string;
  documentKind: string;
  channel: DeliveryChannel;
  /** `owner` for the e-mail, the subscription id for a webhook. */
  recipient: string;
  /** This attempt's number, from 1. */
  attempt: number;
}

/** What a sender reports; a thrown error is a failed attempt (retried). */
export type DeliveryResult =
  { outcome: 'delivered'; detail?: string } | { outcome: 'skipped'; reason: string };

export type DeliverySending = (delivery: Delivery) => Promise<DeliveryResult>;

/** The delivery id: a hash of the document's event and the recipient. */
export function deliveryIdOf(eventId: string, channel: DeliveryChannel, recipient: string): string {
  return `dlv_${createHash('sha256').update(`${eventId}|${channel}|${recipient}`).digest('hex').slice(0, 32)}`;
}

const tableOf = (name: string) => ProjectionRegistry.tableName(name, DOCUMENT_DELIVERY.version);
export const OUTBOX_TABLE = tableOf('delivery_outbox');
export const ATTEMPTS_TABLE = tableOf('delivery_attempts');
export const SUBSCRIPTIONS_TABLE = tableOf('delivery_subscriptions');

/**
 * `since`: documents issued (stored) before this instant are not delivered — a first deployment on an
 * existing log must not e-mail every document ever issued (DELIVERY_SINCE).
 */
export function documentDeliveryProjection(options: { since?: string } = {}): Projection {
  const since = options.since === undefined ? undefined : Date.parse(options.since);
  return {
    ...DOCUMENT_DELIVERY,
    async setup(db, table) {
      await db.run(`CREATE TABLE IF NOT EXISTS ${table('delivery_subscriptions')} (
        subscription_id TEXT PRIMARY KEY, url TEXT NOT NULL, active INTEGER NOT NULL, since_position TEXT NOT NULL)`);
      await db.run(`CREATE TABLE IF NOT EXISTS ${table('delivery_outbox')} (
        delivery_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, position BIGINT NOT NULL, account_id TEXT NOT NULL,
        document_number TEXT NOT NULL, document_kind TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_ms BIGINT NOT NULL,
        last_attempt_at TEXT, delivered_at TEXT, last_error TEXT, redeliveries INTEGER NOT NULL)`);
      await db.run(
        `CREATE INDEX IF NOT EXISTS ${table('delivery_outbox')}_due ON ${table('delivery_outbox')} (status, next_attempt_ms)`,
      );
      await db.run(`CREATE TABLE IF NOT EXISTS ${table('delivery_attempts')} (
        delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL, at TEXT NOT NULL, outcome TEXT NOT NULL,
        detail TEXT, PRIMARY KEY (delivery_id, attempt))`);
    },
    async apply(db, recorded, table) {
      if (recorded.type === 'WebhookSubscribed' || recorded.type === 'WebhookUnsubscribed') {
        const subscriptionId = subscriptionIdOfWebhookStream(recorded.streamId)!;
        const { url } = recorded.data as { url?: string };
        await db.run(
          `INSERT INTO ${table('delivery_subscriptions')} (subscription_id, url, active, since_position)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (subscription_id) DO UPDATE SET active = excluded.active, since_position = excluded.since_position`,
          [
            subscriptionId,
            url ?? '',
            recorded.type === 'WebhookSubscribed' ? 1 : 0,
            String(recorded.position),
          ],
        );
        return;
      }
      if (since !== undefined && recorded.storedAt.getTime() < since) return;
      const alert = recorded.type === 'AlertRaised' ? (recorded.data as RaisedAlert) : undefined;
      const accountId = alert
        ? accountIdOfAlertsStream(recorded.streamId)!
        : accountIdOfDocumentsStream(recorded.streamId)!;
      const document = alert
        ? { number: alert.alertId, kind: ALERT_DELIVERY_KIND }
        : (recorded as unknown as DocumentIssued).data;
      // An alert goes by the channels its budget chose (both for the balance-type alerts).
      const channels = alert?.channels ?? ['email', 'webhook'];
      const subscriptions = channels.includes('webhook')
        ? await db.all<{ subscription_id: string }>(
            `SELECT subscription_id FROM ${table('delivery_subscriptions')} WHERE active = 1 ORDER BY subscription_id`,
          )
        : [];
      const recipients: Array<[DeliveryChannel, string]> = [
        ...(channels.includes('email') ? [['email', 'owner'] as [DeliveryChannel, string]] : []),
        ...subscriptions.map((s): [DeliveryChannel, string] => ['webhook', s.subscription_id]),
      ];
      for (const [channel, recipient] of recipients) {
        await db.run(
          `INSERT INTO ${table('delivery_outbox')} (delivery_id, event_id, position, account_id, document_number,
             document_kind, channel, recipient, status, attempts, next_attempt_ms, redeliveries)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, 0, 0) ON CONFLICT (delivery_id) DO NOTHING`,
          [
            deliveryIdOf(recorded.id, channel, recipient),
            recorded.id,
            recorded.position,
            accountId,
            document.number,
            document.kind,
            channel,
            recipient,
          ],
        );
      }
    },
  };
}

export interface RetryPolicy {
  /** The wait after the first failed attempt; doubled after each further one. */
  baseMs: number;
  /** The longest wait between attempts. */
  maxMs: number;
  /** After this many failed attempts the delivery is `failed` (ops may redeliver it). */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 5_000, maxMs: 3_600_000, maxAttempts: 12 };

/** The wait after `attempts` failed attempts: base · 2^(attempts−1), at most max. */
export const backoffMs = (policy: RetryPolicy, attempts: number): number =>
  Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));

interface OutboxRow {
  delivery_id: string;
  event_id: string;
  position: number | string;
  account_id: string;
  document_number: string;
  document_kind: string;
  channel: DeliveryChannel;
  recipient: string;
  status: DeliveryStatus;
  attempts: number | string;
  next_attempt_ms: number | string;
  last_attempt_at: string | null;
  delivered_at: string | null;
  last_error: string | null;
  redeliveries: number | string;
}

/** A delivery as the log shows it (GET /v1/ops/deliveries). */
export interface DeliveryLogEntry {
  deliveryId: string;
  accountId: string;
  documentNumber: string;
  documentKind: string;
  channel: DeliveryChannel;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due (a pending delivery waiting for a retry; null: due now, or not pending). */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  lastError: string | null;
  redeliveries: number;
  eventId: string;
  position: string;
  history: Array<{ attempt: number; at: string; outcome: string; detail: string | null }>;
}

export interface DeliveryLogFilter {
  accountId?: string;
  channel?: DeliveryChannel;
  recipient?: string;
  status?: DeliveryStatus;
  documentNumber?: string;
  limit?: number;
}

/**
 * The outbox's operations on its tables: dispatching due deliveries (the lease holder only, fenced), the
 * delivery log and redelivery (any instance: a redelivery is a row the holder's next round picks up).
 */
export class DeliveryOutbox {
  constructor(
    readonly db: ReadModelDb,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends every delivery due now (up to `limit`), one after another; returns how many were attempted. */
  async dispatchDue(
    sending: DeliverySending,
    fence?: (db: ReadModelDb) => Promise<void>,
    limit = 50,
  ): Promise<number> {
    const due = await this.db.all<OutboxRow>(
      `SELECT * FROM ${OUTBOX_TABLE} WHERE status = 'pending' AND next_attempt_ms <= $1
       ORDER BY next_attempt_ms, position, delivery_id LIMIT ${Math.max(1, Math.floor(limit))}`,
      [this.now()],
    );
    for (const row of due) {
      const attempt = Number(row.attempts) + 1;
      let outcome: DeliveryStatus | 'retry';
      let detail: string | null;
      try {
        const result = await sending({ ...deliveryOf(row), attempt });
        outcome = result.outcome === 'delivered' ? 'delivered' : 'skipped';
        detail = result.outcome === 'delivered' ? (result.detail ?? null) : result.reason;
      } catch (error) {
        detail = oneLine(error);
        outcome = attempt >= this.policy.maxAttempts ? 'failed' : 'retry';
      }
      const at = this.now();
      const atIso = new Date(at).toISOString();
      await this.db.transaction(async (tx) => {
        await tx.run(
          `UPDATE ${OUTBOX_TABLE} SET status = $2, attempts = $3, next_attempt_ms = $4, last_attempt_at = $5,
             delivered_at = $6, last_error = $7 WHERE delivery_id = $1`,
          [
            row.delivery_id,
            outcome === 'retry' ? 'pending' : outcome,
            attempt,
            outcome === 'retry' ? at + backoffMs(this.policy, attempt) : at,
            atIso,
            outcome === 'delivered' ? atIso : null,
            outcome === 'retry' || outcome === 'failed' ? detail : null,
          ],
        );
        await tx.run(
          `INSERT INTO ${ATTEMPTS_TABLE} (delivery_id, attempt, at, outcome, detail) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (delivery_id, attempt) DO UPDATE SET at = excluded.at, outcome = excluded.outcome, detail = excluded.detail`,
          [row.delivery_id, attempt, atIso, outcome === 'retry' ? 'failed' : outcome, detail],
        );
        // Fenced: an instance that lost the lease mid-send records nothing; the new holder sends again.
        await fence?.(tx);
      });
    }
    return due.length;
  }

  /** When the earliest pending delivery is due (ms since the epoch), or undefined when none is pending. */
  async nextDueMs(): Promise<number | undefined> {
    const row = await this.db.get<{ due: number | string | null }>(
      `SELECT MIN(next_attempt_ms) AS due FROM ${OUTBOX_TABLE} WHERE status = 'pending'`,
    );
    return row?.due === null || row?.due === undefined ? undefined : Number(row.due);
  }

  async log(filter: DeliveryLogFilter = {}): Promise<DeliveryLogEntry[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    add('account_id', filter.accountId);
    add('channel', filter.channel);
    add('recipient', filter.recipient);
    add('status', filter.status);
    add('document_number', filter.documentNumber);
    const rows = await this.db.all<OutboxRow>(
      `SELECT * FROM ${OUTBOX_TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY position DESC, channel, recipient LIMIT ${Math.max(1, Math.floor(filter.limit ?? 100))}`,
      params,
    );
    return Promise.all(rows.map((row) => this.entry(row)));
  }

  async get(deliveryId: string): Promise<DeliveryLogEntry | undefined> {
    const row = await this.db.get<OutboxRow>(`SELECT * FROM ${OUTBOX_TABLE} WHERE delivery_id = $1`, [
      deliveryId,
    ]);
    return row && this.entry(row);
  }

  /** Sends the delivery again (with the same id) at the holder's next round; undefined when unknown. */
  async redeliver(deliveryId: string): Promise<DeliveryLogEntry | undefined> {
    const known = await this.db.transaction(async (tx) => {
      const row = await tx.get<{ delivery_id: string }>(
        `SELECT delivery_id FROM ${OUTBOX_TABLE} WHERE delivery_id = $1`,
        [deliveryId],
      );
      if (!row) return false;
      await tx.run(
        `UPDATE ${OUTBOX_TABLE} SET status = 'pending', next_attempt_ms = 0, redeliveries = redeliveries + 1
         WHERE delivery_id = $1`,
        [deliveryId],
      );
      return true;
    });
    return known ? this.get(deliveryId) : undefined;
  }

  private async entry(row: OutboxRow): Promise<DeliveryLogEntry> {
    const history = await this.db.all<{
      attempt: number;
      at: string;
      outcome: string;
      detail: string | null;
    }>(`SELECT attempt, at, outcome, detail FROM ${ATTEMPTS_TABLE} WHERE delivery_id = $1 ORDER BY attempt`, [
      row.delivery_id,
    ]);
    return {
      ...deliveryOf(row),
      status: row.status,
      attempts: Number(row.attempts),
      nextAttemptAt:
        row.status === 'pending' && Number(row.next_attempt_ms) > 0
          ? new Date(Number(row.next_attempt_ms)).toISOString()
          : null,
      lastAttemptAt: row.last_attempt_at,
      deliveredAt: row.delivered_at,
      lastError: row.last_error,
      redeliveries: Number(row.redeliveries),
      history: history.map((h) => ({ ...h, attempt: Number(h.attempt) })),
    };
  }
}

function deliveryOf(row: OutboxRow): Omit<Delivery, 'attempt'> {
  return {
    deliveryId: row.delivery_id,
    eventId: row.event_id,
    position: String(row.position),
    accountId: row.account_id,
    documentNumber: row.document_number,
    documentKind: row.document_kind,
    channel: row.channel,
    recipient: row.recipient,
  };
}

/** An error as one short line for the log (never a stack, never more than 500 characters). */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 500);
}

import type { LedgerEvent } from '../src/domain/ledger/ledger-events.js';
import { refundStatus, type RefundPartOutcome } from '../src/domain/ledger/refund-state.js';
import { ledgerStreamParts } from '../src/platform/event-store/stream-names.js';
import type { Projection } from './runner/projection.js';
import type { ReadModelDb } from './runner/read-model-db.js';
import type { ReadModelQuery } from './queries/read-models.js';
import { sortablePosition } from './support/streams.js';

/**
 * Refunds (GET /v1/accounts/:id/refunds), kept by the account-status projection in its `refunds` and
 * `refund_parts` tables: each refund with its parts — which payment, by which channel, how much, and the
 * gateway's answer. A refund's row is its credit note's data (business-rules.md#refunds).
 */
export const refundsTable: Pick<Projection, 'setup' | 'apply'> = {
  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('refunds')} (
      account_id TEXT NOT NULL, refund_id TEXT NOT NULL, amount TEXT NOT NULL, currency TEXT NOT NULL,
      reason TEXT NOT NULL, requested_by TEXT NOT NULL, requested_at TEXT NOT NULL, status TEXT NOT NULL,
      settled_at TEXT, position TEXT NOT NULL, PRIMARY KEY (account_id, refund_id))`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('refund_parts')} (
      account_id TEXT NOT NULL, refund_id TEXT NOT NULL, part_no INTEGER NOT NULL, payment_id TEXT NOT NULL,
      channel TEXT NOT NULL, amount TEXT NOT NULL, outcome TEXT NOT NULL, gateway_reference TEXT,
      failure_reason TEXT, answered_at TEXT, PRIMARY KEY (account_id, refund_id, payment_id))`);
  },

  async apply(db, recorded, table) {
    const ledger = ledgerStreamParts(recorded.streamId);
    if (!ledger) return;
    const { accountId } = ledger;
    const event = { type: recorded.type, data: recorded.data } as LedgerEvent;
    if (event.type === 'RefundRequested') {
      const position = sortablePosition(recorded);
      const d = event.data;
      await db.run(
        `INSERT INTO ${table('refunds')} (account_id, refund_id, amount, currency, reason, requested_by, requested_at,
           status, settled_at, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', NULL, $8) ON CONFLICT (account_id, refund_id) DO NOTHING`,
        [accountId, d.refundId, d.amount, d.currency, d.reason, d.by, d.at, position],
      );
      for (const [index, part] of d.parts.entries()) {
        await db.run(
          `INSERT INTO ${table('refund_parts')} (account_id, refund_id, part_no, payment_id, channel, amount, outcome)
           VALUES ($1, $2, $3, $4, $5, $6, 'pending') ON CONFLICT DO NOTHING`,
          [accountId, d.refundId, index, part.paymentId, part.channel, part.amount],
        );
      }
      return;
    }
    if (event.type !== 'RefundCompleted' && event.type !== 'RefundFailed') return;
    const d = event.data;
    const outcome: RefundPartOutcome = event.type === 'RefundCompleted' ? 'completed' : 'failed';
    const detail =
      event.type === 'RefundCompleted' ? (event.data.gatewayReference ?? null) : event.data.reason;
    // One part (its payment), or every part still pending.
    const column = outcome === 'completed' ? 'gateway_reference' : 'failure_reason';
    const onePart = d.paymentId === undefined ? '' : ' AND payment_id = $6';
    await db.run(
      `UPDATE ${table('refund_parts')} SET outcome = $3, ${column} = $4, answered_at = $5
       WHERE account_id = $1 AND refund_id = $2 AND outcome = 'pending'${onePart}`,
      [accountId, d.refundId, outcome, detail, d.at, ...(d.paymentId === undefined ? [] : [d.paymentId])],
    );
    const parts = await db.all<{ outcome: RefundPartOutcome }>(
      `SELECT outcome FROM ${table('refund_parts')} WHERE account_id = $1 AND refund_id = $2`,
      [accountId, d.refundId],
    );
    const status = refundStatus({ parts });
    await db.run(
      `UPDATE ${table('refunds')} SET status = $3, settled_at = $4 WHERE account_id = $1 AND refund_id = $2`,
      [accountId, d.refundId, status, status === 'requested' ? null : d.at],
    );
  },
};

export interface RefundView {
  refundId: string;
  amount: string;
  currency: string;
  status: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  settledAt: string | null;
  /** The payments returned: the credit note's lines. */
  parts: Array<{
    paymentId: string;
    channel: string;
    amount: string;
    outcome: RefundPartOutcome;
    gatewayReference: string | null;
    failureReason: string | null;
    answeredAt: string | null;
  }>;
}

/** An account's refunds, oldest first, each with its parts in the order they were taken; undefined: no account. */
export const accountRefunds =
  (accountId: string): ReadModelQuery<RefundView[] | undefined> =>
  async (db: ReadModelDb, table) => {
    const account = await db.get(`SELECT account_id FROM ${table('account_summary')} WHERE account_id = $1`, [
      accountId,
    ]);
    if (!account) return undefined;
    const refunds = await db.all<{
      refund_id: string;
      amount: string;
      currency: string;
      status: string;
      reason: string;
      requested_by: string;
      requested_at: string;
      settled_at: string | null;
    }>(
      `SELECT refund_id, amount, currency, status, reason, requested_by, requested_at, settled_at
       FROM ${table('refunds')} WHERE account_id = $1 ORDER BY position, refund_id`,
      [accountId],
    );
    const parts = await db.all<{
      refund_id: string;
      payment_id: string;
      channel: string;
      amount: string;
      outcome: RefundPartOutcome;
      gateway_reference: string | null;
      failure_reason: string | null;
      answered_at: string | null;
    }>(
      `SELECT refund_id, payment_id, channel, amount, outcome, gateway_reference, failure_reason, answered_at
       FROM ${table('refund_parts')} WHERE account_id = $1 ORDER BY refund_id, part_no`,
      [accountId],
    );
    return refunds.map((r) => ({
      refundId: r.refund_id,
      amount: r.amount,
      currency: r.currency,
      status: r.status,
      reason: r.reason,
      requestedBy: r.requested_by,
      requestedAt: r.requested_at,
      settledAt: r.settled_at,
      parts: parts
        .filter((p) => p.refund_id === r.refund_id)
        .map((p) => ({
          paymentId: p.payment_id,
          channel: p.channel,
          amount: p.amount,
          outcome: p.outcome,
          gatewayReference: p.gateway_reference,
          failureReason: p.failure_reason,
          answeredAt: p.answered_at,
        })),
    }));
  };

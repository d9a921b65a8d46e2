import type { Projection, ProjectionIdentity } from '../runner/projection.js';
import type { LedgerEventOf } from '../../src/domain/ledger/ledger-events.js';
import type { PaymentChannel } from '../../src/domain/policies/policy-profile.js';
import { LEDGER_STREAM_PREFIX, ledgerStreamParts } from '../../src/platform/event-store/stream-names.js';

/**
 * Sends each part of every RefundRequested to the payment gateway from the durable subscription: the calls
 * and the checkpoint commit together, so a restart does not ask again for what was already asked. A crash
 * between a call and the commit asks again (at least once): `<account>/<refund>/<payment>` is the gateway's
 * idempotency key, so each part is paid out once, and the answer is booked on the redelivery.
 */
export const REFUND_PAYER: ProjectionIdentity = {
  name: 'refund-payouts',
  version: 1,
  filter: { streamPrefixes: [LEDGER_STREAM_PREFIX], eventTypes: ['RefundRequested'] },
};

/** One part of a refund to pay out. */
export interface RefundPayoutPart {
  accountId: string;
  refundId: string;
  paymentId: string;
  channel: PaymentChannel;
  amount: string;
  currency: string;
}

/** How the worker pays a part out: the composition root calls the gateway and books an immediate answer. */
export type RefundPaying = (part: RefundPayoutPart) => Promise<string>;

export function refundPayerProjection(paying: RefundPaying): Projection {
  return {
    ...REFUND_PAYER,
    async setup(db, table) {
      await db.run(`CREATE TABLE IF NOT EXISTS ${table('parts')} (
        account_id TEXT NOT NULL, refund_id TEXT NOT NULL, payment_id TEXT NOT NULL, channel TEXT NOT NULL,
        amount TEXT NOT NULL, currency TEXT NOT NULL, requested_at TEXT NOT NULL, answer TEXT NOT NULL,
        PRIMARY KEY (account_id, refund_id, payment_id))`);
    },
    async apply(db, recorded, table) {
      const { accountId } = ledgerStreamParts(recorded.streamId)!;
      const d = recorded.data as LedgerEventOf<'RefundRequested'>['data'];
      for (const part of d.parts) {
        const answer = await paying({ accountId, refundId: d.refundId, currency: d.currency, ...part });
        await db.run(
          `INSERT INTO ${table('parts')} (account_id, refund_id, payment_id, channel, amount, currency, requested_at, answer)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (account_id, refund_id, payment_id) DO NOTHING`,
          [accountId, d.refundId, part.paymentId, part.channel, part.amount, d.currency, d.at, answer],
        );
      }
    },
  };
}

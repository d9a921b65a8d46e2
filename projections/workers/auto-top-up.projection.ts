import type { Projection, ProjectionIdentity } from '../runner/projection.js';
import type { LedgerEventOf } from '../../src/domain/ledger/ledger-events.js';
import { LEDGER_STREAM_PREFIX, ledgerStreamParts } from '../../src/platform/event-store/stream-names.js';

/**
 * Sends every AutoTopUpRequested to the payment gateway from the durable subscription: the request and the
 * checkpoint commit together, so a restart does not ask again for what was already asked. Between the call
 * and the commit a crash asks again (at least once): the request id is the gateway's idempotency key.
 */
export const AUTO_TOP_UP_REQUESTER: ProjectionIdentity = {
  name: 'auto-top-ups',
  version: 1,
  filter: { streamPrefixes: [LEDGER_STREAM_PREFIX], eventTypes: ['AutoTopUpRequested'] },
};

/** One request to charge the account's card; `requestId` is the idempotency key. */
export interface AutoTopUpRequest {
  requestId: string;
  accountId: string;
  amount: string;
  currency: string;
  attempt: number;
}

/**
 * How the worker asks for a charge: the composition root calls the payment gateway and books an answer
 * given at once through the command bus. Returns what the gateway said (recorded for ops).
 */
export type AutoTopUpRequesting = (request: AutoTopUpRequest) => Promise<string>;

export function autoTopUpRequesterProjection(requesting: AutoTopUpRequesting): Projection {
  return {
    ...AUTO_TOP_UP_REQUESTER,
    async setup(db, table) {
      await db.run(`CREATE TABLE IF NOT EXISTS ${table('requests')} (
        request_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, amount TEXT NOT NULL, currency TEXT NOT NULL,
        attempt INTEGER NOT NULL, requested_at TEXT NOT NULL, answer TEXT NOT NULL)`);
    },
    async apply(db, recorded, table) {
      const { accountId } = ledgerStreamParts(recorded.streamId)!;
      const d = recorded.data as LedgerEventOf<'AutoTopUpRequested'>['data'];
      const request = {
        requestId: d.requestId,
        accountId,
        amount: d.amount,
        currency: d.currency,
        attempt: d.attempt,
      };
      const answer = await requesting(request);
      await db.run(
        `INSERT INTO ${table('requests')} (request_id, account_id, amount, currency, attempt, requested_at, answer)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (request_id) DO NOTHING`,
        [d.requestId, accountId, d.amount, d.currency, d.attempt, d.at, answer],
      );
    },
  };
}

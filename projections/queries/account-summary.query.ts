import type { AccountFacts } from '../../src/domain/account/account-events.js';
import { initialLedgerState, type LedgerState } from '../../src/domain/ledger/ledger-state.js';
import { restoreLedgerState, type LedgerSnapshot } from '../account-summary.js';
import type { ReadModelQuery } from './read-models.js';

export interface AccountSummaryRecord {
  account: Pick<
    AccountFacts,
    | 'currency'
    | 'payerType'
    | 'profileId'
    | 'profileVersion'
    | 'openedAt'
    | 'paymentMethod'
    | 'closureRequestedAt'
  >;
  /** A closing account's closure: its final period's end and last day once closed, the opening day. */
  closure: AccountClosureView | undefined;
  /** The latest period's state (the initial state before the first period opened). */
  state: LedgerState;
  /** The latest effective time folded into `state`: it is the state "now" only from then on. */
  latestEffectiveAt: string | null;
}

interface Row {
  currency: AccountFacts['currency'];
  payer_type: AccountFacts['payerType'];
  profile_id: string;
  profile_version: number | string;
  opened_at: string;
  ledger: string | null;
  latest_effective_at: string | null;
  payment_method: AccountFacts['paymentMethod'] | null;
  closure_requested_at: string | null;
  closed_at: string | null;
  final_day: string | null;
  opened_day: string | null;
  deleted_at: string | null;
}

/** What the account summary shows of a closure (issue 14, item 5). */
export interface AccountClosureView {
  requestedAt: string;
  /** When the final period ended (the closure instant), once it is closed. */
  closedAt?: string;
  /** The final period's last day (the closure's local date), once closed. */
  finalDay?: string;
  /** The account's first local day: the final reconciliation report runs from it to `finalDay`. */
  openedDay?: string;
  /** When the closed account was deleted (its personal data erased). */
  deletedAt?: string;
}

/** One account's row of the account-summary read model; undefined for an account it has not seen. */
export const accountSummaryRecord =
  (accountId: string): ReadModelQuery<AccountSummaryRecord | undefined> =>
  async (db, table) => {
    const row = await db.get<Row>(
      `SELECT currency, payer_type, profile_id, profile_version, opened_at, ledger, latest_effective_at,
         payment_method, closure_requested_at, closed_at, final_day, opened_day, deleted_at
       FROM ${table('account_summary')} WHERE account_id = $1`,
      [accountId],
    );
    if (!row) return undefined;
    return {
      account: {
        currency: row.currency,
        payerType: row.payer_type,
        profileId: row.profile_id,
        profileVersion: Number(row.profile_version),
        openedAt: row.opened_at,
        ...(row.payment_method ? { paymentMethod: row.payment_method } : {}),
        ...(row.closure_requested_at ? { closureRequestedAt: row.closure_requested_at } : {}),
      },
      closure: row.closure_requested_at
        ? {
            requestedAt: row.closure_requested_at,
            ...(row.closed_at ? { closedAt: row.closed_at } : {}),
            ...(row.final_day ? { finalDay: row.final_day } : {}),
            ...(row.opened_day ? { openedDay: row.opened_day } : {}),
            ...(row.deleted_at ? { deletedAt: row.deleted_at } : {}),
          }
        : undefined,
      state:
        row.ledger === null
          ? initialLedgerState()
          : restoreLedgerState(JSON.parse(row.ledger) as LedgerSnapshot),
      latestEffectiveAt: row.latest_effective_at,
    };
  };

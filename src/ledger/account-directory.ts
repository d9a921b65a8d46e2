import type { AccountFacts } from '../domain/account/account-events.js';

/** The DI token of the account directory the ledger reads account facts from. */
export const ACCOUNT_DIRECTORY = Symbol('AccountDirectory');

/**
 * What the ledger needs to know of an account: its facts (time zone, currency, profile, opening period).
 * The account book (src/accounts) implements it; the ledger depends on this port only, so accounts may use
 * the ledger (opening the first period, ending a trial) without a cycle.
 */
export interface AccountDirectory {
  /** The account's facts; NotFoundError (404) when it does not exist. */
  account(accountId: string): Promise<AccountFacts>;
  /** The account, refusing an amount in another currency than the account's (WRONG_CURRENCY). */
  accountInCurrency(accountId: string, currency: string): Promise<AccountFacts>;
}

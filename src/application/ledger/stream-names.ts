/** Stream naming, in one place: projections and tools filter the global log by these prefixes. */
export const ACCOUNT_STREAM_PREFIX = 'account-';
export const LEDGER_STREAM_PREFIX = 'ledger-';
export const PAYMENT_STREAM_PREFIX = 'payment-';

export const accountStream = (accountId: string) => `${ACCOUNT_STREAM_PREFIX}${accountId}`;
/** '@' cannot occur in account ids, so 'ledger-<id>@' selects exactly one account's periods. */
export const ledgerStream = (accountId: string, periodId: string) =>
  `${LEDGER_STREAM_PREFIX}${accountId}@${periodId}`;
export const paymentStream = (paymentId: string) => `${PAYMENT_STREAM_PREFIX}${paymentId}`;

/**
 * Stream naming, in one place: writers build names here, and projections, tools and tests filter the
 * global log and parse stream ids with the same functions. Nothing else spells a stream prefix.
 *
 * - `account-<accountId>`            the account: opening, contract, legal details, deletion
 * - `ledger-<accountId>@<YYYY-MM>`   the account's ledger for one reporting period (closing the books)
 * - `payment-<paymentId>`            the claim of a payment system's id (takes effect once, forever)
 * - `documents-<accountId>`          the account's issued documents
 * - `doc-numbers-<issuer>-<year>`    an issuer's gapless document numbering series
 * - `webhook-<subscriptionId>`       a webhook subscription to document deliveries (its secret sealed)
 * - `catalog`                        the price list: every published catalog version (one stream)
 * - `pricing-<accountId>`            the account's discounts and committed-use terms
 * - `alerts-<accountId>`             the account's budgets and alerts (issue 15)
 */
export const ACCOUNT_STREAM_PREFIX = 'account-';
export const LEDGER_STREAM_PREFIX = 'ledger-';
export const PAYMENT_STREAM_PREFIX = 'payment-';
export const DOCUMENTS_STREAM_PREFIX = 'documents-';
export const NUMBERING_STREAM_PREFIX = 'doc-numbers-';
export const WEBHOOK_STREAM_PREFIX = 'webhook-';
export const PRICING_STREAM_PREFIX = 'pricing-';
/** The one stream of the price list's versions. */
export const CATALOG_STREAM = 'catalog';

export const accountStream = (accountId: string) => `${ACCOUNT_STREAM_PREFIX}${accountId}`;
/** '@' cannot occur in account ids, so 'ledger-<id>@' selects exactly one account's periods. */
export const ledgerStream = (accountId: string, periodId: string) =>
  `${LEDGER_STREAM_PREFIX}${accountId}@${periodId}`;
/** The prefix of every ledger period stream of one account. */
export const accountLedgerPrefix = (accountId: string) => `${LEDGER_STREAM_PREFIX}${accountId}@`;
export const paymentStream = (paymentId: string) => `${PAYMENT_STREAM_PREFIX}${paymentId}`;
export const documentsStream = (accountId: string) => `${DOCUMENTS_STREAM_PREFIX}${accountId}`;
export const numberingStream = (issuer: string, year: number) =>
  `${NUMBERING_STREAM_PREFIX}${issuer}-${year}`;

/** Every stream that belongs to one account (its own, its ledger periods, its documents). */
export const accountStreamPrefixes = (accountId: string) => [
  accountStream(accountId),
  accountLedgerPrefix(accountId),
  documentsStream(accountId),
];

/** `ledger-<accountId>@<periodId>` → its account and period; undefined for any other stream. */
export function ledgerStreamParts(streamId: string): { accountId: string; periodId: string } | undefined {
  if (!streamId.startsWith(LEDGER_STREAM_PREFIX)) return undefined;
  const at = streamId.lastIndexOf('@');
  if (at < 0) return undefined;
  return { accountId: streamId.slice(LEDGER_STREAM_PREFIX.length, at), periodId: streamId.slice(at + 1) };
}

/** `account-<accountId>` → the account id; undefined for any other stream. */
export const accountIdOfAccountStream = (streamId: string): string | undefined =>
  streamId.startsWith(ACCOUNT_STREAM_PREFIX) ? streamId.slice(ACCOUNT_STREAM_PREFIX.length) : undefined;

/** `documents-<accountId>` → the account id; undefined for any other stream. */
export const accountIdOfDocumentsStream = (streamId: string): string | undefined =>
  streamId.startsWith(DOCUMENTS_STREAM_PREFIX) ? streamId.slice(DOCUMENTS_STREAM_PREFIX.length) : undefined;

/** `webhook-<subscriptionId>`: one webhook subscription to document deliveries. */
export const webhookStream = (subscriptionId: string) => `${WEBHOOK_STREAM_PREFIX}${subscriptionId}`;

/** `webhook-<subscriptionId>` → the subscription id; undefined for any other stream. */
export const subscriptionIdOfWebhookStream = (streamId: string): string | undefined =>
  streamId.startsWith(WEBHOOK_STREAM_PREFIX) ? streamId.slice(WEBHOOK_STREAM_PREFIX.length) : undefined;

/** `pricing-<accountId>`: the account's discounts and commitments (per-account pricing). */
export const pricingStream = (accountId: string) => `${PRICING_STREAM_PREFIX}${accountId}`;
/** `alerts-<accountId>`: the account's budgets, low-balance warning level and raised alerts (issue 15). */
export const ALERTS_STREAM_PREFIX = 'alerts-';
export const alertsStream = (accountId: string) => `${ALERTS_STREAM_PREFIX}${accountId}`;

/** `alerts-<accountId>` → the account id; undefined for any other stream. */
export const accountIdOfAlertsStream = (streamId: string): string | undefined =>
  streamId.startsWith(ALERTS_STREAM_PREFIX) ? streamId.slice(ALERTS_STREAM_PREFIX.length) : undefined;

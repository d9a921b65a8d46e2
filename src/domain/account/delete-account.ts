import type { DecisionOf } from '../shared/decision.js';
import type { AccountEvent, RetainedPersonalData } from './account-events.js';
import type { AccountState } from './account-state.js';
import { payerIsPerson, retainedDocumentDataOf } from './personal-data-retention.js';

export interface DeleteAccountCommand {
  accountId: string;
  at: string;
  /**
   * The account's retention key as the vault holds it, when its issued documents hold a person's sealed
   * requisites: kept after deletion until `retainUntil`, by `basis`.
   */
  retention?: { retainUntil: string; basis: string };
  /** Why, when not a debt left unpaid (a closure at the customer's request). */
  reason?: string;
}

/** Why an account is deleted: the only path to deletion is a block that the debt was never paid after. */
export const DELETION_REASON = 'blocked: debt unpaid 60 days after suspension';

/** What deletion erases, each when the account has it; amounts, dates and document numbers stay for auditors. */
export const ERASED_LEGAL_DETAILS = 'legal details in the account stream (name, tax id, KPP, address, bank)';
export const ERASED_OWNER_EMAIL = 'the account owner’s contact e-mail in the account stream';
export const ERASED_ACCOUNT_KEY = 'the account’s personal-data key (everything sealed with it is unreadable)';

/**
 * Deletes the account's personal data, once: an account already deleted stores nothing again (its key is
 * gone, so there is nothing left to erase). The event states exactly what was erased and what the law
 * makes us keep — a person's requisites in issued documents, under the retention key — until when and why.
 */
export function decideDeleteAccount(
  command: DeleteAccountCommand,
  state: AccountState,
): DecisionOf<AccountEvent> {
  if (!state.facts) {
    return { ok: false, code: 'ACCOUNT_NOT_FOUND', message: `Account ${command.accountId} does not exist` };
  }
  if (state.deletedAt) return { ok: true, events: [] };
  const erased = [
    ...(state.legalDetails ? [ERASED_LEGAL_DETAILS] : []),
    ...(state.ownerEmail ? [ERASED_OWNER_EMAIL] : []),
    ERASED_ACCOUNT_KEY,
  ];
  const kept: RetainedPersonalData[] =
    command.retention && payerIsPerson(state.facts.payerType)
      ? [
          {
            what: retainedDocumentDataOf(state.facts.payerType),
            until: command.retention.retainUntil,
            why: command.retention.basis,
          },
        ]
      : [];
  return {
    ok: true,
    events: [
      {
        type: 'AccountDeleted',
        data: {
          accountId: command.accountId,
          at: command.at,
          reason: command.reason ?? DELETION_REASON,
          erased,
          kept,
        },
      },
    ],
  };
}

export interface EndDocumentRetentionCommand {
  accountId: string;
  at: string;
  /** The account's retention key as the vault holds it (undefined: nothing was ever retained). */
  retention?: { retainUntil: string; basis: string; destroyedAt?: string };
}

/** What ending the retention does: destroy the key, or nothing (none, or already destroyed). */
export type EndDocumentRetentionDecision =
  { ok: true; destroy: boolean; reason: string } | { ok: false; code: string; message: string };

/**
 * The retention key of a deleted account is destroyed once its retain-until instant has passed: from then on
 * the documents' sealed requisites read as erased, while the documents themselves (numbers, amounts, dates,
 * the hash chain) stay. Not before the period is over, and not while the account is served (its latest
 * document moves the date on).
 */
export function decideEndDocumentRetention(
  command: EndDocumentRetentionCommand,
  state: AccountState,
): EndDocumentRetentionDecision {
  if (!state.facts) {
    return { ok: false, code: 'ACCOUNT_NOT_FOUND', message: `Account ${command.accountId} does not exist` };
  }
  const { retention } = command;
  if (!retention) return { ok: true, destroy: false, reason: 'nothing retained' };
  if (retention.destroyedAt) return { ok: true, destroy: false, reason: 'retention key already destroyed' };
  if (!state.deletedAt) {
    return {
      ok: false,
      code: 'ACCOUNT_NOT_DELETED',
      message: `Account ${command.accountId} is not deleted: its documents' requisites are kept while it is served`,
    };
  }
  if (Date.parse(command.at) < Date.parse(retention.retainUntil)) {
    return {
      ok: false,
      code: 'RETENTION_PERIOD_NOT_OVER',
      message: `The documents of ${command.accountId} are kept until ${retention.retainUntil} (${retention.basis})`,
    };
  }
  return { ok: true, destroy: true, reason: `retention period over at ${retention.retainUntil}` };
}

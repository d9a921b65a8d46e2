import Big from 'big.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerEvent } from '../ledger-events.js';
import type { LedgerState } from '../ledger-state.js';
import { autoTopUpRequestId, pendingAutoTopUp } from '../auto-top-up-state.js';
import { decimalField } from './amounts.js';
import { accept, duplicate, nothingToDo, reject, type Decision } from './decision.js';

const MINUTE_MS = 60_000;

/**
 * Card auto top-up settings (§5): the threshold from 0 to the profile's maximum, the amount within the
 * profile's bounds, in the account's currency. The same settings again store nothing.
 */
export function decideConfigureAutoTopUp(
  command: LedgerCommandOf<'ConfigureAutoTopUp'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const policy = context.profile.autoTopUp;
  if (!policy?.enabled) {
    return reject(
      'AUTO_TOP_UP_NOT_AVAILABLE',
      `Profile ${context.profile.id} does not offer card auto top-up`,
      'enabled',
    );
  }
  const limits = policy.limits[command.currency as 'RUB' | 'KZT' | 'USD'];
  if (!limits) return reject('UNKNOWN_CURRENCY', `currency ${command.currency} is not offered`, 'currency');
  if (command.currency !== state.currency) {
    return reject(
      'WRONG_CURRENCY',
      `currency must be the account's currency ${state.currency} (got ${command.currency})`,
      'currency',
    );
  }
  const threshold = decimalField(command.threshold, 'threshold');
  if (!(threshold instanceof Big)) return threshold;
  if (threshold.lt('0') || threshold.gt(limits.maxThreshold)) {
    return reject(
      'THRESHOLD_OUT_OF_RANGE',
      `threshold must be from 0 to ${limits.maxThreshold} ${command.currency} (got ${threshold.toFixed()})`,
      'threshold',
    );
  }
  const amount = decimalField(command.amount, 'amount');
  if (!(amount instanceof Big)) return amount;
  if (amount.lt(limits.minAmount) || amount.gt(limits.maxAmount)) {
    return reject(
      'AMOUNT_OUT_OF_RANGE',
      `amount must be from ${limits.minAmount} to ${limits.maxAmount} ${command.currency} (got ${amount.toFixed()})`,
      'amount',
    );
  }
  const current = state.autoTopUp;
  if (
    current &&
    current.enabled === command.enabled &&
    threshold.eq(current.threshold) &&
    amount.eq(current.amount) &&
    current.currency === command.currency
  )
    return duplicate();
  return accept([
    {
      type: 'AutoTopUpConfigured',
      data: {
        enabled: command.enabled,
        threshold: threshold.toFixed(),
        amount: amount.toFixed(),
        currency: command.currency,
        at: command.at,
      },
    },
  ]);
}

/**
 * The charge that takes the balance from above the threshold to at or below it asks for one auto top-up,
 * in the same append. Nothing while the feature is off, while a request is still unanswered, or for a
 * charge that starts at or below the threshold (the balance must rise above it first).
 */
export function autoTopUpOnCharge(
  before: LedgerState,
  after: LedgerState,
  context: LedgerContext,
  at: string,
): LedgerEvent[] {
  const settings = after.autoTopUp;
  if (!context.profile.autoTopUp?.enabled || !settings?.enabled) return [];
  if (pendingAutoTopUp(settings, after.payments)) return [];
  const crossed = before.balance.gt(settings.threshold) && after.balance.lte(settings.threshold);
  return crossed ? [requested(after, 1, at)] : [];
}

function requested(state: LedgerState, attempt: number, at: string): LedgerEvent {
  const settings = state.autoTopUp!;
  return {
    type: 'AutoTopUpRequested',
    data: {
      requestId: autoTopUpRequestId(state.accountId, settings.sequence + 1),
      amount: settings.amount,
      currency: settings.currency,
      attempt,
      threshold: settings.threshold,
      balance: state.balance.toFixed(),
      at,
    },
  };
}

/**
 * The gateway refused a request: nothing is deposited (a freeze stands). The profile's retry policy asks
 * again `spacingMinutes` later (a deadline at `retryAt`) until `maxAttempts` requests were refused.
 */
export function decideRecordAutoTopUpFailure(
  command: LedgerCommandOf<'RecordAutoTopUpFailure'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const { requestId } = command;
  const pending = pendingAutoTopUp(state.autoTopUp, state.payments);
  if (pending?.requestId !== requestId) {
    if (state.autoTopUp?.lastFailed?.requestId === requestId) return duplicate();
    if (state.payments.has(requestId))
      return reject('AUTO_TOP_UP_ALREADY_SUCCEEDED', `Request ${requestId} was already paid`, 'requestId');
    return reject('AUTO_TOP_UP_NOT_PENDING', `No auto top-up request ${requestId} is waiting`, 'requestId');
  }
  const retry = context.profile.autoTopUp?.retry;
  const again = retry && pending.attempt < retry.maxAttempts;
  return accept([
    {
      type: 'AutoTopUpFailed',
      data: {
        requestId,
        attempt: pending.attempt,
        reason: command.reason,
        at: command.at,
        ...(again
          ? { retryAt: new Date(Date.parse(command.at) + retry.spacingMinutes * MINUTE_MS).toISOString() }
          : {}),
      },
    },
  ]);
}

/**
 * The retry deadline: asks again with a new request id (the refused one stays refused at the gateway) when
 * the refusal is still the latest answer, auto top-up is still on and the balance is still at or below the
 * threshold. A top-up or a new request meanwhile makes it a no-op.
 */
export function decideRetryAutoTopUp(
  command: LedgerCommandOf<'RetryAutoTopUp'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const settings = state.autoTopUp;
  const failed = settings?.lastFailed;
  if (!context.profile.autoTopUp?.enabled || !settings?.enabled) return nothingToDo();
  if (failed?.requestId !== command.failedRequestId) return nothingToDo();
  if (pendingAutoTopUp(settings, state.payments) || state.balance.gt(settings.threshold))
    return nothingToDo();
  return accept([requested(state, failed.attempt + 1, command.at)]);
}

import { PAYMENT_METHODS, paymentMethodOf, type AccountEvent, type PaymentMethod } from './account-events.js';
import type { AccountState } from './account-state.js';

type Decision =
  { ok: true; events: AccountEvent[] } | { ok: false; code: string; message: string; field?: string };

export interface ChangePaymentMethodCommand {
  accountId: string;
  paymentMethod: PaymentMethod;
  at: string;
}

/**
 * Bank transfer or card (seed 004): a bank-transfer payer gets the period bill when there is an amount to
 * pay, and a mid-period bill when debt arises. The same method again changes nothing.
 */
export function decideChangePaymentMethod(
  command: ChangePaymentMethodCommand,
  state: AccountState,
): Decision {
  const facts = state.facts;
  if (!facts)
    return { ok: false, code: 'ACCOUNT_NOT_FOUND', message: `Account ${command.accountId} does not exist` };
  if (state.deletedAt) {
    return { ok: false, code: 'ACCOUNT_DELETED', message: `Account ${command.accountId} is deleted` };
  }
  if (!PAYMENT_METHODS.includes(command.paymentMethod)) {
    return {
      ok: false,
      code: 'PAYMENT_METHOD_UNKNOWN',
      message: `paymentMethod must be one of ${PAYMENT_METHODS.join(', ')}`,
      field: 'paymentMethod',
    };
  }
  if (paymentMethodOf(facts) === command.paymentMethod) return { ok: true, events: [] };
  return {
    ok: true,
    events: [
      {
        type: 'PaymentMethodChanged',
        data: { accountId: command.accountId, at: command.at, paymentMethod: command.paymentMethod },
      },
    ],
  };
}

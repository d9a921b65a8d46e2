import Big from 'big.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { amountField } from './amounts.js';
import { accept, duplicate, reject, type Decision, type Rejection } from './decision.js';
import { depositEvents } from './deposit.js';

/** A top-up of the personal account: once per payment id, at least the profile's minimum for the currency. */
export function decideTopUp(
  command: LedgerCommandOf<'TopUp'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (state.payments.has(command.paymentId)) return duplicate();
  const amount = amountField(command.amount, 'amount');
  if (!(amount instanceof Big)) return amount;
  const belowMinimum = belowMinimumTopUp(amount, state, context);
  if (belowMinimum) return belowMinimum;
  return accept(
    depositEvents(state, context, {
      paymentId: command.paymentId,
      amount,
      channel: command.channel,
      at: command.at,
    }),
  );
}

/** The profile's minimum top-up for the account's currency (a top-up bill asks for at least as much). */
export function belowMinimumTopUp(
  amount: Big,
  state: LedgerState,
  context: LedgerContext,
): Rejection | undefined {
  const minimum = context.profile.minimumTopUp[state.currency as 'RUB' | 'KZT' | 'USD'];
  if (minimum === undefined || !amount.lt(minimum)) return undefined;
  return reject(
    'TOP_UP_BELOW_MINIMUM',
    `amount must be at least ${minimum} ${state.currency} (got ${amount.toFixed()})`,
    'amount',
  );
}

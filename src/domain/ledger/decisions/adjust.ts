import Big from 'big.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { amountField } from './amounts.js';
import { bookCorrection, chargedNow } from './correction-funding.js';
import { duplicate, reject, type Decision } from './decision.js';

export const adjustmentCorrectionId = (adjustmentId: string) => `adjustment:${adjustmentId}`;

/**
 * An adjustment by ops (issue 14): a credit gives `amount` back to the balance as a service credit — the
 * provider's own money ('internal'): it lowers what the customer owes, not the documented price (a price
 * correction voids or re-rates usage records, which corrective documents follow), and like a grant it is
 * never refunded — a debit charges it to the balance (deposits first in first out, never to
 * grants: it is no usage), booked as ChargeCorrected 'adjustment' for the open period or a closed one,
 * without a time limit. The same adjustment id twice is booked once.
 */
export function decideAdjust(
  command: LedgerCommandOf<'Adjust'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const correctionId = adjustmentCorrectionId(command.adjustmentId);
  if (state.corrections.has(correctionId)) return duplicate();
  const amount = amountField(command.amount, 'amount');
  if (!(amount instanceof Big)) return amount;
  if (amount.round(2).cmp(amount) !== 0) {
    return reject('INVALID_AMOUNT', 'amount must have at most 2 decimal places', 'amount');
  }
  if (command.reason.trim() === '') return reject('REASON_REQUIRED', 'reason must not be empty', 'reason');
  if (command.period > state.periodId) {
    return reject(
      'PERIOD_NOT_BOOKED',
      `period ${command.period} is after the open period ${state.periodId}`,
      'period',
    );
  }
  const credit = command.direction === 'credit';
  const funding = credit
    ? {
        fromGrants: [],
        fromBalance: amount.neg(),
        fromBalanceBy: [{ source: 'internal' as const, amount: amount.neg().toFixed() }],
      }
    : chargedNow(state, context, amount, command.category, command.at, false);
  return bookCorrection(
    state,
    context,
    {
      correctionId,
      kind: 'adjustment',
      correctsPeriod: command.period,
      service: command.service,
      category: command.category,
      ...(command.sku ? { sku: command.sku } : {}),
      amount: (credit ? amount.neg() : amount).toFixed(),
      reason: command.reason,
      ...(command.reference ? { reference: command.reference } : {}),
      by: command.by,
      at: command.at,
    },
    funding,
  );
}

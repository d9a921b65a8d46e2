import Big from 'big.js';
import type { LedgerCommandOf } from '../ledger-commands.js';
import type { LedgerEvent } from '../ledger-events.js';
import { outstandingBills, type LedgerState } from '../ledger-state.js';
import { pendingParts, refundParts, refundable, type RefundRecord } from '../refund-state.js';
import { decimalField } from './amounts.js';
import { accept, duplicate, reject, type Decision } from './decision.js';

/**
 * A refund of unspent paid money (issue 14, item 4; business-rules.md#refunds): never grants, never credit.
 * Refused while the account owes anything (a balance below zero, a bill not paid in full): the money is
 * then no surplus. It takes the oldest unspent deposits first, down to the amount, and takes the money off
 * the balance at once so it cannot be spent while the gateway pays it out.
 */
export function decideRequestRefund(command: LedgerCommandOf<'RequestRefund'>, state: LedgerState): Decision {
  const known = state.refunds.get(command.refundId);
  if (known) {
    if (command.amount === 'all' || new Big(known.amount).eq(parsedOrZero(command.amount)))
      return duplicate();
    return reject(
      'REFUND_ID_REUSED',
      `Refund ${command.refundId} was requested for ${known.amount}, not ${command.amount}`,
      'refundId',
    );
  }
  if (state.settledRefundIds.includes(command.refundId)) return duplicate();
  const amount = command.amount === 'all' ? 'all' : refundAmount(command.amount);
  if (!(amount === 'all' || amount instanceof Big)) return amount;
  if (state.balance.lt('0')) {
    return reject('REFUND_WHILE_IN_DEBT', `The balance ${state.balance.toFixed()} is below zero`, 'amount');
  }
  if (outstandingBills(state).gt('0')) {
    return reject(
      'REFUND_WHILE_BILLS_OPEN',
      `Bills of ${outstandingBills(state).toFixed()} ${state.currency} are not paid`,
      'amount',
    );
  }
  const available = refundableNow(state);
  if (available.eq('0')) {
    return reject('NOTHING_TO_REFUND', 'No paid money is left unspent (grants are never refunded)', 'amount');
  }
  const taken = amount === 'all' ? available : amount;
  if (taken.gt(available)) {
    return reject(
      'REFUND_EXCEEDS_REFUNDABLE',
      `amount ${taken.toFixed()} exceeds the refundable ${available.toFixed()} ${state.currency}`,
      'amount',
    );
  }
  return accept([
    {
      type: 'RefundRequested',
      data: {
        refundId: command.refundId,
        amount: taken.toFixed(),
        currency: state.currency,
        parts: refundParts(state.unspentDeposits, taken),
        reason: command.reason,
        by: command.by,
        at: command.at,
        balanceAfter: state.balance.minus(taken).toFixed(),
      },
    },
  ]);
}

/** Money goes back in kopecks: a positive amount with at most 2 decimals. */
function refundAmount(value: string) {
  const parsed = decimalField(value, 'amount');
  if (!(parsed instanceof Big)) return parsed;
  if (parsed.lte('0')) return reject('AMOUNT_NOT_POSITIVE', 'amount must be greater than 0', 'amount');
  if (!parsed.eq(parsed.round(2, Big.roundDown))) {
    return reject('INVALID_AMOUNT', 'amount must have at most 2 decimals', 'amount');
  }
  return parsed;
}

const parsedOrZero = (value: string) => {
  const parsed = decimalField(value, 'amount');
  return parsed instanceof Big ? parsed : new Big(-1);
};

/**
 * The gateway's answer for one part of a refund, or for every part still pending. A failure gives the
 * part's money back to the balance exactly as it was taken. The same answer again stores nothing; the
 * opposite answer for a settled part is refused.
 */
export function decideRecordRefundResult(
  command: LedgerCommandOf<'RecordRefundResult'>,
  state: LedgerState,
): Decision {
  const record = state.refunds.get(command.refundId);
  if (!record) {
    if (state.settledRefundIds.includes(command.refundId)) return duplicate();
    return reject('REFUND_NOT_FOUND', `No refund ${command.refundId}`, 'refundId');
  }
  const outcome = command.result.status;
  const targets = targetParts(record, command.paymentId);
  if (!targets) {
    return reject(
      'REFUND_PART_NOT_FOUND',
      `Refund ${record.refundId} returns no payment ${command.paymentId}`,
      'paymentId',
    );
  }
  const pending = targets.filter((p) => p.outcome === 'pending');
  if (pending.length === 0) {
    if (targets.every((p) => p.outcome === outcome)) return duplicate();
    return reject('REFUND_ALREADY_SETTLED', `Refund ${record.refundId} was already answered`, 'status');
  }
  const paymentId = command.paymentId === undefined ? {} : { paymentId: command.paymentId };
  if (command.result.status === 'completed') {
    const reference = command.result.gatewayReference;
    const event: LedgerEvent = {
      type: 'RefundCompleted',
      data: {
        refundId: record.refundId,
        ...paymentId,
        ...(reference === undefined ? {} : { gatewayReference: reference }),
        at: command.at,
      },
    };
    return accept([event]);
  }
  const amount = pending.reduce((sum, p) => sum.plus(p.amount), new Big(0));
  return accept([
    {
      type: 'RefundFailed',
      data: {
        refundId: record.refundId,
        ...paymentId,
        reason: command.result.reason,
        at: command.at,
        amount: amount.toFixed(),
        balanceAfter: state.balance.plus(amount).toFixed(),
      },
    },
  ]);
}

/** The part a `paymentId` names (undefined when none), or every part when none is named. */
function targetParts(record: RefundRecord, paymentId: string | undefined) {
  if (paymentId === undefined)
    return record.parts.some((p) => p.outcome === 'pending') ? pendingParts(record) : record.parts;
  const part = record.parts.find((p) => p.paymentId === paymentId);
  return part ? [part] : undefined;
}

/**
 * What a refund may return now: the unspent paid deposits, nothing while the account owes anything, and
 * never more than the balance (the deposits queue holds the balance above zero; the cap keeps that true
 * should an event move the balance without telling the queue).
 */
export function refundableNow(state: LedgerState): Big {
  if (state.balance.lt('0') || outstandingBills(state).gt('0')) return new Big(0);
  const deposits = refundable(state.unspentDeposits);
  return deposits.gt(state.balance) ? state.balance : deposits;
}

import Big from 'big.js';
import {
  CREDIT_LIMIT_EXHAUSTED,
  DEBT_BILL_REASON,
  billsBankTransferPayer,
  type LedgerContext,
} from '../ledger-commands.js';
import type { LedgerEvent } from '../ledger-events.js';
import {
  availableFunds,
  evolveLedger,
  grantsDrawn,
  outstandingBills,
  type LedgerState,
} from '../ledger-state.js';
import { roundDecimal } from '../../shared/decimal.js';
import { addCalendarDays, localDate } from '../../shared/reporting-period.js';
import { autoTopUpOnCharge } from './auto-top-up.js';
import { crosses, hasUsableGrant } from './funds.js';
import { plusDays } from './instants.js';
import { isNegative, isPositive, isZero } from '../../shared/sign.js';

/**
 * What a charge sets off in the same decision: a freeze, a payment requirement, a mid-period bill, a card
 * auto top-up request.
 */
export function consequencesOfCharge(
  before: LedgerState,
  consumed: LedgerEvent,
  context: LedgerContext,
  at: string,
): LedgerEvent[] {
  const { profile } = context;
  const events: LedgerEvent[] = [];
  const after = afterCharge(before, consumed);
  if (profile.freeze.enabled && before.status === 'active' && crosses(after.balance, profile.freeze.when)) {
    const days = after.everPaid
      ? profile.freeze.deleteObjectsAfterDays.paidBefore
      : profile.freeze.deleteObjectsAfterDays.neverPaid;
    events.push({
      type: 'AccountFrozen',
      data: {
        balance: after.balance.toFixed(),
        at,
        deleteObjectsAt: plusDays(at, days),
        everPaid: after.everPaid,
      },
    });
  }
  const funds = availableFunds(after);
  if (
    profile.suspension.enabled &&
    !profile.trial?.enabled &&
    before.status === 'active' &&
    isZero(after.creditLimit) &&
    !hasUsableGrant(after, at) &&
    crosses(funds, profile.suspension.when)
  ) {
    events.push({
      type: 'PaymentRequired',
      data: {
        availableFunds: funds.toFixed(),
        at,
        suspendAt: plusDays(at, profile.suspension.suspendAfterDays),
      },
    });
  }
  if (isPositive(after.creditLimit) && isPositive(availableFunds(before)) && !isPositive(funds)) {
    // Bills are paid in minor units: a bill for 400.123456 would leave a fraction open forever.
    const amount = roundDecimal(after.balance.neg().minus(outstandingBills(after)), 2, profile.rounding.mode);
    if (isPositive(amount)) {
      const issuedOn = localDate(at, context.timeZone);
      const dueDate = addCalendarDays(issuedOn, profile.billing.midPeriodBillDueDays);
      events.push(midPeriodBill(after, amount, issuedOn, dueDate, CREDIT_LIMIT_EXHAUSTED));
    }
  }
  const debtBill = debtBillOf(before, after, consumed, events, context, at);
  if (debtBill) events.push(debtBill);
  events.push(...autoTopUpOnCharge(before, after, context, at));
  return events;
}

/**
 * The state after a charge as far as its consequences read it: balance, grants (and what a charge leaves
 * as it was: status, everPaid, credit limit, bills, payments, auto top-up, ids). A usage charge is applied
 * arithmetically instead of by evolveLedger on the whole state, which copies the period's totals, funding
 * queues and record ids only to drop them (charge-consequences.spec.ts pins that the fields read agree).
 * Other events (a correction) are rare: evolved in full.
 */
export function afterCharge(before: LedgerState, charge: LedgerEvent): LedgerState {
  if (charge.type !== 'ResourceConsumed') return evolveLedger(before, charge);
  const d = charge.data;
  return {
    ...before,
    balance: before.balance.minus(d.fromBalance),
    grants: grantsDrawn(before.grants, d.fromGrants),
  };
}

/**
 * Seed 004: "a bill may be issued during the period when there is debt". A bank-transfer payer without a
 * credit limit whose balance goes below zero gets a mid-period bill for the debt, due when the account
 * would be suspended for it (never earlier than the profile's mid-period term), so the notice schedule
 * still holds. Once per crossing: later charges are left to the period bill.
 */
function debtBillOf(
  before: LedgerState,
  after: LedgerState,
  consumed: LedgerEvent,
  sameDecision: readonly LedgerEvent[],
  context: LedgerContext,
  at: string,
): LedgerEvent | undefined {
  if (!billsBankTransferPayer(context) || !isZero(after.creditLimit)) return undefined;
  // Only the charge that takes the balance below zero.
  if (isNegative(before.balance) || !isNegative(after.balance)) return undefined;
  const { profile } = context;
  const amount = roundDecimal(after.balance.neg().minus(outstandingBills(after)), 2, profile.rounding.mode);
  if (!isPositive(amount)) return undefined;
  const issuedOn = localDate(at, context.timeZone);
  // Rare (once per crossing): the whole decision on the full state, not the preview.
  const suspendAt = [consumed, ...sameDecision].reduce(evolveLedger, before).suspension?.suspendAt;
  const termDue = addCalendarDays(issuedOn, profile.billing.midPeriodBillDueDays);
  const suspensionDue = suspendAt ? localDate(suspendAt, context.timeZone) : termDue;
  return midPeriodBill(
    after,
    amount,
    issuedOn,
    suspensionDue > termDue ? suspensionDue : termDue,
    DEBT_BILL_REASON,
  );
}

/** A mid-period bill, numbered after the period's mid-period bills so far (its id is its place and day). */
function midPeriodBill(
  after: LedgerState,
  amount: Big,
  issuedOn: string,
  dueDate: string,
  reason: string,
): LedgerEvent {
  const count = [...after.openBills.values()].filter((b) => b.kind === 'mid-period').length;
  return {
    type: 'BillIssued',
    data: {
      billId: `${after.accountId}-${after.periodId}-mid-${count + 1}-${issuedOn}`,
      kind: 'mid-period',
      amount: amount.toFixed(),
      paid: '0',
      issuedOn,
      dueDate,
      reason,
    },
  };
}

/**
 * How a correction (issue 14) is paid for or given back, and the ChargeCorrected event it is booked as.
 * Shared by late usage, adjustments, voids and re-rates.
 */
import Big from 'big.js';
import { toPlainString } from '../../shared/decimal.js';
import { allocateCharge } from '../../shared/grant-allocation.js';
import { Money, type Currency } from '../../shared/money.js';
import { drawFunding, type FundingPart } from '../funding.js';
import type { LedgerContext } from '../ledger-commands.js';
import type { ChargeCorrection, LedgerEvent } from '../ledger-events.js';
import type { LedgerState } from '../ledger-state.js';
import type { UsageRecordFacts } from '../usage-records.js';
import { consequencesOfCharge } from './charge-consequences.js';
import { accept, type Decision } from './decision.js';
import { grantScope } from './consume-resource.js';
import { withTrialEnd } from './trial-end.js';

export interface CorrectionFunding {
  fromGrants: Array<{ grantId: string; amount: string }>;
  fromBalance: Big;
  fromBalanceBy: FundingPart[];
}

/**
 * An amount > 0 charged now, like a charge booked now: the grants usable at `at` for the category first
 * (in the profile's order), when `useGrants`, then the balance, deposits first in first out.
 */
export function chargedNow(
  state: LedgerState,
  context: LedgerContext,
  amount: Big,
  category: string,
  at: string,
  useGrants: boolean,
): CorrectionFunding {
  const currency = state.currency as Currency;
  let fromGrants: CorrectionFunding['fromGrants'] = [];
  let fromBalance = amount;
  if (useGrants) {
    const allocation = allocateCharge({
      amount: Money.fromDecimal(amount, currency),
      category,
      at,
      grants: [...state.grants.values()].map((g) => ({
        id: g.grantId,
        remaining: Money.of(g.remaining, currency),
        expiresAt: g.expiresAt,
        scope: grantScope(g),
        priority: g.priority,
        issuedAt: g.issuedAt,
      })),
      order: context.profile.grants.order,
    });
    fromGrants = allocation.fromGrants.map((g) => ({ grantId: g.grantId, amount: g.amount.toString() }));
    fromBalance = allocation.fromBalance.amount;
  }
  return { fromGrants, fromBalance, fromBalanceBy: drawFunding(state.funding, fromBalance).parts };
}

/**
 * `amount` (> 0) given back along what the record drew: to the balance first (the sources it drew from,
 * the last drawn first), then to its grants (the last drawn first). A void gives back every part exactly.
 */
export function givenBack(
  record: Pick<UsageRecordFacts, 'fromGrants' | 'fromBalanceBy'>,
  amount: Big,
): CorrectionFunding {
  let left = amount;
  const take = (available: string): Big => {
    const part = new Big(available).lt(left) ? new Big(available) : left;
    left = left.minus(part);
    return part;
  };
  const fromBalanceBy: FundingPart[] = [];
  for (const part of [...record.fromBalanceBy].reverse()) {
    const back = take(part.amount);
    if (back.gt('0')) fromBalanceBy.push({ source: part.source, amount: back.neg().toFixed() });
  }
  const fromGrants: CorrectionFunding['fromGrants'] = [];
  for (const part of [...record.fromGrants].reverse()) {
    const back = take(part.amount);
    if (back.gt('0')) fromGrants.push({ grantId: part.grantId, amount: back.neg().toFixed() });
  }
  const fromBalance = fromBalanceBy.reduce((sum, p) => sum.plus(p.amount), new Big(0));
  return { fromGrants, fromBalance, fromBalanceBy };
}

/**
 * The ChargeCorrected event; a correction that charges (fromBalance > 0) sets off what a charge does
 * (freeze, payment requirement, mid-period bill, auto top-up, the end of a trial) in the same decision.
 * A credit sets off nothing: lifting a freeze or a suspension is a payment's business.
 */
export function bookCorrection(
  state: LedgerState,
  context: LedgerContext,
  correction: Omit<ChargeCorrection, 'fromGrants' | 'fromBalance' | 'fromBalanceBy' | 'balanceAfter'>,
  funding: CorrectionFunding,
): Decision {
  // A part given back to a grant that has expired, or is no longer held, goes nowhere: lost as at expiry.
  const grantsLost = funding.fromGrants
    .filter((part) => new Big(part.amount).lt('0'))
    .filter((part) => {
      const grant = state.grants.get(part.grantId);
      return !grant || Date.parse(grant.expiresAt) <= Date.parse(correction.at);
    })
    .map((part) => ({ grantId: part.grantId, amount: new Big(part.amount).neg().toFixed() }));
  const event: LedgerEvent = {
    type: 'ChargeCorrected',
    data: {
      ...correction,
      fromGrants: funding.fromGrants,
      ...(grantsLost.length > 0 ? { grantsLost } : {}),
      fromBalance: toPlainString(funding.fromBalance),
      fromBalanceBy: funding.fromBalanceBy,
      balanceAfter: state.balance.minus(funding.fromBalance).toFixed(),
    },
  };
  if (!funding.fromBalance.gt('0') && !funding.fromGrants.some((g) => new Big(g.amount).gt('0')))
    return accept([event]);
  const at = correction.at;
  return accept(
    withTrialEnd(state, context, [event, ...consequencesOfCharge(state, event, context, at)], at),
  );
}

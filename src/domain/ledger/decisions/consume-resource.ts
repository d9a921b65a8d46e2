import Big from 'big.js';
import { discountedAmount, pricingApplied } from '../../pricing/account-pricing.js';
import { toPlainString } from '../../shared/decimal.js';
import { allocateCharge, type GrantScope } from '../../shared/grant-allocation.js';
import { Money, type Currency } from '../../shared/money.js';
import { roundCharge } from '../../shared/rounding.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { GrantSnapshot, LedgerEvent } from '../ledger-events.js';
import { drawFunding } from '../funding.js';
import { hourlyChargeKey, type LedgerState } from '../ledger-state.js';
import { consequencesOfCharge } from './charge-consequences.js';
import { accept, duplicate, reject, type Decision } from './decision.js';
import { startOfUtcHour, usageInstant } from './instants.js';
import { withTrialEnd } from './trial-end.js';
import { attributionProblem, storedAttribution } from '../usage-attribution.js';

/**
 * Usage of a resource, rated by the catalog in force at the usage time and charged to grants first, then
 * the personal account, once per usage record. A stopped account is charged only for what keeps running
 * (storage); the charge's consequences (freeze, payment requirement, mid-period bill, end of a trial) come
 * in the same decision.
 */
export function decideConsumeResource(
  command: LedgerCommandOf<'ConsumeResource'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  if (state.usageRecords.has(command.usageRecordId)) return duplicate();
  const misattributed = attributionProblem(command);
  if (misattributed) return reject('INVALID_ATTRIBUTION', misattributed.message, misattributed.field);
  const start = Date.parse(command.windowStart);
  const end = Date.parse(command.windowEnd);
  if (Number.isNaN(start) || Number.isNaN(end) || start > end) {
    return reject('INVALID_WINDOW', 'windowStart must be a time not after windowEnd', 'windowStart');
  }
  const at = usageInstant(command.windowStart, command.windowEnd);
  if (!(Date.parse(at) >= Date.parse(state.startsAt) && Date.parse(at) < Date.parse(state.endsAt))) {
    return reject('WINDOW_OUTSIDE_PERIOD', `windowEnd is outside period ${state.periodId}`, 'windowEnd');
  }
  const rated = context.rate({
    sku: command.sku,
    quantity: command.quantity,
    usageAt: at,
    currency: state.currency,
    usedThisPeriodBefore: (state.skuQuantities.get(command.sku) ?? new Big(0)).toFixed(),
  });
  if ('rejected' in rated) return reject(rated.code, rated.message, rated.field ?? 'sku');

  const { profile } = context;
  const keptRunning = rated.keptWhileStopped || profile.chargedWhileStopped.includes(rated.category);
  if (state.status === 'blocked') return reject('ACCOUNT_BLOCKED', 'The account is blocked');
  if (state.status === 'frozen' && !keptRunning) {
    return reject(
      'ACCOUNT_FROZEN',
      `The account is frozen: only ${profile.chargedWhileStopped.join(', ')} are charged`,
    );
  }
  if (state.status === 'suspended' && !keptRunning) {
    return reject(
      'ACCOUNT_SUSPENDED',
      `The account is suspended: only ${profile.chargedWhileStopped.join(', ')} are charged`,
    );
  }

  const currency = state.currency as Currency;
  // Rounding (and the first provider's one-kopeck minimum) applies to one SKU's charge for one billing
  // hour, not to each record: a record is charged what it adds to its hour's rounded running total, so
  // the hour costs its rounded exact total however the meter slices it (§2).
  const billingHour = startOfUtcHour(at);
  const hour = state.hourlyCharges.get(hourlyChargeKey(command.sku, billingHour));
  // The account's discount or commitment rate, if one applies at the usage instant (before hourly rounding).
  const applied = pricingApplied(context.accountPricing, { sku: command.sku, category: rated.category, at });
  const ratedAmount = applied ? discountedAmount(rated.amount, applied.percent) : rated.amount;
  const hourRated = (hour?.rated ?? new Big(0)).plus(ratedAmount);
  const amount = roundCharge(Money.of(hourRated.toFixed(), currency), profile.rounding).amount.minus(
    hour?.charged ?? new Big(0),
  );

  const allocation = allocateCharge({
    amount: Money.fromDecimal(amount, currency),
    category: rated.category,
    at,
    grants: [...state.grants.values()].map((g) => ({
      id: g.grantId,
      remaining: Money.of(g.remaining, currency),
      expiresAt: g.expiresAt,
      scope: grantScope(g),
      priority: g.priority,
      issuedAt: g.issuedAt,
    })),
    order: profile.grants.order,
  });
  const fromBalance = allocation.fromBalance.amount;
  const balanceAfter = state.balance.minus(fromBalance);
  const consumed: LedgerEvent = {
    type: 'ResourceConsumed',
    data: {
      usageRecordId: command.usageRecordId,
      sku: command.sku,
      service: rated.service,
      category: rated.category,
      unit: rated.unit,
      quantity: command.quantity,
      windowStart: command.windowStart,
      windowEnd: command.windowEnd,
      catalogVersion: rated.catalogVersion,
      amount: amount.toFixed(),
      fromGrants: allocation.fromGrants.map((g) => ({ grantId: g.grantId, amount: g.amount.toString() })),
      fromBalance: toPlainString(fromBalance),
      fromBalanceBy: drawFunding(state.funding, fromBalance).parts,
      balanceAfter: balanceAfter.toFixed(),
      ratedAmount,
      billingHour,
      ...(applied
        ? 'commitmentId' in applied
          ? { listAmount: rated.amount, commitmentId: applied.commitmentId, discountPercent: applied.percent }
          : { listAmount: rated.amount, discountId: applied.discountId, discountPercent: applied.percent }
        : {}),
      ...storedAttribution(command),
    },
  };
  return accept(
    withTrialEnd(state, context, [consumed, ...consequencesOfCharge(state, consumed, context, at)], at),
  );
}

export function grantScope(grant: GrantSnapshot): GrantScope {
  if (grant.categories !== 'all') return { categories: grant.categories };
  return grant.excludedCategories.length > 0 ? { excludedCategories: grant.excludedCategories } : 'all';
}
